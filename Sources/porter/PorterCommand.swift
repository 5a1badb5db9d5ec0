import ArgumentParser
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// The `porter` command: `porter [options] URL...` fetches, as curl does; `porter cert`,
/// `porter verify` and `porter compare` are subcommands of their own.
@main
enum PorterCommand {
    static func main() async {
        // Writing to a closed pipe must be an error (exit 23), not a silent death.
        signal(SIGPIPE, SIG_IGN)
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, ToolCommand.names.contains(first), first != "help" || arguments.count > 1 {
            await ToolCommand.run(arguments)
        }
        // `porter fetch URL` is the same as `porter URL`; `porter help` is `porter --help`.
        if arguments.first == "fetch" { arguments.removeFirst() }
        if arguments == ["help"] { arguments = ["--help"] }
        exit(await fetch(arguments))
    }

    /// Parses and runs a transfer command line, and returns its exit status.
    static func fetch(_ arguments: [String]) async -> Int32 {
        let state: CommandLineState
        let groups: [TransferOptions]
        do throws(UsageError) {
            state = try CommandLineParser.parse(arguments)
            if let request = state.request {
                redirectStandardError(state.global.standardErrorPath)
                switch request {
                case .help(let category): return HelpText.print(category: category)
                case .version:
                    FileOutput.standardOutput.writeLine(HelpText.version)
                    return 0
                }
            }
            groups = try state.groups().map { group in
                var group = group
                group.askForMissingPassword()
                return group
            }
        } catch {
            FileOutput.standardError.writeLine("porter: \(error.message)")
            if error.status == ExitStatus.usage {
                FileOutput.standardError.writeLine("porter: try 'porter --help' for more information")
            }
            return error.status
        }
        redirectStandardError(state.global.standardErrorPath)
        // curl's warnings are muted by -s.
        for warning in state.warnings + state.unpairedOutputWarnings where !state.global.silent {
            FileOutput.standardError.writeLine("porter: warning: \(warning)")
        }
        return await Fetch(global: state.global, groups: groups).run()
    }

    /// `--stderr FILE`: standard error becomes the file (or standard output for `-`), for
    /// every message after the command line is read, as in curl.
    private static func redirectStandardError(_ path: String?) {
        guard let path else { return }
        if path == "-" {
            dup2(STDOUT_FILENO, STDERR_FILENO)
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            FileOutput.standardError.writeLine("porter: warning: --stderr \(path): \(String(cString: strerror(errno))); diagnostics stay on standard error")
            return
        }
        dup2(descriptor, STDERR_FILENO)
        close(descriptor)
    }
}

/// The subcommands, parsed by swift-argument-parser: their options are their own and take
/// no part in curl's grammar.
struct ToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "porter",
        abstract: "Certificate checks and the port 80 / port 443 comparison; `porter --help` shows the transfer options.",
        version: porterVersion,
        subcommands: [Compare.self, Verify.self, Cert.self]
    )

    /// The first words that select a subcommand (`help` with a subcommand after it).
    static let names: Set<String> = ["compare", "verify", "cert", "help"]

    /// Parses and runs a subcommand, then exits: 2 when its options cannot be parsed, as
    /// for the transfer command line.
    static func run(_ arguments: [String]) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Glibc.exit(0)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileOutput.standardError.writeLine("porter: \(message(for: error))")
                FileOutput.standardError.writeLine("porter: try 'porter \(arguments[0]) --help' for more information")
                Glibc.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}
