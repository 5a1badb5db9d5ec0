import PorterCore

/// One `%{variable}` of `-w`, declared once with how it is written as text and in
/// `%{json}`, as curl's `tool_writeout.c` declares its table (names in curl's order).
struct WriteOutVariable: Sendable {
    /// How curl writes the value: a string (null in JSON when there is none), a whole
    /// number, or seconds with six decimals.
    enum Kind: Sendable {
        case string
        case number
        case seconds
    }

    let name: String
    let kind: Kind
    /// The value as text, or nil where curl has none (JSON null; nothing in text).
    let value: @Sendable (TransferRecord) -> String?

    init(_ name: String, _ kind: Kind, _ value: @escaping @Sendable (TransferRecord) -> String?) {
        self.name = name
        self.kind = kind
        self.value = value
    }

    /// The value in text output.
    func text(_ record: TransferRecord) -> String {
        value(record) ?? ""
    }

    /// The value in `%{json}`.
    func json(_ record: TransferRecord) -> String {
        guard let text = value(record) else { return "null" }
        switch kind {
        case .string: return JSONValue.quoted(text)
        // JSON numbers have no leading zeros: "000" (no response) is 0.
        case .number: return text.hasPrefix("0") && text.count > 1 ? String(Int(text) ?? 0) : text
        case .seconds: return text
        }
    }

    /// The variables `%{json}` lists, alphabetically as in curl (not `json`, `header_json`,
    /// `onerror`, `stderr`, `stdout`, which write no value of their own).
    static let all: [WriteOutVariable] = [
        WriteOutVariable("certs", .string) { record in
            record.certificateDER.compactMap { try? Certificate(der: $0) }.map(\.curlText).joined()
        },
        WriteOutVariable("conn_id", .number) { record in record.wire.connectionID.map(String.init) ?? "-1" },
        WriteOutVariable("content_type", .string) { $0.fields["Content-Type"] },
        WriteOutVariable("errormsg", .string) { $0.exitCode == 0 ? nil : $0.errorMessage },
        WriteOutVariable("exitcode", .number) { String($0.exitCode) },
        WriteOutVariable("filename_effective", .string) { $0.outputPath },
        WriteOutVariable("http_code", .number) { record in threeDigits(record.status) },
        WriteOutVariable("http_connect", .number) { record in threeDigits(record.wire.connectStatus) },
        WriteOutVariable("http_version", .string) { $0.httpVersion },
        WriteOutVariable("local_ip", .string) { $0.localAddress?.host ?? "" },
        WriteOutVariable("local_port", .number) { record in String(record.localAddress?.port ?? 0) },
        WriteOutVariable("method", .string) { $0.method },
        WriteOutVariable("num_certs", .number) { String($0.certificateDER.count) },
        WriteOutVariable("num_connects", .number) { String($0.connectsOpened) },
        WriteOutVariable("num_headers", .number) { String($0.fields.count) },
        WriteOutVariable("num_redirects", .number) { String($0.redirects) },
        WriteOutVariable("num_retries", .number) { String($0.retries) },
        WriteOutVariable("proxy_ssl_verify_result", .number) { String($0.wire.proxyVerifyResult) },
        WriteOutVariable("proxy_used", .number) { $0.usedProxy ? "1" : "0" },
        WriteOutVariable("redirect_url", .string) { $0.redirectURL },
        WriteOutVariable("referer", .string) { $0.referer },
        WriteOutVariable("remote_ip", .string) { $0.remoteAddress?.host ?? "" },
        WriteOutVariable("remote_port", .number) { record in String(record.remoteAddress?.port ?? 0) },
        WriteOutVariable("response_code", .number) { record in threeDigits(record.status) },
        WriteOutVariable("scheme", .string) { $0.scheme.isEmpty ? nil : $0.scheme.uppercased() },
        WriteOutVariable("size_delivered", .number) { String($0.sizeDelivered) },
        WriteOutVariable("size_download", .number) { String($0.sizeDownload) },
        WriteOutVariable("size_header", .number) { String($0.sizeHeader) },
        WriteOutVariable("size_request", .number) { String($0.wire.sizeRequest) },
        WriteOutVariable("size_upload", .number) { String($0.wire.sizeUpload) },
        WriteOutVariable("speed_download", .number) { String(speed($0.sizeDownload, $0)) },
        WriteOutVariable("speed_upload", .number) { String(speed(UInt64($0.wire.sizeUpload), $0)) },
        WriteOutVariable("ssl_verify_result", .number) { String($0.verifyResult ?? 0) },
        WriteOutVariable("time_appconnect", .seconds) { seconds($0.timings?.tlsHandshake) },
        WriteOutVariable("time_connect", .seconds) { seconds($0.timings?.connect) },
        WriteOutVariable("time_namelookup", .seconds) { seconds($0.timings?.nameLookup) },
        WriteOutVariable("time_posttransfer", .seconds) { seconds($0.timings?.postTransfer) },
        WriteOutVariable("time_pretransfer", .seconds) { seconds($0.timings?.preTransfer) },
        // Porter starts every transfer at once: nothing waits in a queue.
        WriteOutVariable("time_queue", .seconds) { _ in seconds(.zero) },
        WriteOutVariable("time_redirect", .seconds) { seconds($0.timings?.redirect) },
        WriteOutVariable("time_starttransfer", .seconds) { seconds($0.timings?.startTransfer) },
        WriteOutVariable("time_total", .seconds) { seconds($0.timings?.total) },
        // Porter sends no TLS early data.
        WriteOutVariable("tls_earlydata", .number) { _ in "0" },
        WriteOutVariable("url", .string) { $0.urlText },
    ] + URLPart.allCases.map { part in
        WriteOutVariable("url.\(part.rawValue)", .string) { part.value(in: $0.urlText) }
    } + [
        WriteOutVariable("url_effective", .string) { $0.effectiveURL },
    ] + URLPart.allCases.map { part in
        WriteOutVariable("urle.\(part.rawValue)", .string) { part.value(in: $0.effectiveURL) }
    } + [
        WriteOutVariable("urlnum", .number) { String($0.urlIndex) },
        WriteOutVariable("xfer_id", .number) { String($0.transferID) },
    ]

