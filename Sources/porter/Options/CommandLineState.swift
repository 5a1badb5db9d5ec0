/// What a `porter [options] URL...` command line has said so far, as ``CommandLineParser``
/// reads it: the options that hold for the whole command, the groups of options and URLs
/// that `--next` has closed, and the group being read.
struct CommandLineState: Sendable {
    /// What the command asks instead of transfers: help, or the version.
    enum Request: Sendable, Equatable {
        case help(String?)
        case version
    }

    var global = GlobalOptions()
    /// The groups closed by `-:`/`--next`, in order.
    private(set) var closedGroups: [TransferOptions] = []
    /// The group being read: options given now apply to it and to its URLs.
    var transfer = TransferOptions()
    /// Notes for standard error that do not stop the command (curl's "Warning: ...").
    var warnings: [String] = []
    var request: Request?
    /// How deep `-K` files are nested right now.
    var configDepth = 0

    /// A URL for the current group, which takes the next `-o`/`-O` not yet paired with one.
    mutating func addURL(_ text: String) {
        transfer.addURL(text)
    }

    /// `-:`/`--next`: the current group is closed, and the next starts with no options of its
    /// own. As in curl, it does nothing while the current group has no URL yet.
    mutating func startNextGroup() {
        guard transfer.entries.contains(where: { $0.url != nil }) else { return }
        closedGroups.append(transfer)
        transfer = TransferOptions()
    }

    /// Every group with URLs, with the whole command's options copied in; groups without
    /// URLs (a trailing `--next`) are dropped, as curl drops them. Checks every group.
    func groups() throws(UsageError) -> [TransferOptions] {
        var groups = closedGroups + [transfer]
        groups.removeAll { $0.entries.allSatisfy { $0.url == nil } }
        guard !groups.isEmpty else { throw UsageError("no URL specified") }
        for index in groups.indices {
            groups[index].global = global
            try groups[index].validate()
        }
        return groups
    }

    /// "Got more output options than URLs", when a group has an `-o` or `-O` left over.
    var unpairedOutputWarnings: [String] {
        (closedGroups + [transfer]).compactMap { group in
            group.entries.contains { $0.url == nil && $0.output != nil } ? "got more output options than URLs; the extra ones were not used" : nil
        }
    }
}

/// One URL of a group, and the output `-o`/`-O` paired with it.
struct URLEntry: Sendable, Equatable {
    /// Where a transfer's body goes.
    enum Output: Sendable, Equatable {
        /// `-o FILE`: the file (`-` for standard output), which may hold `#1`... for glob values.
        case file(String)
        /// `-O`: a file named like the URL's last path segment.
        case remoteName
        /// `--no-remote-name` under `--remote-name-all`: standard output.
        case standardOutput
    }

    var url: String?
    var output: Output?
}

/// The options that hold for every group of a command, wherever they are given (curl's
/// global options).
struct GlobalOptions: Sendable {
    var silent = false
    var showError = false
    var verbose = false
    /// `-#`: a bar instead of the meter.
    var progressBar = false
    /// `--no-progress-meter` turns it off.
    var progressMeter = true
    var parallel = false
    var parallelMax = 50
    /// `--parallel-max-host`: the most transfers at once to one origin.
    var parallelMaxHost: Int?
    /// `--rate`: the least time between the starts of two transfers.
    var rateInterval: Duration?
    /// `--fail-early`: the first failed transfer ends the command.
    var failEarly = false
    /// `--stderr FILE`: where diagnostics go instead of standard error.
    var standardErrorPath: String?
    /// `--trace FILE` / `--trace-ascii FILE` (the last given wins, and turns `-v` off).
    var tracePath: String?
    var traceASCII = false
    /// `--trace-time`, `--trace-ids`: prefixes for every `-v` and trace line.
    var traceTime = false
    var traceIDs = false
}
