import Testing
import PorterCore
@testable import PorterTools

/// The rules of `porter compare` on made-up sides: which findings, at
/// which severity, for each kind of redirect chain, HSTS header and cookie.
@Suite("Compare rules")
struct CompareRulesTests {
    static let target = try! CompareTarget(parsing: "example.org")
    static let goodHTTPS: [(String, String)] = [
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
        ("Content-Security-Policy", "default-src 'self'"), ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("Permissions-Policy", "camera=()"),
    ]

    static func hop(_ url: String, _ status: Int, location: String? = nil, _ fields: [(String, String)] = []) -> ProbeHop {
        let parsed = try! HTTPURL(parsing: url)
        var all = fields
        if let location { all.append(("Location", location)) }
        return ProbeHop(
            url: parsed, status: status, reason: "", fields: HeaderFields(all.map { HeaderField(name: $0.0, value: $0.1) }),
            location: location, next: location.flatMap { try? parsed.resolving($0) },
            remoteAddress: SocketAddress(numericHost: "192.0.2.1", port: parsed.port)!, tlsSession: nil,
            timing: HopTiming(reusedConnection: false, nameLookup: .zero, connect: .zero, tlsHandshake: nil, firstByte: .zero, total: .zero))
    }

    static func side(_ scheme: String, _ hops: [ProbeHop], chainBreak: SideResult.ChainBreak? = nil, problem: SideResult.Problem? = nil) -> SideResult {
        SideResult(
            scheme: scheme, startURL: try! HTTPURL(parsing: "\(scheme)://example.org/"), problem: problem, hops: hops,
            chainBreak: chainBreak, body: hops.last?.next == nil && chainBreak == nil ? .init(size: 2, sha256: "ab") : nil,
            tls: nil, fetchedWithoutVerification: false, totalTime: .zero)
    }

    static func findings(http: [ProbeHop], https: [ProbeHop] = [hop("https://example.org/", 200, goodHTTPS)], httpBreak: SideResult.ChainBreak? = nil) -> [String: FindingSeverity] {
        let comparison = Comparison(address: nil, target: target, http: side("http", http, chainBreak: httpBreak), https: side("https", https))
        return Dictionary(comparison.findings.map { ($0.code, $0.severity) }, uniquingKeysWith: max)
    }

    static func problems(_ findings: [String: FindingSeverity]) -> [String: FindingSeverity] {
        findings.filter { $0.value >= .warning }
    }

    @Test(arguments: [301, 308])
    func permanentRedirectToTheSameHostPasses(_ status: Int) {
        let findings = Self.findings(http: [
            Self.hop("http://example.org/", status, location: "https://example.org/"), Self.hop("https://example.org/", 200, Self.goodHTTPS),
        ])
        #expect(Self.problems(findings).isEmpty, "\(findings)")
        #expect(findings["redirects.ok"] == .pass)
        #expect(findings["hsts.preloadReady"] == .pass)
        #expect(findings["headers.security"] == .pass)
        #expect(findings["content.identical"] == .pass)
    }

    @Test(arguments: [302, 303, 307])
    func temporaryRedirectIsAWarning(_ status: Int) {
        let findings = Self.findings(http: [Self.hop("http://example.org/", status, location: "https://example.org/"), Self.hop("https://example.org/", 200, Self.goodHTTPS)])
        #expect(Self.problems(findings) == ["redirects.temporary": .warning])
    }

    @Test func firstHopToPlainHTTPThenHTTPSIsAWarning() {
        let findings = Self.findings(http: [
            Self.hop("http://example.org/", 301, location: "http://www.example.org/"),
            Self.hop("http://www.example.org/", 301, location: "https://www.example.org/"),
            Self.hop("https://www.example.org/", 200, Self.goodHTTPS),
        ])
        #expect(findings["redirects.firstHopNotHTTPS"] == .warning)
        #expect(findings["hsts.preloadNotEligible"] == .warning)
        #expect(findings["redirects.ok"] == nil)
    }

    @Test func redirectsThatNeverReachHTTPSFail() {
        let findings = Self.findings(http: [Self.hop("http://example.org/", 301, location: "/home"), Self.hop("http://example.org/home", 200)])
        #expect(findings["redirects.neverHTTPS"] == .failure)
    }

    @Test func redirectBackToPlainHTTPFails() {
        let findings = Self.findings(
            http: [Self.hop("http://example.org/", 301, location: "https://example.org/"), Self.hop("https://example.org/", 200, Self.goodHTTPS)],
            https: [Self.hop("https://example.org/", 301, location: "http://example.org/x", Self.goodHTTPS), Self.hop("http://example.org/x", 200)])
        #expect(findings["redirects.downgrade"] == .failure)
    }

