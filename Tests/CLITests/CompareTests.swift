import Foundation
import PorterTestSupport
import Testing

/// `porter compare` against real nginx servers on loopback, each configured
/// for one scenario: every test checks the verdicts in the JSON and the exit
/// status (0 good, 3 warnings, 4 failures, 5 unreachable).
@Suite("porter compare against nginx")
struct CompareTests {
    /// The security headers the Observatory checks, so that a scenario shows only its own findings.
    static let securityHeaders = """
        add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;
        add_header Permissions-Policy "geolocation=()" always;
        """
    static let fullHSTS = #"add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;"#

    static let page = "<h1>porter compare</h1>\n"
    static let otherPage = "<h1>the plain port's own page</h1>\n"

    /// A finding from the JSON report.
    struct Finding: Hashable, CustomStringConvertible {
        var code: String
        var severity: String
        var side: String?
        var description: String { "\(severity) \(code)\(side.map { " [\($0)]" } ?? "")" }
    }

    /// One run of `porter compare --json` and what it said.
    struct Run {
        var result: ProcessResult
        var report: [String: Any]

        var comparison: [String: Any] { (report["comparisons"] as? [[String: Any]])?.first ?? [:] }
        var findings: [Finding] {
            (comparison["findings"] as? [[String: Any]] ?? []).map {
                Finding(code: $0["code"] as? String ?? "", severity: $0["severity"] as? String ?? "", side: $0["side"] as? String)
            }
        }
        var codes: Set<String> { Set(findings.map(\.code)) }
        func severity(of code: String) -> String? { findings.first { $0.code == code }?.severity }
        subscript(path: String...) -> Any? {
            var value: Any? = comparison
            for key in path { value = (value as? [String: Any])?[key] }
            return value
        }
        /// Findings at warning level or worse, for messages.
        var problems: [Finding] { findings.filter { ["warning", "failure", "unreachable"].contains($0.severity) } }
    }

    /// A server for one scenario, with its document root.
    final class Site: Sendable {
        let root: DocumentRoot
        let nginx: NginxServer
        let certificates: TestCertificates

        init(plain: @escaping @Sendable (_ tlsPort: Int) -> String, tls: @escaping @Sendable (_ plainPort: Int) -> String) throws {
            certificates = try TestCertificates.shared
            root = try DocumentRoot.make()
            try root.writeFile(named: "index.html", contents: CompareTests.page)
            try root.writeFile(named: "other.html", contents: CompareTests.otherPage)
            nginx = try NginxServer(documentRoot: root.path, certificates: certificates) { plainPort, tlsPort in
                .separate(plain: plain(tlsPort), tls: tls(plainPort))
            }
        }

        deinit {
            nginx.stop()
            try? root.remove()
        }

        /// Runs `porter compare --json` on `localhost`, resolved to 127.0.0.1 with `--resolve`.
        func compare(_ path: String = "/", httpPort: Int? = nil, httpsPort: Int? = nil, arguments: [String] = [], ca: String? = nil) async throws -> Run {
            let plain = httpPort ?? nginx.plainPort
            let tls = httpsPort ?? nginx.tlsPort
            return try await CompareTests.compare(
                ["--resolve", "localhost:\(plain):127.0.0.1", "--resolve", "localhost:\(tls):127.0.0.1",
                 "--http-port", "\(plain)", "--https-port", "\(tls)", "--cacert", ca ?? certificates.caCertificatePath]
                    + arguments + ["localhost\(path)"])
        }
    }

    static func compare(_ arguments: [String]) async throws -> Run {
        let result = try await PorterProcess.run(["compare", "--json", "--connect-timeout", "5", "-m", "10"] + arguments, timeout: .seconds(60))
        let object = try? JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        #expect(object != nil, "not JSON: \(result.stdoutText) \(result.stderr)")
        return Run(result: result, report: object ?? [:])
    }

    static func redirect(_ status: Int = 301, to host: String = "localhost", port: Int) -> String {
        "location / { return \(status) https://\(host):\(port)$request_uri; }"
    }

    // MARK: - Scenarios

