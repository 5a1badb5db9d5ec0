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

    // MARK: - SOCKS

    /// Dante relays plain and TLS requests for SOCKS 4, 5 and 5h, named by `-x` or by
    /// `--socks4`/`--socks5`/`--socks5-hostname`; the origin sees an ordinary request.
    @Test func socksProxiesTunnelPlainAndTLSRequests() async throws {
        let certificates = try TestCertificates.shared
        let proxy = try SOCKSServer()
        let plain = try Self.origin("http")
        let secure = try Self.origin("https")
        let cases: [[String]] = [
            ["-x", proxy.url(scheme: "socks4"), plain.url("/four")],
            ["-x", proxy.url(scheme: "socks5"), plain.url("/five")],
            ["-x", proxy.url(scheme: "socks5h"), "http://localhost:\(plain.port)/five-h"],
            ["--socks4", "127.0.0.1:\(proxy.port)", "http://localhost:\(plain.port)/four-option"],
            ["--socks5-hostname", "127.0.0.1:\(proxy.port)", "http://localhost:\(plain.port)/five-h-option"],
            ["-x", proxy.url(scheme: "socks5h"), "--cacert", certificates.caCertificatePath, "https://localhost:\(secure.port)/tls"],
            ["--socks5", "127.0.0.1:\(proxy.port)", "--cacert", certificates.caCertificatePath, "https://localhost:\(secure.port)/tls-five"],
        ]
        for arguments in cases {
            let result = try await PorterProcess.run(["-sS"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr) \(proxy.log)")
            #expect(result.stdoutText == "origin", "\(arguments)")
        }
        #expect(plain.requestHeads.map { $0.split(separator: "\r\n")[0] } == [
            "GET /four HTTP/1.1", "GET /five HTTP/1.1", "GET /five-h HTTP/1.1", "GET /four-option HTTP/1.1", "GET /five-h-option HTTP/1.1",
        ])
        #expect(secure.requestHeads.map { $0.split(separator: "\r\n")[0] } == ["GET /tls HTTP/1.1", "GET /tls-five HTTP/1.1"])
        // -v names the tunnel.
        let verbose = try await PorterProcess.run(["-v", "-o", "/dev/null", "-x", proxy.url(scheme: "socks5h"), plain.url("/")])
        #expect(verbose.stderr.contains("* SOCKS tunnel through socks5h://127.0.0.1:\(proxy.port) to 127.0.0.1:\(plain.port) granted"))
    }

    /// microsocks wants RFC 1929 credentials: none or wrong ones are curl's exit 97 with the
    /// proxy's reason; right ones, in the URL or with `-U`, go through.
    @Test func socks5CredentialsAreSentAndRefusalsExplained() async throws {
        let proxy = try SOCKSServer(credentials: "alice:s3cret")
        let origin = try Self.origin("http")
        let none = try await PorterProcess.run(["-sS", "-x", proxy.url(), origin.url("/")])
        #expect(none.status == 97)
        #expect(none.stderr.contains("accepts none of the offered authentication methods"))
        let wrong = try await PorterProcess.run(["-sS", "-x", proxy.url(credentials: "alice:wrong"), origin.url("/")])
        #expect(wrong.status == 97)
        #expect(wrong.stderr.contains("rejected the user name and password"))
        #expect(!wrong.stderr.contains("wrong"))
        let inURL = try await PorterProcess.run(["-sS", "-x", proxy.url(credentials: "alice:s3cret"), origin.url("/")])
        #expect(inURL.status == 0, "\(inURL.stderr)")
        #expect(inURL.stdoutText == "origin")
        let withOption = try await PorterProcess.run(["-sS", "-x", proxy.url(scheme: "socks5h"), "-U", "alice:s3cret", origin.url("/")])
        #expect(withOption.status == 0, "\(withOption.stderr)")
    }

    /// Dante does not speak SOCKS 4a and answers 91; a SOCKS 4 proxy cannot carry IPv6.
    @Test func socksRefusalsAreReported() async throws {
        let proxy = try SOCKSServer()
        let refused = try await PorterProcess.run(["-sS", "-x", proxy.url(scheme: "socks4a"), "http://localhost:1/"])
        #expect(refused.status == 97)
        #expect(refused.stderr.contains("rejected or failed the request (91)"))
        let ipv6 = try await PorterProcess.run(["-sS", "-x", proxy.url(scheme: "socks4"), "http://[::1]:1/"])
        #expect(ipv6.status == 97 || ipv6.status == 6, "\(ipv6.stderr)")
        #expect(ipv6.stderr.contains("IPv4"))
        let literal = try await PorterProcess.run(["-sS", "-x", proxy.url(scheme: "socks4"), "http://[::1]:1/"])
        #expect(literal.status == 97, "\(literal.stderr)")
        // A bare socks:// is SOCKS 4, as in curl.
        let bare = try await PorterProcess.run(["-sS", "-o", "/dev/null", "-x", proxy.url(scheme: "socks"), "http://127.0.0.1:\(try RefusingPort().port)/"])
        #expect(bare.status == 97, "\(bare.stderr)")
        let scheme = try await PorterProcess.run(["-sS", "-x", "socks6://127.0.0.1:1", "http://localhost:1/"])
        #expect(scheme.status == 2)
        #expect(scheme.stderr.contains("unsupported proxy scheme \"socks6\""))
    }

    // MARK: - HTTPS proxies and tunnels

    /// stunnel terminates TLS in front of tinyproxy: an `https://` proxy. An https request is
    /// TLS inside TLS; a plain one goes in absolute form over TLS to the proxy. The proxy's
    /// certificate is checked with `--proxy-cacert`, or not with `--proxy-insecure`.
    @Test func httpsProxiesCarryTLSInsideTLS() async throws {
        let certificates = try TestCertificates.shared
        let tinyproxy = try TinyproxyServer()
        let front = try StunnelServer(certificateChainPath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath, forwardingTo: tinyproxy.port)
        let secure = try Self.origin("https")
        let plain = try Self.origin("http")
        let proxy = "https://localhost:\(front.port)"
        let tls = try await PorterProcess.run([
            "-sS", "-x", proxy, "--proxy-cacert", certificates.caCertificatePath, "--cacert", certificates.caCertificatePath,
            "https://localhost:\(secure.port)/inner",
        ])
        #expect(tls.status == 0, "\(tls.stderr) \(front.log)")
        #expect(tls.stdoutText == "origin")
        #expect(secure.requestHeads.first.map(Self.cameThroughProxy) == false)
        let absolute = try await PorterProcess.run(["-sS", "-x", proxy, "--proxy-cacert", certificates.caCertificatePath, plain.url("/plain")])
        #expect(absolute.status == 0, "\(absolute.stderr)")
        #expect(plain.requestHeads.first.map(Self.cameThroughProxy) == true)

        let untrusted = try await PorterProcess.run(["-sS", "-x", proxy, "--proxy-cacert", certificates.otherCACertificatePath, plain.url("/")])
        #expect(untrusted.status == 60, "\(untrusted.stderr)")
        // An origin certificate that does not verify, inside the proxy's TLS: 60 as well.
        let untrustedOrigin = try await PorterProcess.run([
            "-sS", "-x", proxy, "--proxy-cacert", certificates.caCertificatePath, "--cacert", certificates.otherCACertificatePath,
            "https://localhost:\(secure.port)/",
        ])
        #expect(untrustedOrigin.status == 60, "\(untrustedOrigin.stderr)")
        let insecure = try await PorterProcess.run(["-sS", "-x", proxy, "--proxy-insecure", plain.url("/")])
        #expect(insecure.status == 0, "\(insecure.stderr)")
        let verbose = try await PorterProcess.run(["-v", "-o", "/dev/null", "-x", proxy, "--proxy-cacert", certificates.caCertificatePath, plain.url("/")])
        #expect(verbose.stderr.contains("* TLS connection to the proxy localhost using TLSv1.3"))
    }

    /// `-p` sends even plain requests through CONNECT: tinyproxy adds no Via to a tunnel.
    @Test func proxytunnelTunnelsPlainRequests() async throws {
        let proxy = try TinyproxyServer()
        let origin = try Self.origin("http")
        let result = try await PorterProcess.run(["-sS", "-p", "-x", proxy.url(), origin.url("/tunnelled")])
        #expect(result.status == 0, "\(result.stderr)")
        let head = try #require(origin.requestHeads.first)
        #expect(head.hasPrefix("GET /tunnelled HTTP/1.1\r\n"))
        #expect(!Self.cameThroughProxy(head))
    }

    /// `--proxy-header` goes to the proxy only: on CONNECT without the `-H` fields, and on an
    /// absolute-form request beside them (as curl sends both lists there); `Name:` removes one.
    @Test func proxyHeadersGoToTheProxyOnly() async throws {
        let proxy = try ScriptedServer.respondingAlways(with: "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        let tunnel = try await PorterProcess.run([
            "-sS", "-x", proxy.url(), "--proxy-header", "X-To-Proxy: 1", "--proxy-header", "User-Agent:", "-H", "X-To-Origin: 2", "https://origin.invalid/",
        ])
        #expect(tunnel.status == 56)
        let connect = try #require(proxy.requestHeads.first)
        #expect(connect.hasPrefix("CONNECT origin.invalid:443 HTTP/1.1\r\n"))
        #expect(connect.contains("\r\nProxy-Connection: Keep-Alive\r\n"))
        #expect(connect.contains("\r\nX-To-Proxy: 1\r\n"))
        #expect(!connect.contains("X-To-Origin") && !connect.contains("User-Agent"))

        _ = try await PorterProcess.run(["-sS", "-x", proxy.url(), "--proxy-header", "X-To-Proxy: 1", "-H", "X-To-Origin: 2", "http://origin.invalid/"])
        // -A is the CONNECT's User-Agent too (curl 8); a Host proxy header replaces the default one.
        _ = try await PorterProcess.run(["-s", "-x", proxy.url(), "-A", "agent/1", "--proxy-header", "Host: other:1", "https://origin.invalid/"])
        let named = try #require(proxy.requestHeads.last)
        #expect(named.contains("\r\nUser-Agent: agent/1\r\n"))
        #expect(named.components(separatedBy: "\r\nHost: ").count == 2 && named.contains("\r\nHost: other:1\r\n"))

        _ = try await PorterProcess.run(["-sS", "-x", proxy.url(), "--proxy-header", "X-To-Proxy: 1", "-H", "X-To-Origin: 2", "http://origin.invalid/"])
        let absolute = try #require(proxy.requestHeads.last)
        #expect(absolute.hasPrefix("GET http://origin.invalid/ HTTP/1.1\r\n"))
        #expect(absolute.contains("\r\nX-To-Proxy: 1\r\n") && absolute.contains("\r\nX-To-Origin: 2\r\n"))
    }

    /// `--preproxy`: Dante (SOCKS 5) in front of tinyproxy; `--proxy1.0` asks for the tunnel in
    /// HTTP/1.0; `--suppress-connect-headers` keeps tinyproxy's answer out of `-i`.
    @Test func preproxyProxy10AndSuppressedConnectHeaders() async throws {
        let certificates = try TestCertificates.shared
        let socks = try SOCKSServer()
        let tinyproxy = try TinyproxyServer()
        let origin = try Self.origin("https")
        let url = "https://localhost:\(origin.port)/"
        let chained = try await PorterProcess.run([
            "-sS", "-i", "--preproxy", socks.url(scheme: "socks5"), "-x", tinyproxy.url(), "--cacert", certificates.caCertificatePath, url,
        ])
        #expect(chained.status == 0, "\(chained.stderr) \(socks.log)")
        #expect(chained.stdoutText.contains("200 Connection established"))
        #expect(chained.stdoutText.hasSuffix("origin"))
        let quiet = try await PorterProcess.run([
            "-sS", "-i", "--suppress-connect-headers", "-x", tinyproxy.url(), "--cacert", certificates.caCertificatePath, url,
        ])
        #expect(!quiet.stdoutText.contains("Connection established"))
        #expect(quiet.stdoutText.hasPrefix("HTTP/1.1 200 OK"))

        let recorder = try ScriptedServer.respondingAlways(with: "HTTP/1.0 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        _ = try await PorterProcess.run(["-s", "--proxy1.0", "127.0.0.1:\(recorder.port)", "https://origin.invalid/"])
        #expect(recorder.requestHeads.first?.hasPrefix("CONNECT origin.invalid:443 HTTP/1.0\r\n") == true)
    }
}