    @Test func brokenChainsFail() {
        let first = Self.hop("http://example.org/", 301, location: "https://example.org/")
        #expect(Self.findings(http: [first], httpBreak: .loop(try! HTTPURL(parsing: "http://example.org/")))["redirects.loop"] == .failure)
        #expect(Self.findings(http: [first], httpBreak: .tooManyRedirects(limit: 1))["redirects.tooMany"] == .failure)
        #expect(Self.findings(http: [Self.hop("http://example.org/", 301, location: "http://[x")], httpBreak: .invalidLocation("bad"))["redirects.invalidLocation"] == .failure)
    }

    @Test(arguments: [
        ("max-age=0", "hsts.maxAgeZero", FindingSeverity.failure),
        ("max-age=86400; includeSubDomains; preload", "hsts.maxAgeTooShort", .failure),
        ("max-age=20000000; includeSubDomains; preload", "hsts.maxAgeShort", .warning),
        ("max-age=20000000; includeSubDomains; preload", "hsts.preloadNotEligible", .warning),
        ("max-age=31536000", "hsts.noIncludeSubDomains", .info),
        ("max-age=31536000", "hsts.notPreloadReady", .info),
        ("max-age=31536000", "hsts.ok", .pass),
        ("includeSubDomains", "hsts.invalid", .failure),
    ])
    func hstsVerdicts(_ value: String, _ code: String, _ severity: FindingSeverity) {
        let headers = Self.goodHTTPS.filter { $0.0 != "Strict-Transport-Security" } + [("Strict-Transport-Security", value)]
        let findings = Self.findings(
            http: [Self.hop("http://example.org/", 301, location: "https://example.org/"), Self.hop("https://example.org/", 200, headers)],
            https: [Self.hop("https://example.org/", 200, headers)])
        #expect(findings[code] == severity, "\(findings)")
    }

    @Test func unreachableHTTPSIsNotJudgedForHSTS() {
        let comparison = Comparison(
            address: nil, target: Self.target, http: Self.side("http", [Self.hop("http://example.org/", 200)]),
            https: Self.side("https", [], problem: .init(kind: .refused, errorCode: "cannotConnect", message: "Connection refused")))
        let codes = Dictionary(comparison.findings.map { ($0.code, $0.severity) }, uniquingKeysWith: max)
        #expect(codes["reachability.refused"] == .unreachable)
        #expect(codes["hsts.missing"] == nil)
        #expect(comparison.severity == .unreachable)
    }

    @Test(arguments: [
        ([("X-Frame-Options", "ALLOW-FROM https://a.example")], "headers.frameOptions", FindingSeverity.warning),
        ([("X-Content-Type-Options", "sniff")], "headers.contentTypeOptions", .warning),
        ([("Referrer-Policy", "unsafe-url")], "headers.referrerPolicy", .warning),
    ] as [([(String, String)], String, FindingSeverity)])
    func securityHeaderValuesAreChecked(_ replaced: [(String, String)], _ code: String, _ severity: FindingSeverity) {
        let names = Set(replaced.map { $0.0 })
        let fields = HeaderFields((Self.goodHTTPS.filter { !names.contains($0.0) } + replaced).map { HeaderField(name: $0.0, value: $0.1) })
        let findings = ComparisonRules.securityHeaderFindings(fields)
        #expect(findings.first { $0.code == code }?.severity == severity, "\(findings)")
    }

    @Test func frameAncestorsStandsInForXFrameOptions() {
        let fields = HeaderFields((Self.goodHTTPS.filter { $0.0 != "X-Frame-Options" && $0.0 != "Content-Security-Policy" }
            + [("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")]).map { HeaderField(name: $0.0, value: $0.1) })
        #expect(ComparisonRules.securityHeaderFindings(fields).map(\.code) == ["headers.security"])
    }

    @Test func cookieVerdicts() {
        let https = [Self.hop("https://example.org/", 200, Self.goodHTTPS + [
            ("Set-Cookie", "a=1; Secure; HttpOnly; SameSite=Lax"), ("Set-Cookie", "b=1; HttpOnly; SameSite=None"),
            ("Set-Cookie", "c=1; Secure"),
        ])]
        let http = [Self.hop("http://example.org/", 301, location: "https://example.org/", [("Set-Cookie", "d=1; Secure")])]
        let comparison = Comparison(address: nil, target: Self.target, http: Self.side("http", http, chainBreak: nil), https: Self.side("https", https))
        let found = Set(comparison.findings.filter { $0.section == .cookies }.map { "\($0.code) \($0.message.split(separator: " ")[1])" })
        #expect(found == ["cookies.notSecure b", "cookies.notHttpOnly c", "cookies.noSameSite c", "cookies.overHTTP d"])
        #expect(comparison.cookies.first { $0.cookie.name == "d" }?.problems.first?.contains("browsers refuse") == true)
        #expect(comparison.cookies.first { $0.cookie.name == "a" }?.problems == [])
    }
}
