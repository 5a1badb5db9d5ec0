/// An `http` or `https` URL, split into what a request needs.
///
/// Parsing is strict where a mistake could reach the wire: control bytes,
/// spaces and malformed hosts or ports are refused with the position of the
/// problem. A URL without a scheme is taken as `http://`, as curl does.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// The host: a lower-cased name, an IPv4 literal, or an IPv6 literal without brackets.
    public var host: String
    /// The port given in the URL, if any.
    public var explicitPort: Int?
    /// The path and query in origin form (`/a/b?c`), never empty; the fragment is dropped.
    public var target: String
    /// `user:password` from the URL, if any. Never printed by Porter.
    public var userInfo: String?

    /// The port to connect to: the explicit one or the scheme's default.
    public var port: Int { explicitPort ?? (isSecure ? 443 : 80) }
    /// Whether the scheme is `https`.
    public var isSecure: Bool { scheme == "https" }
    /// Whether the host is an IPv6 literal.
    public var isIPv6Literal: Bool { host.contains(":") }
    /// The host as written in a URL or `Host` field: IPv6 in brackets.
    public var bracketedHost: String { isIPv6Literal ? "[\(host)]" : host }
    /// The `Host` field value: the host, and the port when it is not the scheme's default (RFC 9110 §7.2).
    public var authority: String {
        port == (isSecure ? 443 : 80) ? bracketedHost : "\(bracketedHost):\(port)"
    }
    /// The origin (scheme, host, port), which decides connection reuse and credential forwarding.
    public var origin: String { "\(scheme)://\(bracketedHost):\(port)" }

    /// The URL without user information, safe to print.
    public var description: String { "\(scheme)://\(authority)\(target)" }

    /// The longest URL accepted, in bytes: curl's `CURL_MAX_INPUT_LENGTH`.
    public static let maximumLength = 8_000_000

    /// Parses an absolute URL, or `host/path` taken as `http://host/path`.
    ///
    /// - Throws: ``PorterError/Code/invalidURL`` naming the position of the
    ///   problem, or ``PorterError/Code/unsupportedScheme``.
    public init(parsing text: String, removingDotSegments: Bool = true) throws(PorterError) {
        // The work is done on UTF-8 bytes: every delimiter is ASCII, and a URL is parsed
        // once or twice per request. Messages quote the URL; its password never appears in them.
        let utf8 = text.utf8
        let length = utf8.count
        guard length <= Self.maximumLength else {
            throw PorterError(.invalidURL, "bad URL: it is \(length) bytes long, more than the \(Self.maximumLength) allowed (position \(Self.maximumLength + 1))")
        }
        func shown() -> String { Self.maskingPassword(in: text) }
        if let bad = utf8.firstIndex(where: { $0 <= 0x20 || $0 == 0x7F }) {
            let what = utf8[bad] == 0x20 ? "a space" : "a control character (0x\(String(utf8[bad], radix: 16)))"
            let position = utf8.distance(from: utf8.startIndex, to: bad) + 1
            throw PorterError(.invalidURL, "bad URL \"\(Self.printable(shown()))\": \(what) at position \(position)")
        }
        if length == 0 { throw PorterError(.invalidURL, "bad URL: it is empty") }
        var rest = Substring(text)
        var offset = 0
        if let schemeEnd = Self.schemeSeparator(in: text) {
            let scheme = text.utf8[..<schemeEnd.lowerBound]
            guard let first = scheme.first, Self.isASCIILetter(first),
                  scheme.allSatisfy({ Self.isASCIILetter($0) || Self.isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else {
                throw PorterError(.invalidURL, "bad URL \"\(shown())\": malformed scheme at position 1")
            }
            self.scheme = String(Substring(scheme)).lowercased()
            rest = text[schemeEnd.upperBound...]
            offset = utf8.distance(from: utf8.startIndex, to: schemeEnd.upperBound)
        } else {
            self.scheme = "http"
        }
        guard scheme == "http" || scheme == "https" else {
            throw PorterError(.unsupportedScheme, "protocol \"\(scheme)\" is not supported: Porter speaks http and https")
        }

        let authorityEnd = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var remainder = rest[authorityEnd...]
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) {
            userInfo = String(authority[..<at])
            offset += authority.utf8.distance(from: authority.startIndex, to: at) + 1
            authority = authority[authority.utf8.index(after: at)...]
        }
        let position = offset + 1
        var portText: Substring?
        if authority.utf8.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw PorterError(.invalidURL, "bad URL \"\(shown())\": IPv6 address without a closing ] at position \(position)")
            }
            var literal = String(authority[authority.index(after: authority.startIndex)..<close])
            if let zone = literal.firstIndex(of: "%") { literal = String(literal[..<zone]) }
            guard SocketAddress(numericHost: literal, port: 0)?.family == .ipv6 else {
                throw PorterError(.invalidURL, "bad URL \"\(shown())\": \"\(literal)\" is not an IPv6 address (position \(position + 1))")
            }
            host = literal.lowercased()
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw PorterError(.invalidURL, "bad URL \"\(shown())\": unexpected \"\(after)\" after the IPv6 address")
            }
        } else {
            let colon = authority.utf8.firstIndex(of: UInt8(ascii: ":"))
            let name = authority[..<(colon ?? authority.endIndex)]
            if let colon { portText = authority[authority.utf8.index(after: colon)...] }
            if let bad = name.utf8.firstIndex(where: { !Self.isHostByte($0) }) {
                let index = name.utf8.distance(from: name.utf8.startIndex, to: bad)
                throw PorterError(.invalidURL, "bad URL \"\(shown())\": character not allowed in a host name at position \(position + index)")
            }
            // IDNA 2008: a name with non-ASCII letters, or with A-labels to check, goes on the wire
            // (and is shown, so that look-alike scripts are visible) in its xn-- form.
            if name.utf8.contains(where: { $0 >= 0x80 }) || Self.containsALabelPrefix(name.utf8) {
                host = try IDNA.asciiHost(String(name))
                // What goes on the wire and into the Host field is ASCII letters, digits, '-', '.' and '_'.
                if let bad = host.utf8.first(where: { !Self.isHostByte($0) || $0 >= 0x80 }) {
                    throw PorterError(.invalidURL, "bad URL \"\(shown())\": the host name maps to \(HTTPSyntax.describe(bad)), which a host name cannot contain")
                }
            } else {
                host = name.lowercased()
            }
        }
        if host.isEmpty { throw PorterError(.invalidURL, "bad URL \"\(shown())\": no host name (position \(position))") }
        if let portText {
            guard !portText.isEmpty, portText.utf8.count <= 5, portText.utf8.allSatisfy(Self.isDigit),
                  let port = Int(portText), (1...65535).contains(port) else {
                throw PorterError(.invalidURL, "bad URL \"\(shown())\": port \"\(portText)\" is not a number from 1 to 65535")
            }
            explicitPort = port
        }
        if let hash = remainder.utf8.firstIndex(of: UInt8(ascii: "#")) { remainder = remainder[..<hash] }
        target = Self.normalizedTarget(remainder, removingDotSegments: removingDotSegments)
    }

    /// Resolves a reference (a redirect's `Location`) against this URL, as RFC 3986 §5.2 describes.
    ///
    /// Spaces and bytes outside ASCII are percent-encoded first, as browsers
    /// and curl do; control characters are refused.
    public func resolving(_ reference: String) throws(PorterError) -> HTTPURL {
        let bytes = Array(reference.utf8)
        if let bad = bytes.firstIndex(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw PorterError(.invalidRedirect, "redirect location contains a control character (0x\(String(bytes[bad], radix: 16))) at position \(bad + 1); not followed")
        }
        let encoded = Self.percentEncodingSpacesAndNonASCII(bytes)
        if let colon = encoded.firstIndex(of: ":"),
           !encoded[..<colon].contains(where: { "/?#".contains($0) }), !encoded[..<colon].isEmpty {
            return try HTTPURL(parsing: encoded)
        }
        if encoded.hasPrefix("//") {
            return try HTTPURL(parsing: "\(scheme):\(encoded)")
        }
        var result = self
        result.userInfo = nil
        var reference = Substring(encoded)
        if let hash = reference.firstIndex(of: "#") { reference = reference[..<hash] }
        if reference.isEmpty { return result }
        if reference.hasPrefix("?") {
            result.target = String(path) + reference
        } else if reference.hasPrefix("/") {
            result.target = Self.normalizedTarget(reference, removingDotSegments: true)
        } else {
            let base = path
            let directory = base[...(base.lastIndex(of: "/") ?? base.startIndex)]
            result.target = Self.normalizedTarget(directory + reference, removingDotSegments: true)
        }
        return result
    }

    /// The path part of ``target``, without the query.
    public var path: Substring { target[..<(target.firstIndex(of: "?") ?? target.endIndex)] }

    // MARK: - Helpers

    /// The `://` after the scheme, when it comes before any `/`, `?` or `#`.
    private static func schemeSeparator(in text: String) -> Range<String.Index>? {
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index < utf8.endIndex {
            switch utf8[index] {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"):
                return nil
            case UInt8(ascii: ":"):
                let end = utf8.index(index, offsetBy: 3, limitedBy: utf8.endIndex) ?? utf8.endIndex
                if utf8[index..<end].elementsEqual("://".utf8) { return index..<end }
            default:
                break
            }
            index = utf8.index(after: index)
        }
        return nil
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Whether `name` contains `xn--` in any case: the prefix of an IDNA A-label.
    private static func containsALabelPrefix(_ name: Substring.UTF8View) -> Bool {
        let prefix: [UInt8] = Array("xn--".utf8)
        var matched = 0
        for byte in name {
            let lower = isASCIILetter(byte) ? byte | 0x20 : byte
            if lower == prefix[matched] {
                matched += 1
                if matched == prefix.count { return true }
            } else {
                matched = lower == prefix[0] ? 1 : 0
            }
        }
        return false
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return byte >= 0x80
        }
    }

    private static func normalizedTarget(_ pathAndQuery: Substring, removingDotSegments: Bool) -> String {
        var path = pathAndQuery[..<(pathAndQuery.utf8.firstIndex(of: UInt8(ascii: "?")) ?? pathAndQuery.endIndex)]
        let query = pathAndQuery[path.endIndex...]
        if path.isEmpty { path = "/" }
        // A dot segment ("." or "..") can only follow a slash or start the path.
        let mayHaveDotSegments = path.utf8.first == UInt8(ascii: ".")
            || zip(path.utf8, path.utf8.dropFirst()).contains { $0 == UInt8(ascii: "/") && $1 == UInt8(ascii: ".") }
        if path.utf8.first == UInt8(ascii: "/") && !(removingDotSegments && mayHaveDotSegments) {
            return query.isEmpty ? String(path) : String(path) + query
        }
        let cleanPath = removingDotSegments ? removeDotSegments(String(path)) : String(path)
        return (cleanPath.utf8.first == UInt8(ascii: "/") ? cleanPath : "/" + cleanPath) + query
    }

    /// RFC 3986 §5.2.4, on bytes: a `/` followed by a combining mark is still a slash on the wire.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        let joined = output.joined(separator: "/")
        return joined.utf8.first == UInt8(ascii: "/") ? joined : "/" + joined
    }

    private static func percentEncodingSpacesAndNonASCII(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inQuery = false
        for byte in bytes {
            if byte == UInt8(ascii: "?") { inQuery = true }
            if byte == 0x20 && inQuery {
                // As curl does: a space in a redirect's query becomes '+', the form encoding of a space.
                out.append(UInt8(ascii: "+"))
            } else if byte == 0x20 || byte >= 0x80 {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
