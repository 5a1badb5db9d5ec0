import Testing
@testable import PorterCore

@Suite("HTTPURL")
struct HTTPURLTests {
    struct Parsed: Sendable, CustomTestStringConvertible {
        var text: String
        var scheme: String
        var host: String
        var port: Int
        var target: String
        var authority: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        Parsed(text: "http://example.com", scheme: "http", host: "example.com", port: 80, target: "/", authority: "example.com"),
        Parsed(text: "HTTPS://Example.COM:443/a?b=c#frag", scheme: "https", host: "example.com", port: 443, target: "/a?b=c", authority: "example.com"),
        Parsed(text: "example.com:8080/x", scheme: "http", host: "example.com", port: 8080, target: "/x", authority: "example.com:8080"),
        Parsed(text: "http://[::1]:8443/p", scheme: "http", host: "::1", port: 8443, target: "/p", authority: "[::1]:8443"),
        Parsed(text: "https://127.0.0.1/", scheme: "https", host: "127.0.0.1", port: 443, target: "/", authority: "127.0.0.1"),
        Parsed(text: "http://h/a/./b/../c", scheme: "http", host: "h", port: 80, target: "/a/c", authority: "h"),
        Parsed(text: "http://h/../../x?y=../z", scheme: "http", host: "h", port: 80, target: "/x?y=../z", authority: "h"),
        Parsed(text: "http://user:pw@h:81?q", scheme: "http", host: "h", port: 81, target: "/?q", authority: "h:81"),
    ])
    func parses(_ expected: Parsed) throws {
        let url = try HTTPURL(parsing: expected.text)
        #expect(url.scheme == expected.scheme)
        #expect(url.host == expected.host)
        #expect(url.port == expected.port)
        #expect(url.target == expected.target)
        #expect(url.authority == expected.authority)
    }

    @Test func keepsCredentialsOutOfTheDescription() throws {
        let url = try HTTPURL(parsing: "http://user:secret@h/")
        #expect(url.userInfo == "user:secret")
        #expect(!url.description.contains("secret"))
    }

    /// A slash followed by a combining mark is one Character but still the byte `/` on the
    /// wire: the target is taken byte by byte (found by the URL fuzzer).
    @Test(arguments: [
        ("h/\u{06DB}_h~t", "/\u{06DB}_h~t"),
        ("h/\u{06DB}/../x", "/x"),
        ("h/a/\u{301}/./b", "/a/\u{301}/b"),
    ])
    func splitsPathsOnSlashBytes(_ text: String, _ target: String) throws {
        let url = try HTTPURL(parsing: text)
        #expect(Array(url.target.utf8) == Array(target.utf8))
        #expect(try HTTPURL(parsing: url.description).target.utf8.elementsEqual(url.target.utf8))
    }

    @Test func keepsDotSegmentsWhenAsked() throws {
        let url = try HTTPURL(parsing: "http://h/a/../b", removingDotSegments: false)
        #expect(url.target == "/a/../b")
    }

    @Test(arguments: [
        ("http://exa mple.com/", "position 11"),
        ("http://host/a\r\nX: y", "position 14"),
        ("http://host:0/", "port"),
        ("http://host:99999/", "port"),
        ("http://host:12ab/", "port"),
        ("http://[::1/", "IPv6"),
        ("http://[zz::1]/", "IPv6"),
        ("http:///path", "no host"),
        ("http://ho<st/", "position 10"),
        ("", "empty"),
    ])
    func refusesMalformedURLs(_ text: String, _ mention: String) {
        #expect {
            try HTTPURL(parsing: text)
        } throws: { error in
            guard let error = error as? PorterError else { return false }
            return error.code == .invalidURL && error.reason.contains(mention)
        }
    }

    @Test(arguments: ["ftp://h/", "file:///etc/passwd", "gopher://h"])
    func refusesOtherSchemes(_ text: String) {
        #expect(throws: PorterError(.unsupportedScheme, "")) { try HTTPURL(parsing: text) }
    }

    @Test(arguments: [
        ("http://a/b/c/d;p?q", "g", "http://a/b/c/g"),
        ("http://a/b/c/d;p?q", "./g", "http://a/b/c/g"),
        ("http://a/b/c/d;p?q", "g/", "http://a/b/c/g/"),
        ("http://a/b/c/d;p?q", "/g", "http://a/g"),
        ("http://a/b/c/d;p?q", "//g", "http://g/"),
        ("http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y"),
        ("http://a/b/c/d;p?q", "g?y", "http://a/b/c/g?y"),
        ("http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q"),
        ("http://a/b/c/d;p?q", "..", "http://a/b/"),
        ("http://a/b/c/d;p?q", "../../g", "http://a/g"),
        ("http://a/b/c/d;p?q", "../../../g", "http://a/g"),
        ("http://a/b/c/d;p?q", "https://other:8443/x", "https://other:8443/x"),
        ("http://a/b", "/with space/ü", "http://a/with%20space/%C3%BC"),
    ])
    func resolvesReferences(_ base: String, _ reference: String, _ expected: String) throws {
        // RFC 3986 §5.4.1 examples, plus the encoding browsers and curl apply to redirects.
        let resolved = try HTTPURL(parsing: base).resolving(reference)
        #expect(resolved.description == expected)
    }

    @Test func refusesControlCharactersInRedirects() throws {
        let base = try HTTPURL(parsing: "http://a/")
        #expect(throws: PorterError(.invalidRedirect, "")) { try base.resolving("/x\r\nSet-Cookie: a=b") }
    }

    @Test func refusesRedirectsToOtherSchemes() throws {
        let base = try HTTPURL(parsing: "http://a/")
        #expect(throws: PorterError(.unsupportedScheme, "")) { try base.resolving("ftp://a/file") }
    }
}
