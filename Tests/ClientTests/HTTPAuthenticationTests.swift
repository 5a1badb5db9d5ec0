import Testing

@testable import PorterCore

/// Digest answers against RFC 7616 §3.9.1's worked example, and challenge parsing.
@Suite("HTTP authentication")
struct HTTPAuthenticationTests {
    static let credentials = HTTPAuthentication(user: "Mufasa", password: "Circle of Life", schemes: .digest)

    static func challenge(_ algorithm: String) -> AuthenticationChallenge {
        AuthenticationChallenge.parse([
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=\(algorithm), nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        ])[0]
    }

    @Test(arguments: [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ])
    func answersTheRFCExample(_ algorithm: String, _ response: String) throws {
        let answer = try #require(Self.credentials.digestAuthorization(
            Self.challenge(algorithm), method: "GET", target: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"))
        #expect(answer.contains("response=\"\(response)\""), "\(answer)")
        #expect(answer.hasPrefix("Digest username=\"Mufasa\", realm=\"http-auth@example.org\""))
        #expect(answer.contains("nc=00000001") && answer.contains("qop=auth") && answer.contains("algorithm=\(algorithm)"))
        #expect(answer.contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""))
    }

    @Test func parsesSeveralChallengesInOneField() {
        let challenges = AuthenticationChallenge.parse(["Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\""])
        #expect(challenges.map(\.scheme) == ["newauth", "basic"])
        #expect(challenges[0].parameters["title"] == "Login to \"apps\"")
        #expect(challenges[1].parameters["realm"] == "simple")
    }

    @Test func choosesTheSchemeTheCredentialsAllow() {
        let challenges = AuthenticationChallenge.parse(["Basic realm=\"x\"", "Digest realm=\"x\", nonce=\"n\", qop=\"auth\""])
        let any = HTTPAuthentication(user: "u", password: "p", schemes: .any)
        #expect(any.authorization(answering: challenges, method: "GET", target: "/")?.hasPrefix("Digest ") == true)
        #expect(any.authorization(answering: [challenges[0]], method: "GET", target: "/") == "Basic dTpw")
        let digest = HTTPAuthentication(user: "u", password: "p", schemes: .digest)
        #expect(digest.authorization(answering: [challenges[0]], method: "GET", target: "/") == nil)
        // auth-int alone cannot be answered without hashing the body first.
        let intOnly = AuthenticationChallenge.parse(["Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\""])
        #expect(digest.authorization(answering: intOnly, method: "GET", target: "/") == nil)
    }
}
