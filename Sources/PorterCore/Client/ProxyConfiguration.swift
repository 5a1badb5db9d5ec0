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
        credentials.map { "Basic " + Base64Encoding.encode(Array($0.utf8)) }
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

/// A `no_proxy` list: `*`, host names (matching themselves and their
/// subdomains, with or without a leading dot), IP addresses and CIDR ranges.
public struct NoProxyList: Sendable, Hashable {
    private let entries: [String]

    /// Parses a comma- or space-separated list.
    public init(_ text: String) {
        entries = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// Whether requests to `url` bypass the proxy.
    public func matches(_ url: HTTPURL) -> Bool {
        let host = url.host.lowercased()
        for entry in entries {
            if entry == "*" { return true }
            if entry.contains("/") {
                if Self.cidr(entry, contains: host) { return true }
                continue
            }
            var name = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// Whether the IP literal `host` lies in the range `entry` (`10.0.0.0/8`, `fd00::/8`).
    private static func cidr(_ entry: String, contains host: String) -> Bool {
        let parts = entry.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]),
              let network = addressBytes(String(parts[0])), let address = addressBytes(host),
              network.count == address.count, bits >= 0, bits <= network.count * 8 else { return false }
        var remaining = bits
        for index in 0..<network.count where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if network[index] & mask != address[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// RFC 4648 base64, for `Basic` credentials.
enum Base64Encoding {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
