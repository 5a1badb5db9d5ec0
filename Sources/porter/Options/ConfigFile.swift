/// curl's config-file syntax (`-K FILE`, `--config FILE`): one option per line, written with
/// or without its dashes, its value after whitespace, `=` or `:`, and in double quotes when
/// it holds spaces (`\\ \" \t \n \r \v` escapes). Lines whose first non-blank is `#` are comments.
struct ConfigFile {
    /// One option line: the option as written (`--output`, `-o`), and its value, if any.
    struct Line: Equatable {
        let number: Int
        let option: String
        let value: String?
    }

    let lines: [Line]
    /// "garbage at end of line" notes, as curl warns.
    let warnings: [String]

    /// Reads the text of a config file named `name` (for messages).
    init(text: String, name: String) {
        var lines: [Line] = []
        var warnings: [String] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = rawLine.drop { $0 == " " || $0 == "\t" }
            if rest.last == "\r" { rest = rest.dropLast() }
            guard let first = rest.first, first != "#" else { continue }
            // A dashed option ends at whitespace only; a bare one also at '=' or ':'.
            let dashed = first == "-"
            let option = rest.prefix { !($0 == " " || $0 == "\t" || (!dashed && ($0 == "=" || $0 == ":"))) }
            rest = rest.dropFirst(option.count).drop { $0 == " " || $0 == "\t" || $0 == "=" || $0 == ":" }
            var value: String?
            if rest.first == "\"" {
                value = Self.unquote(rest.dropFirst())
            } else if !rest.isEmpty {
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                let after = rest.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }
                if let next = after.first, next != "#" {
                    warnings.append("\(name):\(offset + 1): garbage at end of line after \"\(word)\" (put a value with spaces in double quotes)")
                }
                value = String(word)
            }
            let spelled = dashed ? String(option) : "--" + option
            lines.append(Line(number: offset + 1, option: spelled, value: value))
        }
        self.lines = lines
        self.warnings = warnings
    }

    /// The text of a quoted value up to its closing quote, with curl's escapes resolved.
    private static func unquote(_ text: Substring) -> String {
        var result = ""
        var characters = text.makeIterator()
        while let character = characters.next() {
            if character == "\"" { break }
            guard character == "\\" else {
                result.append(character)
                continue
            }
            guard let escaped = characters.next() else { break }
            switch escaped {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "v": result.append("\u{0B}")
            default: result.append(escaped)
            }
        }
        return result
    }
}

extension CommandLineParser {
    /// Applies a config file's lines to `state`, each option with its value.
    static func read(_ file: ConfigFile, name: String, into state: inout CommandLineState) throws(UsageError) {
        state.warnings += file.warnings
        for line in file.lines {
            let place = "\(name):\(line.number)"
            if line.option.hasPrefix("--") {
                guard let (option, _) = option(named: line.option.dropFirst(2).prefix { $0 != "=" }) else {
                    throw UsageError("\(place): option \(line.option) is unknown" + suggestion(for: String(line.option.dropFirst(2))))
                }
                if line.option.contains("=") {
                    try read([line.option], into: &state, inConfigFile: true)
                } else if case .value = option.argument {
                    guard let value = line.value else { throw UsageError("\(place): option \(line.option) requires parameter") }
                    try read([line.option, value], into: &state, inConfigFile: true)
                } else {
                    if let value = line.value, !value.isEmpty { throw UsageError("\(place): option \(line.option) takes no value, not \"\(value)\"") }
                    try read([line.option], into: &state, inConfigFile: true)
                }
            } else {
                try read([line.option] + (line.value.map { [$0] } ?? []), into: &state, inConfigFile: true)
            }
        }
    }
}
