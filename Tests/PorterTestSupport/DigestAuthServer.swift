internal import COpenSSL
import Synchronization

/// A server that wants HTTP Digest authentication (RFC 7616) for one user: it answers a
/// request without valid credentials with `401` and a challenge, and one with a valid
/// `Authorization: Digest` (recomputed here from the password, `qop=auth`) with `200`
/// and `authorized <user>`. It can also offer Basic, for `--anyauth`.
///
/// The check is this type's own, written from the RFC; curl's `--digest` passing it is the
/// tests' proof that it is right.
public final class DigestAuthServer: Sendable {
    public let user: String
    public let password: String
    public let realm = "porter-tests@127.0.0.1"
    public let nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
    /// `MD5` or `SHA-256`.
    public let algorithm: String
    private let server: ScriptedServer
    private let seen = Log()

    /// The `Authorization` values received, shared with the server's connections.
    private final class Log: Sendable {
        let values = Mutex<[String]>([])
    }

    public var port: Int { server.port }
    /// The `Authorization` values received, in order.
    public var authorizations: [String] { seen.values.withLock { $0 } }

    public func url(_ path: String = "/") -> String { server.url(path) }

    /// - Parameter offersBasic: list a Basic challenge after the Digest one.
    public init(user: String, password: String, algorithm: String = "MD5", offersBasic: Bool = false) throws {
        self.user = user
        self.password = password
        self.algorithm = algorithm
        let realm = realm, nonce = nonce, seen = seen
        server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let authorization = request.value(forHeader: "Authorization")
                if let authorization { seen.values.withLock { $0.append(authorization) } }
                let verified = authorization.map {
                    Self.verify($0, method: request.method, user: user, password: password, realm: realm, nonce: nonce, algorithm: algorithm)
                } ?? false
                if verified {
                    let body = "authorized \(user)"
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                } else {
                    var challenge = "WWW-Authenticate: Digest realm=\"\(realm)\", qop=\"auth\", nonce=\"\(nonce)\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", algorithm=\(algorithm)\r\n"
                    if offersBasic { challenge += "WWW-Authenticate: Basic realm=\"\(realm)\"\r\n" }
                    try connection.write("HTTP/1.1 401 Unauthorized\r\n\(challenge)Content-Length: 6\r\n\r\ndenied")
                }
            }
        }
    }

    /// Whether `header` is a valid answer: Basic with the password, or Digest whose response matches.
    static func verify(_ header: String, method: String, user: String, password: String, realm: String, nonce: String, algorithm: String) -> Bool {
        if header.hasPrefix("Basic ") {
            return header == "Basic " + base64(Array("\(user):\(password)".utf8))
        }
        guard header.hasPrefix("Digest ") else { return false }
        var parameters: [String: String] = [:]
        var rest = Substring(header.dropFirst(7))
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            let name = rest.prefix { $0 != "=" }
            rest = rest.dropFirst(name.count + 1)
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.popFirst(), character != "\"" {
                    if character == "\\", let next = rest.popFirst() { value.append(next) } else { value.append(character) }
                }
            } else {
                value = String(rest.prefix { $0 != "," })
                rest = rest.dropFirst(value.count)
            }
            if !name.isEmpty { parameters[name.trimmingCharacters()] = value }
        }
        guard parameters["username"] == user, parameters["realm"] == realm, parameters["nonce"] == nonce,
              parameters["qop"] == "auth", let uri = parameters["uri"], let cnonce = parameters["cnonce"], let nc = parameters["nc"] else {
            return false
        }
        let hash: (String) -> String = { digest($0, algorithm: algorithm) }
        let ha1 = hash("\(user):\(realm):\(password)")
        let ha2 = hash("\(method):\(uri)")
        return parameters["response"] == hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
    }

    /// The lower-case hex digest of `text` with `MD5` or `SHA-256`.
    static func digest(_ text: String, algorithm: String) -> String {
        let type = algorithm == "SHA-256" ? EVP_sha256() : EVP_md5()
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(text.utf8)
        _ = EVP_Digest(bytes, bytes.count, &output, &length, type, nil)
        return output.prefix(Int(length)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        var output = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4 + 1)
        let count = EVP_EncodeBlock(&output, bytes, Int32(bytes.count))
        return String(decoding: output.prefix(Int(count)), as: UTF8.self)
    }
}

private extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
