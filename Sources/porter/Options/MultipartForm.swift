import PorterCore

/// curl's `-F` and `--form-string`: a multipart/form-data body (RFC 7578), one part per item.
struct MultipartForm {
    let body: [UInt8]

    /// One part as `-F` writes it: `name=value`, `name=@file` (a file part, its type guessed
    /// from its extension as curl does), `name=<file` (the file's contents as the value), each
    /// optionally followed by `;type=TYPE`, `;filename=NAME` and `;headers=FIELD` (or
    /// `;headers=@FILE`), values optionally in double quotes.
    struct Part: Equatable {
        var name: String
        var value: [UInt8]
        var fileName: String?
        var type: String?
        var headers: [String] = []
    }

    /// `backslashEscapes`: `"` and `\\` in names are escaped with a backslash (curl's
    /// `--form-escape`) instead of percent-encoded.
    init(items: [TransferOptions.FormItem], boundary: String, backslashEscapes: Bool = false) throws(PorterError) {
        var body: [UInt8] = []
        for item in items {
            let part = try Self.part(item)
            let escape: (String) -> String = backslashEscapes ? { $0.escapingWithBackslashes() } : { $0.escapingQuotes() }
            var disposition = "Content-Disposition: form-data; name=\"\(escape(part.name))\""
            if let fileName = part.fileName { disposition += "; filename=\"\(escape(fileName))\"" }
            body += Array("--\(boundary)\r\n\(disposition)\r\n".utf8)
            if let type = part.type { body += Array("Content-Type: \(type)\r\n".utf8) }
            for header in part.headers { body += Array("\(header)\r\n".utf8) }
            body += Array("\r\n".utf8) + part.value + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        self.body = body
    }

    /// Reads one item into a part, loading the files it names.
    static func part(_ item: TransferOptions.FormItem) throws(PorterError) -> Part {
        let field = item.text
        // `=content` (no name) is a part without a name, as curl sends it.
        guard let equals = field.firstIndex(of: "=") else {
            throw PorterError(.invalidRequest, "-F \(field): expected name=content")
        }
        let name = String(field[..<equals])
        guard !name.contains("\r"), !name.contains("\n") else {
            throw PorterError(.invalidRequest, "-F \(field): the field name may not hold line breaks")
        }
        var content = field[field.index(after: equals)...]
        if item.literal { return Part(name: name, value: Array(content.utf8)) }
        let kind = content.first.flatMap { $0 == "@" || $0 == "<" ? $0 : nil }
        if kind != nil { content = content.dropFirst() }
        // The value (or file name) runs to the first ';' that starts a parameter.
        let value: String
        var parameters: Substring
        if content.first == "\"" {
            let quoted = readQuoted(content.dropFirst())
            value = quoted.0
            parameters = quoted.1
        } else {
            var end = content.endIndex
            var search = content[...]
            while let semicolon = search.firstIndex(of: ";") {
                let after = content[content.index(after: semicolon)...].drop { $0 == " " }
                if kind != nil || ["type=", "filename=", "headers=", "encoder="].contains(where: { after.lowercased().hasPrefix($0) }) {
                    end = semicolon
                    break
                }
                search = content[content.index(after: semicolon)...]
            }
            value = String(content[..<end])
            parameters = content[end...]
        }
        var part = Part(name: name, value: [])
        while parameters.first == ";" {
            parameters = parameters.dropFirst().drop { $0 == " " }
            let key = parameters.prefix { $0 != "=" && $0 != ";" }.lowercased()
            parameters = parameters.dropFirst(key.count)
            guard parameters.first == "=" else { throw PorterError(.invalidRequest, "-F \(field): \"\(key)\" needs a value") }
            parameters = parameters.dropFirst()
            let text: String
            if parameters.first == "\"" {
                let quoted = readQuoted(parameters.dropFirst())
                text = quoted.0
                parameters = quoted.1
            } else {
                text = String(parameters.prefix { $0 != ";" })
                parameters = parameters.dropFirst(text.count)
            }
            switch key {
            case "type": part.type = text
            case "filename": part.fileName = text
            case "headers":
                if text.hasPrefix("@") {
                    let lines = String(decoding: try LocalFile.read(String(text.dropFirst())), as: UTF8.self)
                    part.headers += lines.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
                } else {
                    part.headers.append(text)
                }
            case "encoder": break
            default: throw PorterError(.invalidRequest, "-F \(field): unknown parameter \"\(key)\" (type, filename, headers)")
            }
        }
        for header in part.headers where header.contains("\r") || header.contains("\n") {
            throw PorterError(.invalidRequest, "-F \(field): a header may not hold line breaks")
        }
        switch kind {
        case "@":
            part.value = try LocalFile.read(value)
            if part.fileName == nil { part.fileName = value.split(separator: "/").last.map(String.init) ?? value }
            if part.type == nil { part.type = contentType(forFileName: value) }
        case "<":
            part.value = try LocalFile.read(value)
        default:
            part.value = Array(value.utf8)
        }
        return part
    }

    /// curl's guess of a file part's type by its extension; `application/octet-stream` otherwise.
    static func contentType(forFileName name: String) -> String {
        let extensionName = name.split(separator: "/").last.flatMap { $0.split(separator: ".").count > 1 ? $0.split(separator: ".").last : nil }
        switch extensionName?.lowercased() {
        case "gif": return "image/gif"
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "svg": return "image/svg+xml"
        case "txt": return "text/plain"
        case "htm", "html": return "text/html"
        case "pdf": return "application/pdf"
        case "xml": return "application/xml"
        default: return "application/octet-stream"
        }
    }

    /// A quoted word (after its opening quote) with `\"` and `\\` escapes, and what follows it.
    private static func readQuoted(_ text: Substring) -> (String, Substring) {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character == "\"" { break }
            if character == "\\", index < text.endIndex, text[index] == "\"" || text[index] == "\\" {
                result.append(text[index])
                index = text.index(after: index)
            } else {
                result.append(character)
            }
        }
        return (result, text[index...])
    }
}

extension String {
    /// A name for a quoted form-data parameter: `"` as `%22` and line breaks as `%0A`/`%0D`, as curl writes them.
    /// `"` and `\\` escaped with a backslash (curl's `--form-escape`); line breaks still percent-encoded.
    fileprivate func escapingWithBackslashes() -> String {
        var result = ""
        for character in self {
            switch character {
            case "\"", "\\": result += "\\" + String(character)
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.append(character)
            }
        }
        return result
    }

    fileprivate func escapingQuotes() -> String {
        var result = ""
        for character in self {
            switch character {
            case "\"": result += "%22"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.append(character)
            }
        }
        return result
    }
}
