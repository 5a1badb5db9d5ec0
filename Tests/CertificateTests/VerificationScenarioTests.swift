import PorterCore
import PorterTestSupport
import Testing

/// One verification of the throwaway PKI and what it must conclude.
struct VerificationScenario: Sendable, CustomStringConvertible {
    let name: String
    let leaf: String
    let intermediates: [String]
    let anchors: [String]
    let peer: CertificateVerifier.PeerName?
    /// The verdict's problem code, or nil for OK.
    let expected: CertificateProblem.Code?
    /// Words the verdict's explanation must contain.
    let keywords: [String]

    init(
        _ name: String, leaf: String, intermediates: [String] = ["intermediate"], anchors: [String] = ["root"],
        peer: CertificateVerifier.PeerName? = .dnsName("www.example.com"),
        expected: CertificateProblem.Code?, keywords: [String] = []
    ) {
        self.name = name
        self.leaf = leaf
        self.intermediates = intermediates
        self.anchors = anchors
        self.peer = peer
        self.expected = expected
        self.keywords = keywords
    }

    var description: String { name }

    static let all: [VerificationScenario] = [
        VerificationScenario("good chain", leaf: "good", expected: nil),
        VerificationScenario("good chain, no name checked", leaf: "good", peer: nil, expected: nil),
        VerificationScenario("IP SAN match", leaf: "good", peer: .ipAddress("127.0.0.1"), expected: nil),
        VerificationScenario(
            "IP SAN mismatch", leaf: "good", peer: .ipAddress("192.0.2.11"), expected: .hostnameMismatch,
            keywords: ["not valid for 192.0.2.11", "IP:127.0.0.1"]),
        VerificationScenario(
            "wrong host", leaf: "good", peer: .dnsName("other.example.org"), expected: .hostnameMismatch,
            keywords: ["CN=www.example.com", "not valid for other.example.org", "DNS:www.example.com, DNS:example.com, IP:127.0.0.1"]),
        VerificationScenario(
            "expired", leaf: "expired", expected: .expired,
            keywords: ["the leaf certificate CN=www.example.com expired", "days ago", "2020-12-31T23:59:59Z", "renew"]),
        VerificationScenario(
            "not yet valid", leaf: "notYetValid", expected: .notYetValid,
            keywords: ["not valid yet", "2099-01-01T00:00:00Z", "clock"]),
        VerificationScenario(
            "self-signed leaf", leaf: "selfSigned", intermediates: [], peer: .dnsName("self.example.com"), expected: .selfSignedLeaf,
            keywords: ["CN=self.example.com", "self-signed", "not a trust anchor"]),
        VerificationScenario(
            "untrusted root", leaf: "good", intermediates: ["intermediate", "root"], anchors: ["otherRoot"], expected: .untrustedRoot,
            keywords: ["root CN=Scenario Root CA", "not a trust anchor"]),
        VerificationScenario(
            "incomplete chain", leaf: "good", intermediates: [], expected: .incompleteChain,
            keywords: ["did not send the intermediate CN=Scenario Intermediate CA", "the leaf certificate CN=www.example.com"]),
        VerificationScenario(
            "SHA-1 signature", leaf: "sha1", expected: .weakSignatureAlgorithm,
            keywords: ["ecdsa-with-SHA1", "SHA-1", "SHA-256"]),
        VerificationScenario(
            "RSA-1024 leaf", leaf: "rsa1024", expected: .weakKey,
            keywords: ["RSA 1024 bits", "2048"]),
        VerificationScenario("wildcard match", leaf: "wildcard", peer: .dnsName("www.example.com"), expected: nil),
        VerificationScenario(
            "wildcard does not cover the bare domain", leaf: "wildcard", peer: .dnsName("example.com"), expected: .hostnameMismatch,
            keywords: ["not valid for example.com", "DNS:*.example.com"]),
        VerificationScenario(
            "wildcard covers one label only", leaf: "wildcard", peer: .dnsName("a.b.example.com"), expected: .hostnameMismatch,
            keywords: ["not valid for a.b.example.com", "DNS:*.example.com"]),
        VerificationScenario(
            "name constraints violated", leaf: "outside", intermediates: ["constrained"], peer: .dnsName("www.example.org"),
            expected: .nameConstraintsViolated,
            keywords: ["CN=www.example.org", "CN=Scenario Constrained CA"]),
        VerificationScenario(
            "client-only extended key usage", leaf: "clientOnly", expected: .wrongExtendedKeyUsage,
            keywords: ["clientAuth", "serverAuth", "not for TLS servers"]),
    ]
}

