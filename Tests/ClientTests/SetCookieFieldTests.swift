import Testing
import PorterCore

/// The one `Set-Cookie` syntax reader (RFC 6265 §5.2) that the cookie jar and `porter compare` share.
@Suite("Set-Cookie fields")
struct SetCookieFieldTests {
    @Test func splitsNameValueAndAttributesInOrder() throws {
        let field = try #require(SetCookieField(parsing: " sid = a=b ; Path=/x; Secure;HttpOnly; SameSite=Lax; samesite=Strict"))
        #expect(field.name == "sid")
        #expect(field.value == "a=b")
        #expect(field.attributes.map(\.name) == ["path", "secure", "httponly", "samesite", "samesite"])
        #expect(field.has("secure") && field.has("httponly") && !field.has("domain"))
        // RFC 6265 §5.3: the last attribute of a name wins.
        #expect(field.value(of: "samesite") == "Strict")
        #expect(field.value(of: "secure") == "")
        #expect(field.value(of: "max-age") == nil)
    }

    @Test(arguments: ["novalue", "=value", " =value; Secure", ""])
    func refusesAFieldWithoutANamedPair(_ text: String) {
        #expect(SetCookieField(parsing: text) == nil)
    }
}
