#if canImport(Glibc)
import Glibc
#endif

/// An HTTP proxy to send requests through: plain `http` requests go to it in
/// absolute form, `https` ones through a `CONNECT` tunnel with TLS end to end
/// to the origin (the certificate is checked against the origin's name).
public struct ProxyConfiguration: Sendable, Hashable {
    /// The proxy's URL, `http://host:port`.
    public var url: HTTPURL
    /// `user:password` for `Proxy-Authorization: Basic`, or nil.
    public var credentials: String?

    /// Creates a configuration; credentials in `url` are used when `credentials` is nil.
    public init(url: HTTPURL, credentials: String? = nil) {
        self.url = url
        self.credentials = credentials ?? url.userInfo.map(Self.removingPercentEncoding)
        self.url.userInfo = nil
    }

    /// The `Proxy-Authorization` value, when there are credentials.
    var authorization: String? {
        credentials.map { "Basic " + ByteEncoding.base64(Array($0.utf8)) }
    }

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
        guard let proxyURL = try? HTTPURL(parsing: text) else { return nil }
        return ProxyConfiguration(url: proxyURL)
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
