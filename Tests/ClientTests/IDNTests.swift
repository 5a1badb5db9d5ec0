import Testing
@testable import PorterCore

/// Internationalized host names (IDNA 2008 through libidn2).
@Suite("IDN hosts")
struct IDNTests {
    @Test(arguments: [
        ("http://bücher.example/", "xn--bcher-kva.example"),
        ("http://BÜCHER.example/", "xn--bcher-kva.example"),
        ("https://пример.испытание/путь", "xn--e1afmkfd.xn--80akhbyknj4f"),
        ("http://xn--bcher-kva.example/", "xn--bcher-kva.example"),
        // A Cyrillic "а" among Latin letters: shown in its xn-- form, so the look-alike is visible.
        ("http://p\u{0430}ypal.com/", "xn--pypal-4ve.com"),
    ])
    func encodesHostsToTheirASCIIForm(_ text: String, _ host: String) throws {
        let url = try HTTPURL(parsing: text)
        #expect(url.host == host)
        #expect(url.description.contains(host))
    }

    @Test(arguments: [
        "http://a\u{200D}b.example/", "http://xn--zz-bad.example/", "http://\u{FFFD}.example/",
        // U+00A0 and U+3000 map to a space, U+FF0F to "/" (found by the URL fuzzer: "r\u{A0}hpcB").
        "r\u{A0}hpcB", "http://a\u{3000}b.example/", "http://a\u{FF0F}b.example/",
    ])
    func refusesInvalidNames(_ text: String) {
        #expect(throws: PorterError(.invalidURL, "")) { try HTTPURL(parsing: text) }
    }
}
