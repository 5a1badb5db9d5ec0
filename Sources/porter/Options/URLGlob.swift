import PorterCore

/// curl's URL globbing: `{a,b}` lists and `[1-10]`, `[01-10]`, `[a-z]`, `[1-10:2]`
/// ranges expand one URL into several, the leftmost part varying slowest.
/// A `[` right after `://` starts an IPv6 literal, not a range.
enum URLGlob {
    /// The most URLs one pattern may expand into.
    static let maximumExpansion = 100_000

    /// One URL a pattern expands into, and the value each `{}` or `[]` took in it, in
    /// order: `-o "file_#1.txt"` puts the first of them in the file name.
    struct Match: Sendable, Equatable {
        let url: String
        let values: [String]
    }

    static func expand(_ pattern: String) throws(PorterError) -> [Match] {
        // Each part is a literal (one choice, not a glob value) or a pattern's choices.
        var parts: [(choices: [String], isPattern: Bool)] = []
        var literal = ""
        var rest = Substring(pattern)
        func fail(_ why: String) -> PorterError {
            PorterError(.invalidURL, "bad URL glob \"\(HTTPURL.maskingPassword(in: pattern))\": \(why) (use -g to take {} and [] literally)")
        }
        while let character = rest.first {
            if character == "\\", let next = rest.dropFirst().first, "{}[]".contains(next) {
                literal.append(next)
                rest = rest.dropFirst(2)
            } else if character == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw fail("unmatched {") }
                parts.append(([literal], false))
                literal = ""
                parts.append((rest[rest.index(after: rest.startIndex)..<close].split(separator: ",", omittingEmptySubsequences: false).map(String.init), true))
                rest = rest[rest.index(after: close)...]
            } else if character == "[" && !literal.hasSuffix("://") && !rest.hasPrefix("[]") {
                guard let close = rest.firstIndex(of: "]") else { throw fail("unmatched [") }
                parts.append(([literal], false))
                literal = ""
                guard let range = Self.range(String(rest[rest.index(after: rest.startIndex)..<close])) else {
                    throw fail("bad range [\(rest[rest.index(after: rest.startIndex)..<close])]")
                }
                parts.append((range, true))
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append(character)
                rest = rest.dropFirst()
            }
        }
        parts.append(([literal], false))
        var results = [Match(url: "", values: [])]
        for part in parts {
            guard results.count * part.choices.count <= maximumExpansion else { throw fail("it expands into more than \(maximumExpansion) URLs") }
            results = results.flatMap { prefix in
                part.choices.map { Match(url: prefix.url + $0, values: part.isPattern ? prefix.values + [$0] : prefix.values) }
            }
        }
        return results
    }

    /// `1-10`, `01-10` (zero-padded to the width of the first), `a-z`, each with an optional `:step`.
    private static func range(_ text: String) -> [String]? {
        let stepParts = text.split(separator: ":", maxSplits: 1)
        let step = stepParts.count == 2 ? Int(stepParts[1]) : 1
        guard let step, step > 0, let bounds = stepParts.first?.split(separator: "-", maxSplits: 1), bounds.count == 2 else { return nil }
        if let low = Int(bounds[0]), let high = Int(bounds[1]), low <= high {
            let width = bounds[0].hasPrefix("0") ? bounds[0].count : 0
            return stride(from: low, through: high, by: step).map { value in
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
        }
        if bounds[0].count == 1, bounds[1].count == 1, let low = bounds[0].unicodeScalars.first, let high = bounds[1].unicodeScalars.first,
           low.isASCII, high.isASCII, low.properties.isAlphabetic, high.properties.isAlphabetic, low.value <= high.value {
            return stride(from: low.value, through: high.value, by: step).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
        }
        return nil
    }
}
