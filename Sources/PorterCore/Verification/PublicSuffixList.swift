#if canImport(Glibc)
import Glibc
#endif

/// The Public Suffix List (publicsuffix.org): the domains under which anyone
/// may register names, such as `com`, `co.uk` or `s3.amazonaws.com`.
///
/// Read once, on first use, from the copy Debian's `publicsuffix` package
/// installs. Without that file only single-label names (`com`, `localhost`)
/// count as public suffixes. Rules written in Unicode (IDN top-level
/// domains) are compared as written; names in certificates are A-labels, so
/// those rules never match. Immutable after loading; safe from any thread.
struct PublicSuffixList: Sendable {
    /// Where the list is looked for, in order.
    static let locations = ["/usr/share/publicsuffix/public_suffix_list.dat"]

    /// The list from the first readable location, or an empty list.
    static let shared: PublicSuffixList = locations.lazy.compactMap(PublicSuffixList.init(path:)).first ?? PublicSuffixList()

    private var exact: Set<String> = []
    private var wildcards: Set<String> = []
    private var exceptions: Set<String> = []

    /// Whether the list was read from a file (false: the single-label fallback).
    private(set) var isLoaded = false

    init() {}

    /// Reads the list at `path`; nil when it cannot be read or holds no rule.
    init?(path: String) {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) >= 0, let line {
            add(rule: String(cString: line))
        }
        guard !exact.isEmpty else { return nil }
        isLoaded = true
    }

    /// Builds a list from rule lines, for tests.
    init(rules: [String]) {
        for rule in rules { add(rule: rule) }
        isLoaded = true
    }

    private mutating func add(rule line: String) {
        // A rule is the first whitespace-delimited token of a line; `//` starts a comment line.
        guard let token = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).first,
              !token.hasPrefix("//")
        else { return }
        let rule = token.lowercased()
        if rule.hasPrefix("!") {
            exceptions.insert(String(rule.dropFirst()))
        } else if rule.hasPrefix("*.") {
            wildcards.insert(String(rule.dropFirst(2)))
        } else {
            exact.insert(rule)
        }
    }

    /// Whether `domain` (lower-case, no trailing dot) is itself a public suffix.
    func isPublicSuffix(_ domain: String) -> Bool {
        let domain = domain.lowercased()
        guard let dot = domain.firstIndex(of: ".") else { return true }
        if exceptions.contains(domain) { return false }
        if exact.contains(domain) { return true }
        return wildcards.contains(String(domain[domain.index(after: dot)...]))
    }
}
