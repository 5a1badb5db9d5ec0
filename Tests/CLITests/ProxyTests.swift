import PorterTestSupport
import Testing

/// Requests through a real HTTP proxy (tinyproxy) on loopback.
@Suite("porter through a proxy")
struct ProxyTests {
    static func origin(_ scheme: String) throws -> ScriptedServer {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\norigin"
        return try ScriptedServer.respondingAlways(with: response, security: scheme == "https" ? .tls(try TestCertificates.shared) : .plain)
    }

    /// Whether a request head carries tinyproxy's Via field.
    static func cameThroughProxy(_ head: String) -> Bool {
        head.lowercased().split(separator: "\r\n").contains { $0.hasPrefix("via:") && $0.contains("tinyproxy/") }
    }

    @Test func plainRequestsGoToTheProxyInAbsoluteForm() async throws {
        let proxy = try TinyproxyServer()
        let origin = try Self.origin("http")
        let result = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(), origin.url("/path?q=1")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "origin")
        let head = try #require(origin.requestHeads.first)
        // tinyproxy rewrites the absolute form to origin form and adds "Via: 1.1 HOST (tinyproxy/VERSION)".
        #expect(head.hasPrefix("GET /path?q=1 HTTP/1.1\r\n"))
        #expect(Self.cameThroughProxy(head))
    }

    @Test func httpsGoesThroughATunnelAndVerifiesTheOrigin() async throws {
        let certificates = try TestCertificates.shared
        let proxy = try TinyproxyServer()
        let origin = try Self.origin("https")
        let url = "https://localhost:\(origin.port)/"
        let result = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(), "--cacert", certificates.caCertificatePath, url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "origin")
        // The origin saw the request end to end, untouched by the proxy.
        #expect(origin.requestHeads.first.map(Self.cameThroughProxy) == false)

        let untrusted = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(), "--cacert", certificates.otherCACertificatePath, url])
        #expect(untrusted.status == 60)
    }

    @Test func aProxyAskingForCredentialsIsReportedAndCredentialsWork() async throws {
        let certificates = try TestCertificates.shared
        let proxy = try TinyproxyServer(credentials: "alice:secret")
        let origin = try Self.origin("https")
        let url = "https://localhost:\(origin.port)/"
        let refused = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(), "--cacert", certificates.caCertificatePath, url])
        #expect(refused.status == 56)
        #expect(refused.stderr.contains("407"))
        #expect(refused.stderr.contains("--proxy-user"))

        let accepted = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(), "--proxy-user", "alice:secret", "--cacert", certificates.caCertificatePath, url])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let inURL = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(credentials: "alice:secret"), "--cacert", certificates.caCertificatePath, url])
        #expect(inURL.status == 0, "\(inURL.stderr)")
    }

    @Test func proxyCredentialsNeverReachTheOrigin() async throws {
        let proxy = try TinyproxyServer(credentials: "alice:secret")
        let origin = try Self.origin("http")
        let result = try await PorterProcess.run(["-s", "-S", "-x", proxy.url(credentials: "alice:secret"), origin.url("/")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(origin.requestHeads.first?.lowercased().contains("proxy-authorization") == false)
        let verbose = try await PorterProcess.run(["-v", "-x", proxy.url(credentials: "alice:secret"), "https://localhost:1/"])
        #expect(!verbose.stderr.contains("secret"))
        #expect(!verbose.stderr.contains("YWxpY2U6c2VjcmV0"))
    }

    @Test func theEnvironmentNamesTheProxyAndNoProxyBypassesIt() async throws {
        let proxy = try TinyproxyServer()
        let origin = try Self.origin("http")
        let viaProxy = try await PorterProcess.run(["-s", origin.url("/")], environment: ["http_proxy": proxy.url()])
        #expect(viaProxy.status == 0)
        #expect(origin.requestHeads.last.map(Self.cameThroughProxy) == true)

        for noProxy in ["127.0.0.1", "127.0.0.0/8", "*", "example.com,127.0.0.1"] {
            let direct = try await PorterProcess.run(["-s", origin.url("/")], environment: ["http_proxy": proxy.url(), "no_proxy": noProxy])
            #expect(direct.status == 0)
            #expect(origin.requestHeads.last.map(Self.cameThroughProxy) == false, "no_proxy=\(noProxy)")
        }
        let flag = try await PorterProcess.run(["-s", "--noproxy", "*", origin.url("/")], environment: ["http_proxy": proxy.url()])
        #expect(flag.status == 0)
        #expect(origin.requestHeads.last.map(Self.cameThroughProxy) == false)
    }

    @Test func anUnreachableProxyIsNamed() async throws {
        let port = try {
            let server = try ScriptedServer.respondingAlways(with: "")
            defer { server.stop() }
            return server.port
        }()
        let result = try await PorterProcess.run(["-s", "-S", "-x", "http://127.0.0.1:\(port)", "http://localhost:1/"])
        #expect(result.status == 7)
        #expect(result.stderr.contains("proxy"))
    }
}
