/// A `porter [options] URL...` command line with every URL but the first set aside
/// before swift-argument-parser sees it.
///
/// ArgumentParser stores each value of an array argument by copying the values before
/// it, so its time grows with the square of their number: 4000 URLs took about a second
/// to parse. Only URLs come in such numbers, so they are taken out first and put back
/// after parsing. ArgumentParser still sees every option, its value, and the first URL,
/// so help, errors and the choice of subcommand are its own; ``PorterCommand`` parses the
/// whole line instead whenever the result disagrees with this split.
struct FetchCommandLine {
    /// What ArgumentParser parses: the options and their values, and the first URL.
    private(set) var arguments: [String] = []
    /// The first bare argument, which ArgumentParser must take as the first URL.
    private(set) var firstURL = ""
    /// The bare arguments after the first, in order: the other URLs.
    private(set) var laterURLs: [String] = []

    /// Splits a command line without its program name. Nil when there is nothing to set
    /// aside (fewer than two URLs), or when a word is not one this type can classify with
    /// certainty: a subcommand other than `fetch`, `--`, `-`, or an option `fetch` lacks.
    init?(splitting words: [String]) {
        var index = 0
        if let first = words.first, Self.subcommands.contains(first) {
            guard first == "fetch" else { return nil }
            arguments.append(first)
            index = 1
        }
        var sawFirstURL = false
        while index < words.count {
            let word = words[index]
            index += 1
            let takesValue: Bool
            if word.hasPrefix("--") {
                guard word.count > 2 else { return nil }
                let name = word.dropFirst(2).prefix { $0 != "=" }
                let hasJoinedValue = name.count + 2 < word.count
                if Self.longOptionsWithValue.contains(String(name)) {
                    takesValue = !hasJoinedValue
                } else if Self.longFlags.contains(String(name)), !hasJoinedValue {
                    takesValue = false
                } else {
                    return nil
                }
            } else if word.hasPrefix("-") {
                // A single letter or a cluster of them (`-sSL`); an option with a value in
                // the cluster takes the next word.
                let letters = word.dropFirst()
                guard !letters.isEmpty, letters.allSatisfy({ Self.shortFlags.contains($0) || Self.shortOptionsWithValue.contains($0) }) else {
                    return nil
                }
                takesValue = letters.contains { Self.shortOptionsWithValue.contains($0) }
            } else if !sawFirstURL {
                sawFirstURL = true
                firstURL = word
                arguments.append(word)
                continue
            } else {
                laterURLs.append(word)
                continue
            }
            arguments.append(word)
            if takesValue, index < words.count {
                arguments.append(words[index])
                index += 1
            }
        }
        guard !laterURLs.isEmpty else { return nil }
    }

    /// The names `porter` accepts as its first word for another subcommand, or for `fetch` itself.
    static let subcommands: Set<String> = ["fetch", "compare", "verify", "cert", "help"]

    // The option names of `fetch` (with TLSOptions) and of the root command; a test compares
    // them with `porter --experimental-dump-help`, so that a new option cannot be missed.

    /// Long options that take a value, as `--output FILE` or `--output=FILE`.
    static let longOptionsWithValue: Set<String> = [
        "output", "request", "header", "data", "data-ascii", "data-binary", "user-agent", "max-redirs",
        "cacert", "capath", "cert", "key", "pinnedpubkey", "connect-timeout", "max-time", "dump-header",
        "range", "max-filesize", "referer", "proto-redir", "write-out", "retry", "retry-delay",
        "retry-max-time", "continue-at", "parallel-max", "proxy", "proxy-user", "noproxy", "unix-socket",
        "resolve", "user", "oauth2-bearer", "cookie", "cookie-jar", "upload-file", "form", "json",
    ]
    /// Long options that take no value.
    static let longFlags: Set<String> = [
        "remote-name", "include", "head", "location", "fail", "fail-with-body", "silent", "show-error",
        "verbose", "insecure", "http1.0", "http1.1", "path-as-is", "compressed", "tr-encoding", "raw",
        "post301", "post302", "post303", "follow", "http0.9", "no-http0.9", "ignore-content-length",
        "globoff", "timing", "retry-all-errors", "retry-connrefused", "progress-bar", "no-progress-meter",
        "parallel", "ipv4", "ipv6", "disable", "version", "help",
    ]
    /// Single-letter options that take a value.
    static let shortOptionsWithValue: Set<Character> = Set("oXHdAEmDrewCxUubcTF")
    /// Single-letter options that take no value.
    static let shortFlags: Set<Character> = Set("OiILfsSvk0g#Z46qh")
}
