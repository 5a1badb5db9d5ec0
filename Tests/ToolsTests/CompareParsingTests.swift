import HTTPTypes
import PorterTestSupport
import Testing
@_spi(PorterTools) import PorterCore
@testable import PorterTools

/// The pure parts of `porter compare`: HSTS and Set-Cookie parsing, the
/// header diff, target parsing, the body digest and `--resolve` in the client.
@Suite("Compare parsing")
struct CompareParsingTests {
    struct HSTSCase: Sendable, CustomTestStringConvertible {
        var value: String
        var maxAge: UInt64?
        var includesSubdomains = false
        var preload = false
        var testDescription: String { value.debugDescription }
    }

    @Test(arguments: [
        HSTSCase(value: "max-age=63072000; includeSubDomains; preload", maxAge: 63_072_000, includesSubdomains: true, preload: true),
        HSTSCase(value: "max-age=31536000", maxAge: 31_536_000),
        HSTSCase(value: "MAX-AGE=\"300\";INCLUDESUBDOMAINS", maxAge: 300, includesSubdomains: true),
        HSTSCase(value: "  max-age = 0 ; ", maxAge: 0),
        HSTSCase(value: "includeSubDomains; max-age=10; unknown=1; preload", maxAge: 10, includesSubdomains: true, preload: true),
        HSTSCase(value: "max-age=99999999999999999999999", maxAge: UInt64.max),
        HSTSCase(value: "includeSubDomains; preload", maxAge: nil),
        HSTSCase(value: "max-age=abc", maxAge: nil),
        HSTSCase(value: "max-age=-1", maxAge: nil),
        HSTSCase(value: "max-age=", maxAge: nil),
        HSTSCase(value: "max-age=1; max-age=2", maxAge: nil),
        HSTSCase(value: "", maxAge: nil),
    ])
    func parsesStrictTransportSecurity(_ fixture: HSTSCase) {
        let parsed = try? StrictTransportSecurity(parsing: fixture.value)
        #expect(parsed?.maxAge == fixture.maxAge)
        if let parsed {
            #expect(parsed.includesSubdomains == fixture.includesSubdomains)
            #expect(parsed.preload == fixture.preload)
        }
    }

    @Test func preloadRulesNameWhatIsMissing() throws {
        #expect(try StrictTransportSecurity(parsing: "max-age=31536000; includeSubDomains; preload").meetsPreloadHeaderRules)
        let short = try StrictTransportSecurity(parsing: "max-age=15768000")
        #expect(short.preloadHeaderProblems.count == 3)
        #expect(short.preloadHeaderProblems.first?.contains("one year") == true)
        #expect(StrictTransportSecurity.describe(seconds: 63_072_000) == "2 years")
        #expect(StrictTransportSecurity.describe(seconds: 15_552_000) == "180 days")
        #expect(StrictTransportSecurity.describe(seconds: 300) == "300 seconds")
    }

    @Test(arguments: [
        ("id=1; Secure; HttpOnly; SameSite=Strict", "id", true, true, "Strict"),
        ("id=1", "id", false, false, nil),
        ("a=b=c; path=/; secure", "a", true, false, nil),
        ("  sid = x ; SAMESITE=None; httponly", "sid", false, true, "None"),
        ("sid=; SameSite", "sid", false, false, ""),
    ] as [(String, String, Bool, Bool, String?)])
    func parsesSetCookie(_ value: String, _ name: String, _ secure: Bool, _ httpOnly: Bool, _ sameSite: String?) throws {
        let cookie = try #require(SetCookie(parsing: value))
        #expect(cookie.name == name)
        #expect(cookie.secure == secure)
        #expect(cookie.httpOnly == httpOnly)
        #expect(cookie.sameSite == sameSite)
    }

    @Test(arguments: ["", "novalue", "=x; Secure", "; Secure"])
    func refusesSetCookieWithoutAName(_ value: String) {
        #expect(SetCookie(parsing: value) == nil)
    }

