/// Credentials for the origin, and the schemes they may be sent with (curl's `-u` with
/// `--basic`, `--digest` or `--anyauth`).
///
/// Basic goes with the first request; Digest (RFC 7616) answers the server's `401`
/// challenge, with MD5, SHA-256 or SHA-512/256 and `qop=auth`; with ``Schemes/any`` the
/// first request goes without credentials and the strongest scheme the `401` offers is used.
public struct HTTPAuthentication: Sendable, Hashable {
    /// Which schemes the credentials may be sent with.
    public enum Schemes: Sendable, Hashable {
        case basic
        case digest
        /// The strongest the server offers: Digest, else Basic.
        case any
    }

    public var user: String
    public var password: String
    public var schemes: Schemes

    public init(user: String, password: String, schemes: Schemes) {
        self.user = user
        self.password = password
        self.schemes = schemes
    }

    /// The `Authorization` value for the first request: Basic sends at once; the others wait for a challenge.
    var preemptiveAuthorization: String? {
        schemes == .basic ? "Basic " + ByteEncoding.base64(Array("\(user):\(password)".utf8)) : nil
    }

    /// The `Authorization` value answering the challenges of a `401` for `method` and
    /// `target`, or nil when none is one these credentials may answer.
    func authorization(answering challenges: [AuthenticationChallenge], method: String, target: String) -> String? {
        if schemes != .basic, let digest = challenges.first(where: { $0.scheme == "digest" && DigestAlgorithm($0.parameters["algorithm"]) != nil }) {
            return digestAuthorization(digest, method: method, target: target)
        }
        if schemes == .any, challenges.contains(where: { $0.scheme == "basic" }) {
            return "Basic " + ByteEncoding.base64(Array("\(user):\(password)".utf8))
        }
        return nil
    }

    /// RFC 7616 §3.4: the response to a Digest challenge.
    func digestAuthorization(_ challenge: AuthenticationChallenge, method: String, target: String, cnonce: String? = nil) -> String? {
        guard let algorithm = DigestAlgorithm(challenge.parameters["algorithm"]) else { return nil }
        let realm = challenge.parameters["realm"] ?? ""
        let nonce = challenge.parameters["nonce"] ?? ""
        let qops = (challenge.parameters["qop"] ?? "").split(separator: ",").map { $0.trimmingASCIIWhitespace().lowercased() }
        // Only qop=auth is offered: auth-int would need the whole body hashed before sending.
        guard qops.isEmpty || qops.contains("auth") else { return nil }
        let cnonce = cnonce ?? (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
        let nc = "00000001"
        var ha1 = algorithm.hash.hex("\(user):\(realm):\(password)")
        if algorithm.isSession { ha1 = algorithm.hash.hex("\(ha1):\(nonce):\(cnonce)") }
        let ha2 = algorithm.hash.hex("\(method):\(target)")
        let response = qops.isEmpty
            ? algorithm.hash.hex("\(ha1):\(nonce):\(ha2)")
            : algorithm.hash.hex("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
        var parts = [
            "username=\(Self.quoted(user))", "realm=\(Self.quoted(realm))", "nonce=\(Self.quoted(nonce))",
            "uri=\(Self.quoted(target))",
        ]
        if !qops.isEmpty { parts += ["cnonce=\(Self.quoted(cnonce))", "nc=\(nc)", "qop=auth"] }
        parts.append("response=\(Self.quoted(response))")
        if let opaque = challenge.parameters["opaque"] { parts.append("opaque=\(Self.quoted(opaque))") }
        if challenge.parameters["algorithm"] != nil { parts.append("algorithm=\(algorithm.name)") }
        return "Digest " + parts.joined(separator: ", ")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingBackslashesAndQuotes() + "\""
    }

    /// The algorithms of RFC 7616 §3.2 (MD5 when the challenge names none).
    struct DigestAlgorithm {
        let name: String
        let hash: HashFunction
        let isSession: Bool

        init?(_ name: String?) {
            let name = name ?? "MD5"
            self.name = name
            isSession = name.uppercased().hasSuffix("-SESS")
            switch name.uppercased().replacingSuffix("-SESS") {
            case "MD5": hash = .md5
            case "SHA-256": hash = .sha256
            case "SHA-512-256": hash = .sha512_256
            default: return nil
            }
        }
    }
}

/// One challenge of a `WWW-Authenticate` field (RFC 9110 §11.3): the scheme, in lower
/// case, and its parameters (names in lower case, quoted values unquoted).
struct AuthenticationChallenge: Equatable {
    let scheme: String
    let parameters: [String: String]

    /// Every challenge in the fields' values, in order; a field may hold several.
    static func parse(_ values: [String]) -> [AuthenticationChallenge] {
        values.flatMap(parse(field:))
    }

    private static func parse(field: String) -> [AuthenticationChallenge] {
        var challenges: [AuthenticationChallenge] = []
        var rest = Substring(field)
        var scheme: String?
        var parameters: [String: String] = [:]
        func skipSpace() { rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," } }
        while true {
            skipSpace()
            guard !rest.isEmpty else { break }
            let token = rest.prefix { !" \t,=".contains($0) }
            rest = rest.dropFirst(token.count)
            let afterSpaces = rest.drop { $0 == " " || $0 == "\t" }
            if afterSpaces.first == "=", scheme != nil {
                // name = value, the value a token or a quoted string.
                rest = afterSpaces.dropFirst().drop { $0 == " " || $0 == "\t" }
                var value = ""
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    while let character = rest.popFirst(), character != "\"" {
                        if character == "\\", let escaped = rest.popFirst() { value.append(escaped) } else { value.append(character) }
                    }
                } else {
                    let token = rest.prefix { $0 != "," && $0 != " " && $0 != "\t" }
                    value = String(token)
                    rest = rest.dropFirst(token.count)
                }
                parameters[token.lowercased()] = value
            } else {
                // A token not followed by '=' starts the next challenge (token68 values are kept whole).
                if let scheme { challenges.append(AuthenticationChallenge(scheme: scheme, parameters: parameters)) }
                scheme = token.lowercased()
                parameters = [:]
            }
        }
        if let scheme { challenges.append(AuthenticationChallenge(scheme: scheme, parameters: parameters)) }
        return challenges
    }
}

extension String {
    /// `\` and `"` escaped, for a quoted-string (RFC 9110 §5.6.4).
    func replacingBackslashesAndQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\\" || character == "\"" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// The string without `suffix` (compared case-insensitively), or as it is.
    func replacingSuffix(_ suffix: String) -> String {
        uppercased().hasSuffix(suffix.uppercased()) ? String(dropLast(suffix.count)) : self
    }
}
