import HTTPTypes
import PorterCore

/// How `porter URL...` turns its options into requests.
extension Fetch {
    // MARK: - Building the request

    /// Whether `-d`, `--data-binary`, `-F` or `--json` give a body.
    var hasDataBody: Bool { !(data.isEmpty && dataBinary.isEmpty && form.isEmpty && json.isEmpty) }

    /// The method: `-X`, else HEAD for `-I`, PUT for `-T`, POST with data, GET otherwise.
    var requestMethod: String {
        if let method { return method }
        if headOnly { return "HEAD" }
        if uploadFile != nil { return "PUT" }
        return hasDataBody ? "POST" : "GET"
    }

    /// The request body: `-T`'s file (streamed), `-F`'s multipart form, `--json`, or `-d` and
    /// `--data-binary` joined with `&` as curl does.
    func requestBody() throws(PorterError) -> RequestBody? {
        if let uploadFile { return .file(path: uploadFile) }
        if !form.isEmpty { return .bytes(try multipartForm().body) }
        if !json.isEmpty {
            return .bytes(Array(try json.map { item throws(PorterError) in
                item.hasPrefix("@") ? try LocalFile.read(String(item.dropFirst())) : Array(item.utf8)
            }.joined()))
        }
        return try dataBody().map(RequestBody.bytes)
    }

    /// The multipart form of `-F`, built once so that the body and the boundary in Content-Type agree.
    func multipartForm() throws(PorterError) -> MultipartForm {
        try MultipartForm(fields: form, boundary: multipartBoundary)
    }

    /// The body of `-d` and `--data-binary`.
    private func dataBody() throws(PorterError) -> [UInt8]? {
        if data.isEmpty && dataBinary.isEmpty { return nil }
        var parts: [[UInt8]] = []
        for item in data {
            if item.hasPrefix("@") {
                // curl strips carriage returns and newlines from -d @file.
                parts.append(try LocalFile.read(String(item.dropFirst())).filter { $0 != 0x0A && $0 != 0x0D })
            } else {
                parts.append(Array(item.utf8))
            }
        }
        for item in dataBinary {
            parts.append(item.hasPrefix("@") ? try LocalFile.read(String(item.dropFirst())) : Array(item.utf8))
        }
        return Array(parts.joined(separator: [UInt8(ascii: "&")]))
    }

    /// Header fields from `-H`, `-r`, `-d` and the URL's credentials, and the default fields to leave out.
    func requestFields(for url: HTTPURL) throws(PorterError) -> (HTTPFields, Set<String>) {
        var fields = HTTPFields()
        var omitted: Set<String> = []
        var named: Set<String> = []
        for header in headers {
            let parsed: HeaderOption
            do {
                parsed = try HeaderOption(parsing: header)
            } catch where error.code == .invalidRequest && !error.reason.contains("was not sent") {
                // curl ignores a -H it cannot read; say so rather than drop it silently.
                report.warning("\(error.reason); it was ignored")
                continue
            }
            named.insert(parsed.name.canonicalName)
            switch parsed.action {
            case .remove: omitted.insert(parsed.name.canonicalName)
            case .set(let value): fields.append(HTTPField(name: parsed.name, value: value))
            }
        }
        if let user, !named.contains("authorization") {
            fields.append(HTTPField(name: .authorization, value: "Basic " + Base64.encode(Array(user.utf8))))
        } else if let bearerToken, !named.contains("authorization") {
            fields.append(HTTPField(name: .authorization, value: "Bearer " + bearerToken))
        } else if let userInfo = url.userInfo, !named.contains("authorization") {
            let decoded = userInfo.removingPercentEncoding
            fields.append(HTTPField(name: .authorization, value: "Basic " + Base64.encode(Array(decoded.utf8))))
        }
        if let referer = refererValue, !named.contains("referer") {
            fields.append(HTTPField(name: .referer, value: referer))
        }
        if let range, !named.contains("range") {
            fields.append(HTTPField(name: .range, value: "bytes=\(range)"))
        }
        let literalCookies = cookie.filter { $0.contains("=") }
        if !literalCookies.isEmpty, !named.contains("cookie") {
            fields.append(HTTPField(name: .cookie, value: literalCookies.joined(separator: "; ")))
        }
        if !named.contains("content-type") {
            if !form.isEmpty {
                fields.append(HTTPField(name: .contentType, value: "multipart/form-data; boundary=\(multipartBoundary)"))
            } else if !json.isEmpty {
                fields.append(HTTPField(name: .contentType, value: "application/json"))
            } else if !(data.isEmpty && dataBinary.isEmpty) {
                fields.append(HTTPField(name: .contentType, value: "application/x-www-form-urlencoded"))
            }
        }
        if !json.isEmpty, !named.contains("accept") {
            omitted.insert("accept")
            fields.append(HTTPField(name: .accept, value: "application/json"))
        }
        return (fields, omitted)
    }

    /// The Referer from `-e`, without its `;auto` suffix.
    private var refererValue: String? {
        guard let referer else { return nil }
        let value = referer.hasSuffix(";auto") ? String(referer.dropLast(5)) : referer
        return value.isEmpty ? nil : value
    }
}