    @Test func permanentRedirectAndFullHSTSIsAllGood() async throws {
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare()
        #expect(run.result.status == 0, "\(run.problems) \(run.result.stderr)")
        #expect(run.problems.isEmpty, "\(run.problems)")
        #expect(run.codes.isSuperset(of: ["redirects.ok", "hsts.ok", "hsts.preloadReady", "headers.security", "content.identical", "tls.ok"]))
        #expect(run.report["exitStatus"] as? Int == 0)
        #expect(run["hsts", "preloadReady"] as? Bool == true)
        #expect(run["hsts", "maxAge"] as? Int == 63_072_000)
        let hops = run["http", "hops"] as? [[String: Any]] ?? []
        #expect(hops.map { $0["status"] as? Int } == [301, 200])
        #expect(hops.first?["schemeChange"] as? Bool == true)
        #expect(hops.first?["hostChange"] as? Bool == false)
        #expect(hops.first?["next"] as? String == "https://localhost:\(site.nginx.tlsPort)/")
        #expect(run["content", "identical"] as? Bool == true)
        #expect(run["content", "https", "sha256"] as? String == (try TestData.sha256(fileAtPath: site.root.filePath("index.html"))))
        #expect(run["tls", "verified"] as? Bool == true)
        #expect(run["tls", "leafSubject"] as? String == "CN=localhost")
        #expect((run["tls", "daysLeft"] as? Int ?? 0) > 365)
        #expect(run["timing", "https", "tlsHandshakeMs"] is Double)
        #expect(run["timing", "http", "tlsHandshakeMs"] is NSNull)
    }

    @Test func plainHTTPServingContentIsAFailure() async throws {
        let site = try Site(plain: { _ in "" }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare()
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.severity(of: "redirects.missing") == "failure")
        #expect(run.severity(of: "headers.securityDiffers") == "warning")
        #expect(run.severity(of: "content.identical") == "pass")
        #expect(run.severity(of: "hsts.preloadNotEligible") == "warning")
    }

