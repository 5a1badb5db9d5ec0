import ArgumentParser
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// The `porter` command: `porter [options] URL...` fetches, as curl does.
@main
struct PorterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "porter",
        abstract: "Fetch URLs over HTTP and HTTPS, with curl's options and exit statuses.",
        version: porterVersion,
        subcommands: [Fetch.self, Compare.self, Verify.self, Cert.self],
        defaultSubcommand: Fetch.self
    )

    static func main() async {
        // Writing to a closed pipe must be an error (exit 23), not a silent death.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseCommand(Array(CommandLine.arguments.dropFirst()))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // curl exits 2 for options it cannot parse; keep its number for the same failure.
            if exitCode(for: error) == .validationFailure {
                FileOutput.standardError.writeLine("porter: \(message(for: error))")
                FileOutput.standardError.writeLine("porter: try 'porter --help' for more information")
                Glibc.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }

    /// Parses a command line; a long list of URLs is set aside first and put back after
    /// (see ``FetchCommandLine``), and the whole line parsed when that would change anything.
    static func parseCommand(_ arguments: [String]) throws -> ParsableCommand {
        if let split = FetchCommandLine(splitting: arguments),
           var fetch = (try? parseAsRoot(split.arguments)) as? Fetch,
           fetch.urls == [split.firstURL] {
            fetch.urls += split.laterURLs
            return fetch
        }
        return try parseAsRoot(arguments)
    }
}