@Suite("CertificateVerifier scenarios")
struct VerificationScenarioTests {
    @Test(arguments: VerificationScenario.all)
    func verdict(_ scenario: VerificationScenario) throws {
        let pki = try ScenarioPKI.shared
        let verifier = CertificateVerifier(
            trustAnchors: try scenario.anchors.map(pki.certificate),
            intermediates: try scenario.intermediates.map(pki.certificate),
            peerName: scenario.peer)
        let report = verifier.verify(leaf: try pki.certificate(scenario.leaf))
        switch (report.verdict, scenario.expected) {
        case (.ok, nil):
            #expect(report.explanation == "OK")
            #expect(report.verifiedChain?.first == (try pki.certificate(scenario.leaf)))
            #expect(report.endsInTrustAnchor)
        case (.failed(let problem), let expected?):
            #expect(problem.code == expected, "\(problem.explanation)")
            for keyword in scenario.keywords {
                #expect(problem.explanation.contains(keyword), "\(keyword) not in: \(problem.explanation)")
            }
            #expect(report.verifiedChain == nil)
        case (.ok, let expected?):
            Issue.record("expected \(expected), got OK")
        case (.failed(let problem), nil):
            Issue.record("expected OK, got \(problem.code): \(problem.explanation); all: \(report.problems)")
        }
    }

    @Test func goodChainIsBuiltLeafToRoot() throws {
        let pki = try ScenarioPKI.shared
        let verifier = CertificateVerifier(trustAnchors: [try pki.certificate("root")], intermediates: [try pki.certificate("intermediate")])
        let report = verifier.verify(leaf: try pki.certificate("good"))
        #expect(report.chain.map(\.subject) == ["CN=www.example.com", "CN=Scenario Intermediate CA", "CN=Scenario Root CA"])
        #expect(report.problems.isEmpty)
    }

    @Test func everyProblemIsReportedWithItsCertificate() throws {
        let pki = try ScenarioPKI.shared
        // Expired, and not valid for the name: both are reported, in OpenSSL's order.
        let verifier = CertificateVerifier(
            trustAnchors: [try pki.certificate("root")], intermediates: [try pki.certificate("intermediate")],
            peerName: .dnsName("nowhere.example.net"))
        let report = verifier.verify(leaf: try pki.certificate("expired"))
        let codes = Set(report.problems.map(\.code))
        #expect(codes == [.expired, .hostnameMismatch], "\(report.problems)")
        #expect(report.problems.allSatisfy { $0.certificateIndex == 0 && $0.subject == "CN=www.example.com" })
    }

    @Test func validationTimeMovesTheVerdict() throws {
        let pki = try ScenarioPKI.shared
        var verifier = CertificateVerifier(
            trustAnchors: [try pki.certificate("root")], intermediates: [try pki.certificate("intermediate")],
            peerName: .dnsName("www.example.com"), validationTime: CertificateTime(iso8601: "2020-06-01T00:00:00Z"))
        #expect(verifier.verify(leaf: try pki.certificate("expired")).isValid)
        verifier.validationTime = CertificateTime(iso8601: "2021-01-31T00:00:00Z")
        let report = verifier.verify(leaf: try pki.certificate("expired"))
        #expect(report.problems.first?.code == .expired)
        #expect(report.explanation.contains("30 days before the validation time 2021-01-31T00:00:00Z"), "\(report.explanation)")
    }

    @Test func maximumDepthZeroRefusesAnIntermediate() throws {
        let pki = try ScenarioPKI.shared
        let verifier = CertificateVerifier(
            trustAnchors: [try pki.certificate("root")], intermediates: [try pki.certificate("intermediate")], maximumDepth: 0)
        let report = verifier.verify(leaf: try pki.certificate("good"))
        #expect(report.problems.first?.code == .pathTooLong, "\(report.problems)")
    }
}