    @Test func headerDiffSortsFieldsIntoSameDifferentAndOneSided() {
        let http = HeaderFields([
            HeaderField(name: "Server", value: "nginx"), HeaderField(name: "Date", value: "Mon"),
            HeaderField(name: "X-Only-Plain", value: "1"), HeaderField(name: "Vary", value: "a"), HeaderField(name: "Vary", value: "b"),
            HeaderField(name: "Set-Cookie", value: "sid=secret; Path=/"),
        ])
        let https = HeaderFields([
            HeaderField(name: "server", value: "nginx"), HeaderField(name: "Date", value: "Tue"),
            HeaderField(name: "Vary", value: "a"), HeaderField(name: "X-Frame-Options", value: "DENY"),
            HeaderField(name: "Set-Cookie", value: "sid=other; Path=/"),
        ])
        let diff = HeaderDiff(http: http, https: https)
        #expect(diff["Server"]?.state == .same)
        #expect(diff["date"]?.state == .different)
        #expect(diff["Date"]?.differs == false, "Date varies by nature")
        #expect(diff["X-Only-Plain"]?.state == .onlyHTTP)
        #expect(diff["X-Frame-Options"]?.state == .onlyHTTPS)
        #expect(diff["X-Frame-Options"]?.isSecurityField == true)
        #expect(diff["Vary"]?.state == .different)
        #expect(diff["Set-Cookie"]?.http == ["sid=…; Path=/"])
        #expect(diff["Set-Cookie"]?.state == .same, "values are redacted before comparing")
        #expect(diff.differences.map(\.name) == ["X-Only-Plain", "Vary", "X-Frame-Options"])
    }

    @Test(arguments: [
        ("example.org", "example.org", "/", 80, 443),
        ("http://Example.ORG/a?b", "example.org", "/a?b", 80, 443),
        ("https://example.org:8443/x", "example.org", "/x", 80, 8443),
        ("http://example.org:8080", "example.org", "/", 8080, 443),
        ("[::1]:81/p", "::1", "/p", 81, 443),
    ] as [(String, String, String, Int, Int)])
    func parsesTargets(_ text: String, _ host: String, _ path: String, _ httpPort: Int, _ httpsPort: Int) throws {
        let target = try CompareTarget(parsing: text)
        #expect(target.host == host)
        #expect(target.target == path)
        #expect(target.httpPort == httpPort)
        #expect(target.httpsPort == httpsPort)
        let overridden = try CompareTarget(parsing: text, httpPort: 1080, httpsPort: 1443)
        #expect(overridden.httpURL.description == "http://\(overridden.httpURL.bracketedHost):1080\(path)")
        #expect(overridden.httpsURL.port == 1443)
    }

    @Test func targetsRefuseOtherSchemesAndCredentials() {
        #expect(throws: PorterError(.unsupportedScheme, "")) { try CompareTarget(parsing: "ftp://example.org/") }
        #expect(throws: PorterError(.invalidURL, "")) { try CompareTarget(parsing: "http://user:pw@example.org/") }
    }

    @Test func sha256MatchesKnownDigests() {
        func digest(_ pieces: [[UInt8]]) -> String {
            let sha = SHA256Digest()
            for piece in pieces { piece.withUnsafeBytes { sha.update($0) } }
            return sha.finish()
        }
        #expect(digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest([Array("abc".utf8)]) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest([Array("a".utf8), [], Array("bc".utf8)]) == digest([Array("abc".utf8)]))
    }

    @Test func addressOverridesConnectToTheGivenAddress() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        defer { server.stop() }
        var options = RequestOptions(connectTimeout: .seconds(5))
        options.addressOverrides = ["porter-override.invalid:\(server.port)": [try #require(SocketAddress(numericHost: "127.0.0.1", port: server.port))]]
        let request = HTTPRequest(method: .get, scheme: "http", authority: "porter-override.invalid:\(server.port)", path: "/")
        let (response, body) = try await HTTPClient().data(for: request, options: options)
        #expect(response.status.code == 200)
        #expect(body == Array("ok".utf8))
        // Without the override the name does not resolve (.invalid is reserved, RFC 2606).
        await #expect(throws: PorterError(.cannotResolveHost, "")) {
            _ = try await HTTPClient().data(for: request, options: RequestOptions(connectTimeout: .seconds(5)))
        }
    }
}