    @Test func firstHopToAnotherHostIsFlagged() async throws {
        let site = try Site(plain: { Self.redirect(to: "127.0.0.1", port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare()
        #expect(run.result.status == 3, "\(run.findings)")
        #expect(run.severity(of: "redirects.offHost") == "warning")
        #expect(run.severity(of: "hsts.preloadNotEligible") == "warning")
        #expect(!run.codes.contains("redirects.ok"))
        #expect((run["http", "hops"] as? [[String: Any]])?.first?["hostChange"] as? Bool == true)
    }

    @Test func temporaryRedirectIsAWarning() async throws {
        let site = try Site(plain: { Self.redirect(302, port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare()
        #expect(run.result.status == 3, "\(run.findings)")
        #expect(run.severity(of: "redirects.temporary") == "warning")
        #expect(run.problems.map(\.code) == ["redirects.temporary"])
        #expect((run["http", "hops"] as? [[String: Any]])?.first?["permanent"] as? Bool == false)
    }

    @Test(arguments: [(300, "hsts.maxAgeTooShort", "failure", Int32(4)), (20_000_000, "hsts.maxAgeShort", "warning", 3)])
    func shortHSTSMaxAge(_ maxAge: Int, _ code: String, _ severity: String, _ status: Int32) async throws {
        let site = try Site(
            plain: { Self.redirect(port: $0) },
            tls: { _ in Self.securityHeaders + #"add_header Strict-Transport-Security "max-age=\#(maxAge); includeSubDomains" always;"# })
        let run = try await site.compare()
        #expect(run.result.status == status, "\(run.findings)")
        #expect(run.severity(of: code) == severity)
        #expect(run.severity(of: "hsts.notPreloadReady") == "info")
        #expect(run["hsts", "maxAge"] as? Int == maxAge)
        #expect(run["hsts", "preloadReady"] as? Bool == false)
    }

    @Test func missingHSTSIsAFailure() async throws {
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders })
        let run = try await site.compare()
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.severity(of: "hsts.missing") == "failure")
        #expect(run["hsts", "present"] as? Bool == false)
    }

    @Test func hstsOverPlainHTTPIsIgnoredByBrowsers() async throws {
        // Served over HTTP without a redirect: the header protects nobody.
        let serving = try Site(plain: { _ in Self.fullHSTS }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await serving.compare()
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.severity(of: "hsts.sentOverHTTP") == "warning")
        #expect(run.severity(of: "redirects.missing") == "failure")
        #expect(run["hsts", "sentOverHTTP"] as? String == "max-age=63072000; includeSubDomains; preload")

        // Sent with the redirect: harmless, noted only.
        let redirecting = try Site(plain: { Self.fullHSTS + Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let noted = try await redirecting.compare()
        #expect(noted.result.status == 0, "\(noted.findings)")
        #expect(noted.severity(of: "hsts.sentOverHTTP") == "info")
    }

    @Test func differentContentAndBackEndsOnTheTwoPorts() async throws {
        let site = try Site(
            plain: { _ in #"index other.html; add_header Via "1.1 plain-proxy" always;"# },
            tls: { _ in Self.securityHeaders + Self.fullHSTS + #"add_header Via "1.1 tls-proxy" always;"# })
        let run = try await site.compare()
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.severity(of: "content.differs") == "warning")
        #expect(run.severity(of: "headers.backendDiffers") == "info")
        #expect(run["content", "identical"] as? Bool == false)
        #expect(run["content", "http", "size"] as? Int == Self.otherPage.utf8.count)
        #expect(run["content", "https", "size"] as? Int == Self.page.utf8.count)
        #expect((run["headers", "different"] as? [String])?.contains("Via") == true)
        #expect((run["headers", "onlyHTTPS"] as? [String])?.contains("Content-Security-Policy") == true)
    }

    @Test func cookieWithoutSecure() async throws {
        let site = try Site(
            plain: { Self.redirect(port: $0) },
            tls: { _ in Self.securityHeaders + Self.fullHSTS + #"add_header Set-Cookie "session=s3cr3t; Path=/; HttpOnly; SameSite=Lax" always;"# })
        let run = try await site.compare()
        #expect(run.result.status == 3, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "cookies.notSecure", severity: "warning", side: "https")))
        let cookies = run["cookies"] as? [[String: Any]] ?? []
        #expect(cookies.first?["name"] as? String == "session")
        #expect(cookies.first?["secure"] as? Bool == false)
        #expect(!run.result.stdoutText.contains("s3cr3t"), "cookie values stay out of the report")
    }

    @Test func cookieSetOverPlainHTTP() async throws {
        let site = try Site(
            plain: { #"add_header Set-Cookie "tracking=1; Secure; HttpOnly; SameSite=Lax" always; "# + Self.redirect(port: $0) },
            tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare()
        #expect(run.result.status == 3, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "cookies.overHTTP", severity: "warning", side: "http")))
    }

    @Test func tlsPortDownIsUnreachableAndHTTPIsStillShown() async throws {
        let closedPort = try {
            let server = try ScriptedServer { _ in }
            defer { server.stop() }
            return server.port
        }()
        let site = try Site(plain: { _ in Self.redirect(port: closedPort) }, tls: { _ in "" })
        let run = try await site.compare(httpsPort: closedPort)
        #expect(run.result.status == 5, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "reachability.refused", severity: "unreachable", side: "https")))
        #expect(run["https", "reached"] as? Bool == false)
        #expect(run["https", "problem", "kind"] as? String == "refused")
        #expect(run["http", "reached"] as? Bool == true)
        #expect((run["http", "hops"] as? [[String: Any]])?.first?["status"] as? Int == 301)
        #expect(run.severity(of: "redirects.hopFailed") == "failure")
    }

    @Test func plainPortThatNeverAnswersTimesOut() async throws {
        let silent = try ScriptedServer { connection in
            _ = try? connection.readRequest()
            usleep(3_000_000)
        }
        defer { silent.stop() }
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare(httpPort: silent.port, arguments: ["-m", "1"])
        #expect(run.result.status == 5, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "reachability.timedOut", severity: "unreachable", side: "http")))
        #expect(run["https", "reached"] as? Bool == true)
        #expect(run.severity(of: "hsts.ok") == "pass")
    }

    @Test func redirectLoopIsAFailure() async throws {
        let site = try Site(
            plain: { Self.redirect(port: $0) },
            tls: { _ in Self.securityHeaders + Self.fullHSTS + "location = /a { return 301 /b; } location = /b { return 301 /a; }" })
        let run = try await site.compare("/a")
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "redirects.loop", severity: "failure", side: "https")))
        #expect(run.findings.contains(Finding(code: "redirects.loop", severity: "failure", side: "http")))
        #expect(run["https", "chainBreak", "kind"] as? String == "loop")
        #expect(run["content", "https"] is NSNull)
    }

    @Test func chainLongerThanTheLimitIsAFailure() async throws {
        let site = try Site(
            plain: { Self.redirect(port: $0) },
            tls: { _ in Self.securityHeaders + Self.fullHSTS + "location = /1 { return 301 /2; } location = /2 { return 301 /3; } location = /3 { return 301 /; }" })
        let run = try await site.compare("/1", arguments: ["--max-redirs", "2"])
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "redirects.tooMany", severity: "failure", side: "https")))
    }

    @Test func plainHTTPOnTheTLSPortIsTheWrongProtocol() async throws {
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        // Both "sides" on nginx's plain port: the HTTPS side meets plain HTTP.
        let run = try await site.compare(httpsPort: site.nginx.plainPort)
        #expect(run.result.status == 5, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "reachability.wrongProtocol", severity: "unreachable", side: "https")))
        #expect(run["http", "reached"] as? Bool == true)
    }

    @Test func tlsOnThePlainPortIsTheWrongProtocol() async throws {
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        // nginx answers a plain request on its TLS port with a 400; a TLS handshake shows why.
        let run = try await site.compare(httpPort: site.nginx.tlsPort, httpsPort: site.nginx.tlsPort == 443 ? 444 : nil)
        #expect(run.result.status == 5, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "reachability.wrongProtocol", severity: "unreachable", side: "http")))
        #expect(run["https", "reached"] as? Bool == true)
    }

    @Test func tlsOnThePlainPortWithoutAnyHTTPAnswer() async throws {
        let certificates = try TestCertificates.shared
        let server = try ScriptedServer(security: .tls(certificates)) { connection in
            _ = try? connection.readRequest()
        }
        defer { server.stop() }
        let run = try await Self.compare([
            "--cacert", certificates.caCertificatePath, "--http-port", "\(server.port)", "--https-port", "\(server.port)",
            "--max-redirs", "0", "127.0.0.1",
        ])
        #expect(run.result.status == 5, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "reachability.wrongProtocol", severity: "unreachable", side: "http")))
    }

    @Test func certificateFailureIsAFindingAndTheRestIsStillCompared() async throws {
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let run = try await site.compare(ca: site.certificates.otherCACertificatePath)
        #expect(run.result.status == 4, "\(run.findings)")
        #expect(run.findings.contains(Finding(code: "tls.certificate", severity: "failure", side: "https")))
        #expect(run["tls", "verdict"] as? String == "invalid")
        #expect(run["tls", "leafSubject"] as? String == "CN=localhost")
        #expect(run["https", "fetchedWithoutVerification"] as? Bool == true)
        #expect(run.severity(of: "hsts.ok") == "pass")
        #expect(run["content", "identical"] as? Bool == true)
    }

    @Test func everyAddressIsComparedOnItsOwn() async throws {
        let site = try Site(plain: { Self.redirect(port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let addresses = site.nginx.listensOnIPv6 ? "127.0.0.1,[::1]" : "127.0.0.1"
        let run = try await Self.compare([
            "--resolve", "localhost:\(site.nginx.plainPort):\(addresses)", "--resolve", "localhost:\(site.nginx.tlsPort):\(addresses)",
            "--http-port", "\(site.nginx.plainPort)", "--https-port", "\(site.nginx.tlsPort)",
            "--cacert", site.certificates.caCertificatePath, "--all-addresses", "localhost",
        ])
        #expect(run.result.status == 0, "\(run.problems)")
        let comparisons = run.report["comparisons"] as? [[String: Any]] ?? []
        #expect(comparisons.compactMap { $0["address"] as? String } == (site.nginx.listensOnIPv6 ? ["127.0.0.1", "::1"] : ["127.0.0.1"]))
    }

    // MARK: - The table

    @Test func tableShowsBothSidesWithoutColourWhenNotATerminal() async throws {
        let site = try Site(plain: { Self.redirect(302, port: $0) }, tls: { _ in Self.securityHeaders + Self.fullHSTS })
        let result = try await PorterProcess.run([
            "compare", "--resolve", "localhost:\(site.nginx.plainPort):127.0.0.1", "--resolve", "localhost:\(site.nginx.tlsPort):127.0.0.1",
            "--http-port", "\(site.nginx.plainPort)", "--https-port", "\(site.nginx.tlsPort)", "--cacert", site.certificates.caCertificatePath,
            "localhost",
        ])
        #expect(result.status == 3)
        let text = result.stdoutText
        #expect(!text.contains("\u{1B}["), "no colour on a pipe")
        for expected in ["HTTP :\(site.nginx.plainPort)", "HTTPS :\(site.nginx.tlsPort)", "Redirects", "HSTS", "Headers", "TLS", "Findings",
                         "WARN", "redirects.temporary", "Verdict: warnings (exit 3)", "TLS handshake", "first byte"] {
            #expect(text.contains(expected), "missing \(expected) in\n\(text)")
        }
    }

    @Test(arguments: [
        (["compare"], "host-or-url"),
        (["compare", "--http-port", "0", "localhost"], "--http-port"),
        (["compare", "--resolve", "localhost:80", "localhost"], "resolve"),
        (["compare", "ftp://localhost/"], "not supported"),
    ])
    func usageErrorsExit2(_ arguments: [String], _ mention: String) async throws {
        let result = try await PorterProcess.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
    }
}
