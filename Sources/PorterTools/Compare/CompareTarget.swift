@_spi(PorterTools) import PorterCore

/// What `porter compare` compares: one host and path, over a plain HTTP port
/// and an HTTPS port.
public struct CompareTarget: Sendable, Hashable {
    /// The host name or IP literal (IPv6 without brackets), lower case.
    public var host: String
    /// The path and query requested on both sides, e.g. `/` or `/login?next=a`.
    public var target: String
    /// The plain HTTP port, 80 unless overridden.
    public var httpPort: Int
    /// The HTTPS port, 443 unless overridden.
    public var httpsPort: Int

    /// Parses `HOST`, `HOST/path` or an `http` or `https` URL; the path and query are kept.
    ///
    /// A port in a URL sets the port of that URL's scheme; `httpPort` and
    /// `httpsPort`, when given, override both the default and the URL.
    ///
    /// - Throws: ``PorterError/Code/invalidURL`` or ``PorterError/Code/unsupportedScheme``.
    public init(parsing text: String, httpPort: Int? = nil, httpsPort: Int? = nil) throws(PorterError) {
        let url = try HTTPURL(parsing: text)
        if url.userInfo != nil {
            throw PorterError(.invalidURL, "bad target \"\(url)\": porter compare sends no credentials; leave user:password out")
        }
        host = url.host
        target = url.target
        self.httpPort = httpPort ?? (url.isSecure ? nil : url.explicitPort) ?? 80
        self.httpsPort = httpsPort ?? (url.isSecure ? url.explicitPort : nil) ?? 443
    }

    /// The URL requested first over plain HTTP.
    public var httpURL: HTTPURL { url(scheme: "http", port: httpPort) }
    /// The URL requested first over HTTPS.
    public var httpsURL: HTTPURL { url(scheme: "https", port: httpsPort) }

    private func url(scheme: String, port: Int) -> HTTPURL {
        let defaultPort = scheme == "https" ? 443 : 80
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let authority = port == defaultPort ? bracketed : "\(bracketed):\(port)"
        // The parts were parsed from a valid URL, so they parse again.
        guard let url = try? HTTPURL(parsing: "\(scheme)://\(authority)\(target)") else {
            preconditionFailure("cannot rebuild \(scheme)://\(authority)\(target)")
        }
        return url
    }
}
