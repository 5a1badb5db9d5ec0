/// Reads `porter [options] URL...` with curl's grammar from ``OptionTable``, in time linear
/// in the number of words.
///
/// Words are read left to right: `--name`, `--name=value` or `--name value`; `--no-name` for
/// a boolean; `-abc` bundles letters, and a letter that takes a value takes the rest of its
/// word (`-ofile`) or the next word; `--` ends the options; every other word is a URL.
enum CommandLineParser {
    /// The options by long name and by letter, built once.
    private static let byLong: [String: CurlOption] = Dictionary(
        OptionTable.all.map { ($0.long, $0) }, uniquingKeysWith: { first, _ in first })
    private static let byShort: [Character: CurlOption] = Dictionary(
        OptionTable.all.compactMap { option in option.short.map { ($0, option) } }, uniquingKeysWith: { first, _ in first })

    /// The most nested `-K` files, against a file that includes itself.
    static let maximumConfigDepth = 10

    /// Parses a command line without its program name.
    static func parse(_ words: [String]) throws(UsageError) -> CommandLineState {
        var state = CommandLineState()
        try read(words, into: &state, inConfigFile: false)
        return state
    }

    /// Applies `words` to `state`. In a config file `--` is not special (curl's behaviour).
    static func read(_ words: [String], into state: inout CommandLineState, inConfigFile: Bool) throws(UsageError) {
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if !optionsEnded && word == "-" {
                // curl 8 reads a lone '-' as an option with no name.
                throw UsageError("option -: is unknown")
            }
            if optionsEnded || !word.hasPrefix("-") {
                // `--help CATEGORY`: the word after `--help` names what to list.
                if case .help(nil) = state.request, index - 2 >= 0, Self.isHelpWord(words[index - 2]) {
                    state.request = .help(word)
                    continue
                }
                state.addURL(word)
            } else if word == "--" && !inConfigFile {
                optionsEnded = true
            } else if word.hasPrefix("--") {
                try readLong(word, words: words, index: &index, into: &state)
            } else {
                try readShort(word, words: words, index: &index, into: &state)
            }
        }
    }

    /// Whether `word` is `--help` or `-h`, after which a bare word is a help category.
    private static func isHelpWord(_ word: String) -> Bool { word == "--help" || word == "-h" }

    /// The option a long name means, and whether it is the `--no-` form of a boolean.
    static func option(named name: Substring) -> (CurlOption, enabled: Bool)? {
        if let option = byLong[String(name)] { return (option, true) }
        if name.hasPrefix("no-"), let option = byLong[String(name.dropFirst(3))], option.argument == .boolean {
            return (option, false)
        }
        return nil
    }

    private static func readLong(_ word: String, words: [String], index: inout Int, into state: inout CommandLineState) throws(UsageError) {
        let body = word.dropFirst(2)
        let name = body.prefix { $0 != "=" }
        let joined: Substring? = name.count < body.count ? body.dropFirst(name.count + 1) : nil
        guard let (option, enabled) = option(named: name) else {
            if let reason = UnsupportedOptions.reason(for: String(name)) {
                throw UsageError("option --\(name): is not supported: \(reason)")
            }
            throw UsageError("option --\(name): is unknown" + suggestion(for: String(name)))
        }
        let spelling = "--\(name)"
        switch option.argument {
        case .boolean, .none:
            guard joined == nil else { throw UsageError("option \(spelling): takes no value") }
            try option.apply(&state, OptionUse(spelling: spelling, value: "", enabled: enabled))
        case .value:
            let value: String
            if let joined {
                value = String(joined)
            } else {
                guard index < words.count else { throw UsageError("option \(spelling): requires parameter") }
                value = words[index]
                index += 1
            }
            try option.apply(&state, OptionUse(spelling: spelling, value: value, enabled: true))
        }
    }

    private static func readShort(_ word: String, words: [String], index: inout Int, into state: inout CommandLineState) throws(UsageError) {
        var letters = word.dropFirst()
        while let letter = letters.popFirst() {
            guard let option = byShort[letter] else {
                throw UsageError("option -\(letter): is unknown" + (word.count > 2 ? " (in \(word))" : ""))
            }
            let spelling = "-\(letter)"
            guard case .value = option.argument else {
                try option.apply(&state, OptionUse(spelling: spelling, value: "", enabled: true))
                continue
            }
            let value: String
            if !letters.isEmpty {
                value = String(letters)
                letters = ""
            } else {
                guard index < words.count else { throw UsageError("option \(spelling): requires parameter") }
                value = words[index]
                index += 1
            }
            try option.apply(&state, OptionUse(spelling: spelling, value: value, enabled: true))
        }
    }

    /// "; did you mean --verbose?" for the long name nearest to `name`, or "" when none is near.
    static func suggestion(for name: String) -> String {
        let candidates = OptionTable.all.map(\.long)
        // The nearest by edit distance; no library in the toolchain computes it, and it runs
        // only once, for the error message.
        let scored = candidates.map { ($0, editDistance(name, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return "" }
        return "; did you mean --\(best.0)?"
    }

    /// Levenshtein distance between two short strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
