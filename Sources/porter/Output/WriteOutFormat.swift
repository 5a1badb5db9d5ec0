import PorterCore

/// curl's `-w/--write-out` format: text with `%{variable}` and `%header{name}`
/// replaced after each transfer, and `\n`, `\r`, `\t` escapes.
struct WriteOutFormat {
    private enum Piece {
        case text(String)
        case variable(String)
        case header(String)
    }

    private let pieces: [Piece]
    /// The `%{name}`s the format names that Porter does not know, for a warning.
    private(set) var unknownVariables: [String] = []

    /// The variables Porter knows (curl 8's that apply to HTTP and HTTPS); any other
    /// `%{name}` draws a warning and writes nothing, as in curl.
    static var variables: [String] { WriteOutVariable.names }

    /// Parses `format`; `@file` reads the format from a file (`@-`: standard input).
    init(parsing format: String) throws(PorterError) {
        var text = format
        if format.hasPrefix("@") {
            text = String(decoding: try LocalFile.read(String(format.dropFirst())), as: UTF8.self)
        }
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        func flush() {
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
        }
        while let character = rest.first {
            if character == "%" && rest.hasPrefix("%{"), let close = rest.firstIndex(of: "}") {
                let name = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close])
                flush()
                if Self.variables.contains(name) {
                    pieces.append(.variable(name))
                } else {
                    // As curl: a warning, and the variable writes nothing.
                    unknownVariables.append(name)
                }
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix("%header{"), let close = rest.firstIndex(of: "}") {
                flush()
                pieces.append(.header(String(rest[rest.index(rest.startIndex, offsetBy: 8)..<close])))
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix("%%") {
                literal += "%"
                rest = rest.dropFirst(2)
            } else if character == "\\", let next = rest.dropFirst().first, "nrt\\".contains(next) {
                literal += next == "n" ? "\n" : next == "r" ? "\r" : next == "t" ? "\t" : "\\"
                rest = rest.dropFirst(2)
            } else {
                literal.append(character)
                rest = rest.dropFirst()
            }
        }
        flush()
        self.pieces = pieces
    }

    /// Writes the format for `record`, to standard output unless `%{stderr}` switched it.
    func write(_ record: TransferRecord) {
        var output = FileOutput.standardOutput
        for piece in pieces {
            switch piece {
            case .variable("onerror"):
                // The rest of the format is written only when the transfer failed.
                if record.exitCode == 0 { return }
            case .text(let text):
                try? output.write(Array(text.utf8))
            case .header(let name):
                try? output.write(Array((record.fields.values(named: name).joined(separator: ", ")).utf8))
            case .variable("stderr"):
                output = FileOutput.standardError
            case .variable("stdout"):
                output = FileOutput.standardOutput
            case .variable("json"):
                try? output.write(Array(Self.json(record).utf8))
            case .variable("header_json"):
                try? output.write(Array(Self.headerJSON(record).utf8))
            case .variable(let name):
                try? output.write(Array((WriteOutVariable.named[name]?.text(record) ?? "").utf8))
            }
        }
    }

    /// The final response's fields as one JSON object, names in lower case, each with its values in order.
    private static func headerJSON(_ record: TransferRecord) -> String {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for field in record.fields {
            let name = field.name.lowercased()
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(field.value)
        }
        let members = order.map { name in
            quoted(name) + ":[" + values[name]!.map(quoted).joined(separator: ",") + "]"
        }
        return "{" + members.joined(separator: ",\n") + "\n}"
    }

    /// Every variable as one JSON object, as `%{json}` gives it: curl's keys in curl's
    /// order, `null` where curl writes null, and `curl_version` last (Porter's own).
    private static func json(_ record: TransferRecord) -> String {
        let members = WriteOutVariable.all.map { "\"\($0.name)\":" + $0.json(record) }
        let version = "porter/\(porterVersion) " + LinkedLibrary.all.map { "\($0.name)/\($0.version)" }.joined(separator: " ")
        return "{" + (members + ["\"curl_version\":" + quoted(version)]).joined(separator: ",") + "}"
    }

    private static func quoted(_ text: String) -> String { JSONValue.quoted(text) }
}
