import HTTPTypes
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// How a group's options become requests: the method, the target, the fields and the body.
extension TransferOptions {
    // MARK: - Building the request

    /// Whether `-d` and its kin, `-F` or `--json` give a body (`-G` moves `-d` into the query).
    var hasDataBody: Bool { !((data.isEmpty || dataInQuery) && form.isEmpty && json.isEmpty) }

    /// The method: `-X`, else HEAD for `-I`, PUT for `-T`, POST with data, GET otherwise.
    var requestMethod: String {
        if let method { return method }
        if headOnly { return "HEAD" }
        if uploadFile != nil { return "PUT" }
        return hasDataBody ? "POST" : "GET"
    }

    /// Where the diagnostics of this group's transfers go.
    var report: Report { Report(silent: global.silent, showError: global.showError) }

    /// The URL with `--url-query` items and, with `-G`, the `-d` data added to its query.
    func requestURL(_ url: HTTPURL) throws(PorterError) -> HTTPURL {
        var additions: [String] = []
        for item in urlQueries {
            additions.append(item.hasPrefix("+") ? String(item.dropFirst()) : try Self.urlEncodedItem(item))
        }
        if dataInQuery, let body = try dataBody() { additions.append(String(decoding: body, as: UTF8.self)) }
        additions.removeAll { $0.isEmpty }
        guard !additions.isEmpty else { return url }
        var target = url
        let joined = additions.joined(separator: "&")
        // curl: a query that is no valid URL text (a space, a control byte) makes a bad URL (3).
        if let bad = joined.utf8.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw PorterError(.invalidURL, "bad URL: the query added by -G or --url-query holds \(bad == 0x20 ? "a space" : "a control character"); use --data-urlencode")
        }
        target.target += (url.target.contains("?") ? (url.target.hasSuffix("?") || url.target.hasSuffix("&") ? "" : "&") : "?") + joined
        return target
    }

    /// The request body: `-T`'s file (streamed), `-F`'s multipart form, `--json`, or the `-d`
    /// family joined with `&` in command-line order, as curl does.
    func requestBody() throws(PorterError) -> RequestBody? {
        // `-T -` and `-T .`: standard input, of unknown length, sent chunked.
        if let uploadFile {
            if uploadFile == "-" || uploadFile == "." { return .stream(path: "/dev/stdin") }
            // A pipe, FIFO or device has no length to announce: it goes chunked, as standard input does.
            var info = stat()
            if stat(uploadFile, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG { return .stream(path: uploadFile) }
            return .file(path: uploadFile)
        }
        if !form.isEmpty { return .bytes(try multipartForm().body) }
        if !json.isEmpty {
            return .bytes(Array(try json.map { item throws(PorterError) in
                item.hasPrefix("@") ? try LocalFile.read(String(item.dropFirst())) : Array(item.utf8)
            }.joined()))
        }
        if dataInQuery { return nil }
        return try dataBody().map(RequestBody.bytes)
    }

    /// The multipart form of `-F`, built once so that the body and the boundary in Content-Type agree.
    func multipartForm() throws(PorterError) -> MultipartForm {
        try MultipartForm(items: form, boundary: multipartBoundary, backslashEscapes: formEscape)
    }

    /// The `-d` family's items joined with `&`.
    private func dataBody() throws(PorterError) -> [UInt8]? {
        if data.isEmpty { return nil }
        var parts: [[UInt8]] = []
        for item in data {
            switch item {
            case .ascii(let text) where text.hasPrefix("@"):
                // curl strips carriage returns and newlines from -d @file.
                parts.append(try LocalFile.read(String(text.dropFirst())).filter { $0 != 0x0A && $0 != 0x0D })
            case .binary(let text) where text.hasPrefix("@"):
                parts.append(try LocalFile.read(String(text.dropFirst())))
            case .ascii(let text), .binary(let text), .raw(let text):
                parts.append(Array(text.utf8))
            case .urlEncoded(let text):
                parts.append(Array(try Self.urlEncodedItem(text).utf8))
            }
        }
        return Array(parts.joined(separator: [UInt8(ascii: "&")]))
    }

    /// One `--data-urlencode` (or `--url-query`) item in curl's five forms: `content`,
    /// `=content`, `name=content`, `@file`, `name@file`; the content is percent-encoded,
    /// the name is not; a space becomes `+` (curl 8).
    static func urlEncodedItem(_ text: String) throws(PorterError) -> String {
        guard let separator = text.firstIndex(of: "=") ?? text.firstIndex(of: "@") else {
            return PercentEncoding.escapingAllButUnreserved(text.utf8, spaceAsPlus: true)
        }
        let name = text[..<separator]
        let rest = text[text.index(after: separator)...]
        let content: [UInt8] = text[separator] == "@" ? try LocalFile.read(String(rest)) : Array(rest.utf8)
        let encoded = PercentEncoding.escapingAllButUnreserved(content, spaceAsPlus: true)
        return name.isEmpty ? encoded : "\(name)=\(encoded)"
    }

    /// The credentials for `url`: `-u`; else the URL's own (ignored under `-n`, completed
    /// from `.netrc` when the password is missing); else `.netrc`'s (curl's order).
    func credentials(for url: HTTPURL) throws(PorterError) -> (user: String, password: String)? {
        if let user {
            let name = user.prefix { $0 != ":" }
            return (String(name), String(user.dropFirst(name.count + 1)))
        }
        let fromURL = url.userInfo.map { info -> (user: String, password: String?) in
            let decoded = info.removingPercentEncoding
            let name = decoded.prefix { $0 != ":" }
            return (String(name), decoded.count > name.count ? String(decoded.dropFirst(name.count + 1)) : nil)
        }
        if let fromURL, let password = fromURL.password, netrc != .required { return (fromURL.user, password) }
        guard let netrc else { return fromURL.map { ($0.user, $0.password ?? "") } }
        let path = netrcFile ?? NetrcFile.defaultPath
        guard FileOutput.size(of: path) != nil else {
            if netrc == .optional { return fromURL.map { ($0.user, $0.password ?? "") } }
            throw PorterError(.fileReadFailed, ".netrc error: cannot read \(path)")
        }
        let file = NetrcFile(text: String(decoding: try LocalFile.read(path), as: UTF8.self))
        if let found = file.credentials(for: url.host, user: fromURL?.user) {
            guard !(found.user + found.password).unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw PorterError(.fileReadFailed, "control code detected in .netrc credentials")
            }
            return found
        }
        return fromURL.map { ($0.user, $0.password ?? "") }
    }

    /// `-u user` without a password: curl asks for it on the terminal, once for the command,
    /// without echo (`getpass`); with no terminal the password is empty.
    mutating func askForMissingPassword() {
        guard let user, !user.contains(":") else { return }
        let answer = getpass("Enter host password for user '\(user)':").map { String(cString: $0) } ?? ""
        self.user = user + ":" + answer
    }

    /// Header fields from `-H`, `-r`, `-d` and Basic `credentials`, and the default fields to leave out.
    func requestFields(for url: HTTPURL, credentials: (user: String, password: String)? = nil) throws(PorterError) -> (HTTPFields, Set<String>) {
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
        // `-A ''` sends no User-Agent at all, as in curl.
        if userAgent == "", !named.contains("user-agent") { omitted.insert("user-agent") }
        if let credentials, authScheme == .basic, !named.contains("authorization") {
            fields.append(HTTPField(name: .authorization, value: "Basic " + Base64.encode(Array("\(credentials.user):\(credentials.password)".utf8))))
        } else if credentials == nil, let bearerToken, !named.contains("authorization") {
            fields.append(HTTPField(name: .authorization, value: "Bearer " + bearerToken))
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
            } else if !data.isEmpty && !dataInQuery {
                fields.append(HTTPField(name: .contentType, value: "application/x-www-form-urlencoded"))
            }
        }
        if let etagCompare, !named.contains("if-none-match") {
            fields.append(HTTPField(name: .ifNoneMatch, value: Self.savedETag(etagCompare, report: report)))
        }
        if let condition = timeConditionField(), !named.contains(condition.name.canonicalName) {
            fields.append(condition)
        }
        if !json.isEmpty, !named.contains("accept") {
            omitted.insert("accept")
            fields.append(HTTPField(name: .accept, value: "application/json"))
        }
        return (fields, omitted)
    }

    /// `--etag-compare`: the file's text without line ends; `""` when it is missing or empty (curl).
    static func savedETag(_ path: String, report: Report) -> String {
        guard let bytes = try? LocalFile.read(path) else {
            report.warning("--etag-compare: cannot read \(path); sending an empty ETag")
            return "\"\""
        }
        let text = String(decoding: bytes.filter { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
        return text.isEmpty ? "\"\"" : text
    }

    /// `-z`: `If-Modified-Since` (or with a leading `-`, `If-Unmodified-Since`) for the date
    /// given, or for the modification time of the file it names; nil, with a warning, when
    /// it is neither (curl then transfers without a condition).
    func timeConditionField() -> HTTPField? {
        guard let (seconds, before) = timeConditionValue(warning: true) else { return nil }
        return HTTPField(name: before ? .ifUnmodifiedSince : .ifModifiedSince, value: HTTPDate.format(seconds))
    }

    /// `-z`'s instant and whether it asks for a document older than it.
    func timeConditionValue(warning: Bool = false) -> (seconds: Int64, before: Bool)? {
        guard var text = timeCondition else { return nil }
        let before = text.hasPrefix("-")
        if before || text.hasPrefix("+") || text.hasPrefix("=") { text.removeFirst() }
        var seconds = HTTPDate.parse(text, timeOptional: true)
        if seconds == nil {
            var info = stat()
            if stat(text, &info) == 0 { seconds = Int64(info.st_mtim.tv_sec) }
        }
        guard let seconds else {
            if warning { report.warning("-z \(text): neither a date nor a file; the transfer has no time condition") }
            return nil
        }
        return (seconds, before)
    }

    /// Whether a response fails `-z`'s condition though the server answered in full (curl
    /// checks `Last-Modified` itself): its body is then not written.
    func failsTimeCondition(_ head: ResponseHead) -> Bool {
        guard (200..<300).contains(head.status), let (seconds, before) = timeConditionValue(),
              let modified = head.fields["Last-Modified"].flatMap({ HTTPDate.parse($0, timeOptional: false) }) else { return false }
        return before ? modified > seconds : modified <= seconds
    }

    /// The Referer from `-e`, without its `;auto` suffix.
    private var refererValue: String? {
        guard let referer else { return nil }
        let value = referer.hasSuffix(";auto") ? String(referer.dropLast(5)) : referer
        return value.isEmpty ? nil : value
    }

    /// The boundary of `-F`'s multipart body, the same for the body and its Content-Type:
    /// random per process, so that no content contains it by chance.
    var multipartBoundary: String { Self.boundary }
    private static let boundary = "------------------------porter" + String(UInt64.random(in: .min ... .max), radix: 16)
}
