#if canImport(Glibc)
import Glibc
#endif

/// A proxy to send requests through, as curl names one (`[scheme://][user:password@]host[:port]`):
///
/// - `http://`: plain `http` requests go to it in absolute form; `https` ones (and plain
///   ones with ``tunnelsPlainHTTP``) through a `CONNECT` tunnel.
/// - `https://`: the same, over TLS to the proxy (verified against the proxy's name
///   with ``tls``), so that an `https` request is TLS inside TLS.
/// - `socks4://`, `socks4a://`, `socks5://`, `socks5h://`: every request goes through a
///   SOCKS tunnel (the `h` and `4a` forms let the proxy resolve the host name).
///
/// TLS to the origin always goes end to end and is checked against the origin's name.
public struct ProxyConfiguration: Sendable, Hashable {
    /// The protocol spoken to the proxy.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case http, https, socks4, socks4a, socks5, socks5h

        /// Whether this is a SOCKS proxy.
        public var isSOCKS: Bool { self != .http && self != .https }
    }

    public var kind: Kind
    /// The proxy's host and port (its scheme is `https` for an HTTPS proxy, `http` otherwise).
    public var url: HTTPURL
    /// `user:password`: `Proxy-Authorization: Basic` for an HTTP proxy, RFC 1929 for SOCKS 5,
    /// the user ID for SOCKS 4.
    public var credentials: String?
    /// Whether plain `http` requests go through a `CONNECT` tunnel too, instead of in
    /// absolute form (curl's `--proxytunnel`).
    public var tunnelsPlainHTTP = false
    /// Fields sent to an HTTP proxy only: on `CONNECT`, and on requests in absolute form
    /// (curl's `--proxy-header`).
    public var headers: [HeaderField] = []
    /// The `User-Agent` of `CONNECT` (curl sends `-A`'s there too); nil: Porter's, "": none.
    public var userAgent: String?
    /// Whether `CONNECT` is sent as HTTP/1.0 (curl's `--proxy1.0`).
    public var connectsWithHTTP10 = false
    /// A SOCKS proxy reached first, through which the connection to this proxy goes
    /// (curl's `--preproxy`).
    public var preproxy: SOCKSProxy?
    /// How TLS to an `https://` proxy is verified (curl's `--proxy-cacert`, `--proxy-insecure`).
    public var tls = TLSConfiguration()

    /// A SOCKS proxy in front of another proxy: its kind, address and credentials.
    public struct SOCKSProxy: Sendable, Hashable {
        public var kind: Kind
        public var url: HTTPURL
        public var credentials: String?

        /// Reads `socks5h://[user:password@]host[:port]`; without a scheme, SOCKS 4 (curl's rule).
        public init(parsing text: String) throws(PorterError) {
            let parsed = try ProxyConfiguration(parsing: text.contains("://") ? text : "socks4://" + text)
            guard parsed.kind.isSOCKS else {
                throw PorterError(.unsupportedScheme, "--preproxy \(HTTPURL.maskingPassword(in: text)): a pre-proxy is a SOCKS proxy (socks4, socks4a, socks5, socks5h)")
            }
            kind = parsed.kind
            url = parsed.url
            credentials = parsed.credentials
        }

        /// As a proxy configuration, for the SOCKS handshake.
        var configuration: ProxyConfiguration {
            var configuration = ProxyConfiguration(url: url, credentials: credentials)
            configuration.kind = kind
            return configuration
        }
    }

    /// The port curl assumes for a proxy named without one: 1080, or 443 for HTTPS.
    public static func defaultPort(for kind: Kind) -> Int { kind == .https ? 443 : 1080 }

    /// Creates a configuration for an HTTP or HTTPS proxy at `url`; credentials in `url`
    /// are used when `credentials` is nil.
    public init(url: HTTPURL, credentials: String? = nil) {
        kind = url.isSecure ? .https : .http
        self.url = url
        self.credentials = credentials ?? url.userInfo.map(Self.removingPercentEncoding)
        self.url.userInfo = nil
    }

    /// Reads a proxy as curl's `--proxy` takes it; without a scheme it is an HTTP proxy,
    /// and without a port it is on ``defaultPort(for:)``.
    public init(parsing text: String, credentials: String? = nil) throws(PorterError) {
        var kind = Kind.http
        var rest = Substring(text)
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            let scheme = text[..<colon].lowercased()
            // curl reads a bare socks:// as SOCKS 4.
            guard let named = Kind(rawValue: scheme == "socks" ? "socks4" : scheme) else {
                throw PorterError(.unsupportedScheme, "proxy \"\(HTTPURL.maskingPassword(in: text))\": unsupported proxy scheme \"\(scheme)\" (http, https, socks4, socks4a, socks5, socks5h)")
            }
            kind = named
            rest = text[colon...].dropFirst(3)
        }
        var url = try HTTPURL(parsing: (kind == .https ? "https://" : "http://") + rest)
        guard url.target == "/" || url.target.isEmpty else {
            throw PorterError(.invalidURL, "proxy \"\(HTTPURL.maskingPassword(in: text))\": a proxy is named by host and port only, not a path")
        }
        if url.explicitPort == nil { url.explicitPort = Self.defaultPort(for: kind) }
        self.init(url: url, credentials: credentials)
        self.kind = kind
    }

    /// The credentials split at the first colon, as user and password.
    var userAndPassword: (user: String, password: String)? {
        guard let credentials else { return nil }
        let user = credentials.prefix { $0 != ":" }
        return (String(user), String(credentials.dropFirst(user.count + 1)))
    }

    /// The `Proxy-Authorization` value, when there are credentials (HTTP proxies only).
    var authorization: String? {
        guard !kind.isSOCKS else { return nil }
        return credentials.map { "Basic " + ByteEncoding.base64(Array($0.utf8)) }
    }

    /// How messages name the proxy: `socks5h://host:port`.
    var name: String { "\(kind.rawValue)://\(url.bracketedHost):\(url.port)" }

    /// The proxy the environment names for `url`, as curl reads it: `http_proxy`
    /// (lower case only: `HTTP_PROXY` can be set by a CGI request's `Proxy:`
    /// header), `https_proxy` or `HTTPS_PROXY`, then `all_proxy` or `ALL_PROXY`;
    /// none when `no_proxy` / `NO_PROXY` matches the host.
    public static func fromEnvironment(for url: HTTPURL, environment: [String: String]? = nil) -> ProxyConfiguration? {
        func value(_ name: String) -> String? {
            let text = environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
            return text.flatMap { $0.isEmpty ? nil : $0 }
        }
        let candidates = url.isSecure ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] : ["http_proxy", "all_proxy", "ALL_PROXY"]
        guard let text = candidates.lazy.compactMap(value).first else { return nil }
        if let noProxy = value("no_proxy") ?? value("NO_PROXY"), NoProxyList(noProxy).matches(url) { return nil }
        return try? ProxyConfiguration(parsing: text)
    }

    private static func removingPercentEncoding(_ text: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%"), bytes.count >= 2,
               let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