    /// Variables that write no value: they steer the output, or write a whole document.
    static let directives = ["header_json", "json", "onerror", "stderr", "stdout"]

    /// Every variable name `-w` accepts.
    static let names: [String] = all.map(\.name) + directives

    /// The variables by name.
    static let named: [String: WriteOutVariable] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// Bytes per second over the whole transfer, as curl computes its speeds.
    private static func speed(_ bytes: UInt64, _ record: TransferRecord) -> UInt64 {
        guard let total = record.timings?.total, total > .zero else { return 0 }
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        return UInt64(Double(bytes) / seconds)
    }

    /// A status code as curl writes it: three digits, `000` for none.
    static func threeDigits(_ status: Int) -> String {
        let digits = String(status)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// Seconds with six decimals, as curl prints them.
    static func seconds(_ duration: Duration?) -> String {
        let duration = duration ?? .zero
        let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    /// A part of a URL, for `%{url.host}` and `%{urle.host}`: null when the URL has no such part.
    enum URLPart: String, CaseIterable, Sendable {
        case fragment, host, options, password, path, port, query, scheme, user, zoneid

        func value(in text: String) -> String? {
            let withoutFragment = text.prefix { $0 != "#" }
            let fragment = text.count > withoutFragment.count ? String(text.dropFirst(withoutFragment.count + 1)) : nil
            guard let url = try? HTTPURL(parsing: String(withoutFragment)) else { return nil }
            let query = url.target.count > url.path.count ? String(url.target.dropFirst(url.path.count + 1)) : nil
            let user = url.userInfo.map { String($0.prefix { $0 != ":" }) }
            let password = url.userInfo.flatMap { info in info.contains(":") ? String(info.drop { $0 != ":" }.dropFirst()) : nil }
            switch self {
            case .fragment: return fragment
            case .host: return url.bracketedHost
            case .options: return nil
            case .password: return password
            case .path: return String(url.path)
            case .port: return String(url.port)
            case .query: return query
            case .scheme: return url.scheme
            case .user: return user
            case .zoneid: return url.host.contains("%") ? String(url.host.drop { $0 != "%" }.dropFirst()) : nil
            }
        }
    }
}



extension Certificate {
    /// The certificate as curl's `%{certs}` lists it (OpenSSL backend): a few `Name:value`
    /// lines, then the PEM.
    var curlText: String {
        """
        Subject:\(subject)
        Issuer:\(issuer)
        Version:\(version - 1)
        Serial Number:\(serialNumber)
        Signature Algorithm:\(signatureAlgorithm)
        Start date:\(notBefore)
        Expire date:\(notAfter)
        \(pem)
        """
    }
}
