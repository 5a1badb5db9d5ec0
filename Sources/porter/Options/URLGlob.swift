import PorterCore

/// curl's URL globbing: `{a,b}` lists and `[1-10]`, `[01-10]`, `[a-z]`, `[1-10:2]`
/// ranges expand one URL into several, the leftmost part varying slowest.
/// A `[` right after `://` starts an IPv6 literal, not a range.
enum URLGlob {
    /// The most URLs one pattern may expand into.
    static let maximumExpansion = 100_000

    static func expand(_ pattern: String) throws(PorterError) -> [String] {
        var parts: [[String]] = []
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
                parts.append([literal])
                literal = ""
                parts.append(rest[rest.index(after: rest.startIndex)..<close].split(separator: ",", omittingEmptySubsequences: false).map(String.init))
                rest = rest[rest.index(after: close)...]
            } else if character == "[" && !literal.hasSuffix("://") && !rest.hasPrefix("[]") {
                guard let close = rest.firstIndex(of: "]") else { throw fail("unmatched [") }
                parts.append([literal])
                literal = ""
                guard let range = Self.range(String(rest[rest.index(after: rest.startIndex)..<close])) else {
                    throw fail("bad range [\(rest[rest.index(after: rest.startIndex)..<close])]")
                }
                parts.append(range)
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append(character)
                rest = rest.dropFirst()
            }
        }
        parts.append([literal])
        var results = [""]
        for options in parts {
            guard results.count * options.count <= maximumExpansion else { throw fail("it expands into more than \(maximumExpansion) URLs") }
            results = results.flatMap { prefix in options.map { prefix + $0 } }
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
