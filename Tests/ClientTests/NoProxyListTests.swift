import Testing
@testable import PorterCore

@Suite("no_proxy matching")
struct NoProxyListTests {
    @Test(arguments: [
        ("example.com", "http://example.com/", true),
        ("example.com", "http://www.example.com/", true),
        ("example.com", "http://notexample.com/", false),
        (".example.com", "http://a.b.example.com/", true),
        ("*", "http://anything/", true),
        ("10.0.0.0/8", "http://10.1.2.3/", true),
        ("10.0.0.0/8", "http://11.1.2.3/", false),
        ("192.168.1.0/25", "http://192.168.1.127/", true),
        ("192.168.1.0/25", "http://192.168.1.128/", false),
        ("::1/128", "http://[::1]/", true),
        ("fd00::/8", "http://[fd12::1]/", true),
        ("fd00::/8", "http://[fe80::1]/", false),
        ("127.0.0.1", "http://127.0.0.1:8080/", true),
        ("a.test, b.test", "http://b.test/", true),
        ("", "http://example.com/", false),
    ])
    func matches(_ list: String, _ url: String, _ expected: Bool) throws {
        #expect(NoProxyList(list).matches(try HTTPURL(parsing: url)) == expected)
    }

    @Test func readsTheEnvironmentAsCurlDoes() throws {
        let plain = try HTTPURL(parsing: "http://origin.test/")
        let secure = try HTTPURL(parsing: "https://origin.test/")
        #expect(ProxyConfiguration.fromEnvironment(for: plain, environment: ["http_proxy": "proxy:3128"])?.url.authority == "proxy:3128")
        // HTTP_PROXY in upper case is ignored: a CGI request's Proxy header can set it (httpoxy).
        #expect(ProxyConfiguration.fromEnvironment(for: plain, environment: ["HTTP_PROXY": "proxy:3128"]) == nil)
        #expect(ProxyConfiguration.fromEnvironment(for: secure, environment: ["HTTPS_PROXY": "proxy:3128"])?.url.port == 3128)
        #expect(ProxyConfiguration.fromEnvironment(for: secure, environment: ["all_proxy": "http://u:p%40ss@proxy:1"])?.credentials == "u:p@ss")
        #expect(ProxyConfiguration.fromEnvironment(for: plain, environment: ["http_proxy": "proxy:3128", "no_proxy": ".test"]) == nil)
    }
}
