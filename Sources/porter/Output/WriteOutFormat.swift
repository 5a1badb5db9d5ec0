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

    /// The variables Porter knows; any other `%{name}` draws a warning and writes nothing, as in curl.
    static let variables: [String] = [
        "content_type", "errormsg", "exitcode", "filename_effective", "header_json", "http_code", "http_version", "json",
        "method", "num_connects", "num_headers", "num_redirects", "onerror", "referer", "remote_ip", "remote_port",
        "response_code", "scheme", "size_delivered", "size_download", "size_header", "speed_download",
        "ssl_verify_result", "stderr", "stdout", "urlnum",
        "time_appconnect", "time_connect", "time_namelookup", "time_pretransfer", "time_redirect",
        "time_starttransfer", "time_total", "url", "url_effective",
    ]

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
                try? output.write(Array(Self.value(name, record).text.utf8))
            }
        }
    }

    /// A variable's value, and whether it is a number (for JSON).
    private static func value(_ name: String, _ record: TransferRecord) -> (text: String, isNumber: Bool) {
        let timings = record.timings
        switch name {
        case "content_type": return (record.fields["Content-Type"] ?? "", false)
        case "errormsg": return (record.errorMessage ?? "", false)
        case "exitcode": return (String(record.exitCode), true)
        case "filename_effective": return (record.outputPath ?? "", false)
        case "http_code", "response_code":
            return (record.status == 0 ? "000" : String(record.status), true)
        case "http_version": return (record.httpVersion, false)
        case "method": return (record.method, false)
        case "num_connects": return (String(record.connectsOpened), true)
        case "num_redirects": return (String(record.redirects), true)
        case "remote_ip": return (record.remoteAddress?.host ?? "", false)
        case "remote_port": return (record.remoteAddress.map { String($0.port) } ?? "", true)
        case "scheme": return (record.scheme.uppercased(), false)
        case "size_download": return (String(record.sizeDownload), true)
        case "size_delivered": return (String(record.sizeDelivered), true)
        case "num_headers": return (String(record.fields.count), true)
        case "referer": return (record.referer ?? "", false)
        case "urlnum": return (String(record.urlIndex), true)
        case "size_header": return (String(record.sizeHeader), true)
        case "speed_download":
            let total = seconds(timings?.total ?? .zero)
            return (String(total > 0 ? UInt64(Double(record.sizeDownload) / total) : 0), true)
        case "ssl_verify_result": return (String(record.verifyResult ?? 0), true)
        case "time_appconnect": return (format(timings?.tlsHandshake), true)
        case "time_connect": return (format(timings?.connect), true)
        case "time_namelookup": return (format(timings?.nameLookup), true)
        case "time_pretransfer": return (format(timings?.preTransfer), true)
        case "time_redirect": return (format(timings?.redirect), true)
        case "time_starttransfer": return (format(timings?.startTransfer), true)
        case "time_total": return (format(timings?.total), true)
        case "url": return (record.urlText, false)
        case "url_effective": return (record.effectiveURL, false)
        default: return ("", false)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Seconds with six decimals, as curl prints them.
    private static func format(_ duration: Duration?) -> String {
        let micros = max(0, (duration ?? .zero).components.seconds * 1_000_000 + (duration ?? .zero).components.attoseconds / 1_000_000_000_000)
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
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

    /// Every variable as one JSON object, as `%{json}` gives it.
    private static func json(_ record: TransferRecord) -> String {
        let names = variables.filter { !["json", "header_json", "onerror", "stderr", "stdout"].contains($0) }
        let members = names.map { name -> String in
            let (text, isNumber) = value(name, record)
            // JSON numbers have no leading zeros: "000" (no response) is 0.
            let number = name == "http_code" || name == "response_code" ? String(record.status) : text
            return "\"\(name)\":" + (isNumber && !text.isEmpty ? number : quoted(text))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func quoted(_ text: String) -> String { JSONValue.quoted(text) }
}
