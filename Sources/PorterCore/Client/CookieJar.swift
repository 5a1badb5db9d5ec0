import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Cookies kept between requests, as RFC 6265 says a user agent keeps them:
/// stored from `Set-Cookie`, sent back in `Cookie` only to the hosts and
/// paths they belong to, `Secure` ones only over https, expired ones dropped.
/// Reads and writes curl's Netscape cookie-file format.
///
/// Thread-safe: one jar may serve concurrent requests.
public final class CookieJar: Sendable {
    /// One stored cookie.
    public struct Cookie: Sendable, Hashable {
        public var name: String
        public var value: String
        /// The domain, lower-cased, without a leading dot.
        public var domain: String
        /// Whether only `domain` itself matches (no `Domain` attribute was given).
        public var hostOnly: Bool
        public var path: String
        public var secure: Bool
        public var httpOnly: Bool
        /// Seconds since the epoch, or nil for a session cookie.
        public var expires: Int64?
    }

    private let cookies = Mutex<[Cookie]>([])

    /// Creates an empty jar.
    public init() {}

    /// Every cookie, in the order stored.
    public var all: [Cookie] { cookies.withLock { $0 } }

    private static func now() -> Int64 { Int64(time(nil)) }

    // MARK: - Sending

    /// The `Cookie` value for a request to `url`, or nil when no cookie applies (RFC 6265 §5.4).
    public func cookieHeader(for url: HTTPURL) -> String? {
        let now = Self.now()
        let host = url.host
        let path = String(url.path)
        let matching = cookies.withLock { list -> [Cookie] in
            list.removeAll { $0.expires.map { $0 <= now } ?? false }
            return list.filter { cookie in
                (cookie.hostOnly ? host == cookie.domain : Self.domainMatches(host, cookie.domain))
                    && Self.pathMatches(path, cookie.path)
                    && (!cookie.secure || url.isSecure)
            }
        }
        guard !matching.isEmpty else { return nil }
        // §5.4 item 2: longer paths first.
        return matching.sorted { $0.path.count > $1.path.count }.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    // MARK: - Storing

    /// Stores the cookies of `Set-Cookie` values received from `url` (RFC 6265 §5.2, §5.3).
    public func store(setCookie values: [String], from url: HTTPURL) {
        for value in values {
            if let cookie = Self.parse(value, from: url) { insert(cookie) }
        }
    }

    private func insert(_ cookie: Cookie) {
        cookies.withLock { list in
            list.removeAll { $0.name == cookie.name && $0.domain == cookie.domain && $0.path == cookie.path }
            if cookie.expires.map({ $0 > Self.now() }) ?? true { list.append(cookie) }
        }
    }

    static func parse(_ header: String, from url: HTTPURL) -> Cookie? {
        guard let field = SetCookieField(parsing: header) else { return nil }
        var cookie = Cookie(name: field.name, value: field.value, domain: url.host, hostOnly: true, path: defaultPath(url),
                            secure: false, httpOnly: false, expires: nil)
        var maxAgeSeen = false
        for attribute in field.attributes {
            let argument = attribute.value ?? ""
            switch attribute.name {
            case "domain":
                var domain = argument.lowercased()
                if domain.hasPrefix(".") { domain.removeFirst() }
                guard !domain.isEmpty else { continue }
                // §5.3 item 6: the request host must domain-match the Domain attribute.
                guard domainMatches(url.host, domain), domain.contains(".") || domain == url.host else { return nil }
                cookie.domain = domain
                cookie.hostOnly = false
            case "path":
                cookie.path = argument.hasPrefix("/") ? argument : defaultPath(url)
            case "secure":
                cookie.secure = true
            case "httponly":
                cookie.httpOnly = true
            case "max-age":
                guard let seconds = Int64(argument) else { continue }
                maxAgeSeen = true
                cookie.expires = seconds <= 0 ? 0 : now() + seconds
            case "expires":
                if !maxAgeSeen, let date = HTTPDate.parse(argument) { cookie.expires = date }
            default:
                continue
            }
        }
        // RFC 6265bis: a Secure cookie cannot be set over plain HTTP.
        if cookie.secure && !url.isSecure { return nil }
        return cookie
    }

    /// §5.1.4: the directory of the request path.
    private static func defaultPath(_ url: HTTPURL) -> String {
        let path = url.path
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// §5.1.3.
    static func domainMatches(_ host: String, _ domain: String) -> Bool {
        host == domain || (host.hasSuffix("." + domain) && SocketAddress(numericHost: host, port: 0) == nil)
    }

    /// §5.1.4.
    static func pathMatches(_ path: String, _ cookiePath: String) -> Bool {
        path == cookiePath || (path.hasPrefix(cookiePath) && (cookiePath.hasSuffix("/") || path.dropFirst(cookiePath.count).hasPrefix("/")))
    }

    // MARK: - Netscape cookie files

    /// Adds the cookies of a Netscape cookie file (curl's `-b FILE`, `-c FILE`).
    ///
    /// With `skippingSessionCookies`, cookies without an expiry time are left out (curl's
    /// `--junk-session-cookies`: the file is read as a new session).
    public func load(netscapeFormat text: String, skippingSessionCookies: Bool = false) {
        for rawLine in text.split(separator: "\n") {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            var httpOnly = false
            if line.hasPrefix("#HttpOnly_") {
                httpOnly = true
                line = line.dropFirst("#HttpOnly_".count)
            } else if line.hasPrefix("#") || line.trimmingASCIIWhitespace().isEmpty {
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 7 else { continue }
            var domain = fields[0].lowercased()
            if domain.hasPrefix(".") { domain.removeFirst() }
            let expires = Int64(fields[4]) ?? 0
            if skippingSessionCookies && expires == 0 { continue }
            insert(Cookie(
                name: String(fields[5]), value: fields[6...].joined(separator: "\t"), domain: domain,
                hostOnly: fields[1].uppercased() != "TRUE", path: String(fields[2]), secure: fields[3].uppercased() == "TRUE",
                httpOnly: httpOnly, expires: expires == 0 ? nil : expires))
        }
    }

    /// The jar in the Netscape cookie-file format curl writes.
    public func netscapeFormat() -> String {
        var text = "# Netscape HTTP Cookie File\n# This file was generated by porter. Edit at your own risk.\n\n"
        for cookie in all {
            let domain = cookie.hostOnly ? cookie.domain : "." + cookie.domain
            text += [
                (cookie.httpOnly ? "#HttpOnly_" : "") + domain, cookie.hostOnly ? "FALSE" : "TRUE", cookie.path,
                cookie.secure ? "TRUE" : "FALSE", String(cookie.expires ?? 0), cookie.name, cookie.value,
            ].joined(separator: "\t") + "\n"
        }
        return text
    }
}
