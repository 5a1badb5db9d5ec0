import PorterCore

/// curl's `-F`: a multipart/form-data body (RFC 7578), one part per field.
struct MultipartForm {
    let body: [UInt8]

    /// `name=value`, `name=@file` (a file part with its name and `application/octet-stream`),
    /// `name=<file` (the file's contents as a plain value).
    init(fields: [String], boundary: String) throws(PorterError) {
        var body: [UInt8] = []
        for field in fields {
            guard let equals = field.firstIndex(of: "="), equals != field.startIndex else {
                throw PorterError(.invalidRequest, "-F \(field): expected name=content")
            }
            let name = String(field[..<equals])
            let content = field[field.index(after: equals)...]
            guard !name.contains("\""), !name.contains("\r"), !name.contains("\n") else {
                throw PorterError(.invalidRequest, "-F \(field): the field name may not hold quotes or line breaks")
            }
            var disposition = "Content-Disposition: form-data; name=\"\(name)\""
            var type: String?
            let value: [UInt8]
            if content.hasPrefix("@") {
                let path = String(content.dropFirst())
                let fileName = path.split(separator: "/").last.map(String.init) ?? path
                disposition += "; filename=\"\(fileName.replacingQuotes())\""
                type = "application/octet-stream"
                value = try LocalFile.read(path)
            } else if content.hasPrefix("<") {
                value = try LocalFile.read(String(content.dropFirst()))
            } else {
                value = Array(content.utf8)
            }
            body += Array("--\(boundary)\r\n\(disposition)\r\n".utf8)
            if let type { body += Array("Content-Type: \(type)\r\n".utf8) }
            body += Array("\r\n".utf8) + value + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        self.body = body
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        String(map { $0 == "\"" ? "_" : $0 })
    }
}
