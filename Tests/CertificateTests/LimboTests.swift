import Foundation
import PorterCore
import PorterTestSupport
import Testing

// The x509-limbo path-validation cases (C2SP/x509-limbo, snapshot 8a2e6f4), replayed through
// CertificateVerifier. The corpus is kept in Tests/Corpora (or read from $PORTER_CORPUS_DIR); its
// README names its origin, describes the format and gives the
// reference figures: strict OpenSSL 3.0 gets 144/189 right, pyca/cryptography 152/189.

/// One limbo test case, as stored in `x509-limbo.jsonl`.
struct LimboCase: Decodable, Sendable, CustomStringConvertible {
    struct PeerName: Decodable, Sendable {
        let kind: String
        let value: String
    }

    let id: String
    let trustedPEM: [String]
    let intermediatesPEM: [String]
    let leafPEM: String
    let peerName: PeerName?
    let validationTime: String?
    let expected: String
    let maxChainDepth: Int?

    enum CodingKeys: String, CodingKey {
        case id
        case trustedPEM = "trusted_pem"
        case intermediatesPEM = "intermediates_pem"
        case leafPEM = "leaf_pem"
        case peerName = "peer_name"
        case validationTime = "validation_time"
        case expected
        case maxChainDepth = "max_chain_depth"
    }

    var description: String { id }

    var expectsSuccess: Bool { expected == "SUCCESS" }
}

enum LimboCorpus {
    static let fileName = "x509-limbo.jsonl"

    /// The folder searched (see `TestCorpora`).
    static var directory: String { TestCorpora.directory.path }

    /// Every case, in file order; throws a clear message when the corpus is missing.
    static func load() throws -> [LimboCase] {
        let path = "\(directory)/\(fileName)"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CorpusMissing(path: path)
        }
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { line in
            try decoder.decode(LimboCase.self, from: Data(line.utf8))
        }
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "the x509-limbo corpus is missing at \(path) (\(TestCorpora.directory.source))"
        }
    }

    /// What Porter made of one case.
    struct Outcome: Sendable {
        let verified: Bool
        let problems: [CertificateProblem]
        var firstProblem: String {
            problems.first.map { "\($0.code): \($0.explanation)" } ?? "no problem"
        }
    }

    static func run(_ limboCase: LimboCase) throws -> Outcome {
        let anchors = try limboCase.trustedPEM.map { try Certificate(pem: $0) }
        let intermediates = try limboCase.intermediatesPEM.map { try Certificate(pem: $0) }
        let leaf = try Certificate(pem: limboCase.leafPEM)
        let peerName: CertificateVerifier.PeerName? = limboCase.peerName.map {
            $0.kind == "IP" ? .ipAddress($0.value) : .dnsName($0.value)
        }
        let time = try limboCase.validationTime.map { text in
            try #require(CertificateTime(iso8601: text), "validation time \(text) of \(limboCase.id)")
        }
        let verifier = CertificateVerifier(
            trustAnchors: anchors, intermediates: intermediates, peerName: peerName,
            validationTime: time, maximumDepth: limboCase.maxChainDepth)
        let report = verifier.verify(leaf: leaf)
        return Outcome(verified: report.isValid, problems: report.problems)
    }

    /// The cases Porter still gets wrong, each with the reason it is left so.
    /// A case that starts failing and is not here is a regression.
    static let knownWrong: [String: String] = [
        // OpenSSL's path builder gives up where another path exists; Porter keeps its verdict.
        "cve::cve-2024-0567": "path building: cross-signed cycle",
        "rfc5280::root-and-intermediate-swapped": "path building: swapped root and intermediate",
        "rfc5280::nc::nc-forbids-alternate-chain-ica": "path building: alternate chain not tried",
        "rfc5280::nc::nc-forbids-same-chain-ica": "path building: alternate chain not tried",
        "pathlen::max-chain-depth-1-self-issued": "OpenSSL counts a self-issued certificate against the depth",
        // OpenSSL treats the notAfter second itself as expired (RFC 5280 §4.1.2.5 includes it).
        "rfc5280::validity::notafter-exact": "notAfter second",
        "rfc5280::validity::notafter-fractional": "notAfter second",
        // A CA certificate as the leaf: refused (OpenSSL's purpose check, BR §7.1.2.7.8); webpki::ca-as-leaf agrees.
        "rfc5280::ca-as-leaf": "CA certificate as leaf",
        "pathlen::validation-ignores-pathlen-in-leaf": "CA certificate as leaf",
        // Conflicts with another case's expectation (webpki::nc::permitted-dns-match-noncritical, rfc5280::eku::ee-without-eku,
        // and the many cases whose leaf has CN=example.com and other SANs).
        "rfc5280::nc::permitted-dns-match-noncritical": "non-critical name constraints accepted (web PKI practice)",
        "webpki::eku::ee-without-eku": "a leaf without extended key usage accepted (RFC 5280)",
        "webpki::cn::not-in-san": "a host name CN absent from the SANs is not refused",
        "webpki::cn::punycode-not-in-san": "a host name CN absent from the SANs is not refused",
    ]

    /// Cases that need the Public Suffix List file (Debian package `publicsuffix`).
    static let needPublicSuffixList: Set<String> = [
        "webpki::san::public-suffix-multi-label-wildcard-san",
        "webpki::san::public-suffix-private-namespace-wildcard-san",
    ]
}

@Suite("x509-limbo")
struct LimboTests {
    static let minimumPassed = 160

    @Test func everyCaseAgainstItsExpectedVerdict() throws {
        let cases = try LimboCorpus.load()
        #expect(cases.count == 189, "the corpus README describes 189 cases")
        var passed = 0
        var wrong: [String] = []
        for limboCase in cases {
            let outcome = try LimboCorpus.run(limboCase)
            if outcome.verified == limboCase.expectsSuccess {
                passed += 1
            } else {
                wrong.append(limboCase.id)
                let got = outcome.verified ? "SUCCESS" : "FAILURE"
                print("WRONG \(limboCase.id): expected \(limboCase.expected), got \(got) (\(outcome.firstProblem))")
            }
        }
        print("\(passed) passed, \(wrong.count) failed")
        #expect(passed >= Self.minimumPassed, "x509-limbo: \(passed) passed, fewer than \(Self.minimumPassed)")
        let regressions = wrong.filter { id in
            LimboCorpus.knownWrong[id] == nil && !(LimboCorpus.needPublicSuffixList.contains(id) && !PublicSuffixListProbe.isInstalled)
        }
        #expect(regressions.isEmpty, "cases wrong that are not known to be: \(regressions)")
    }
}

/// Whether the system's Public Suffix List is there (without it two cases cannot pass).
enum PublicSuffixListProbe {
    static var isInstalled: Bool {
        FileManager.default.isReadableFile(atPath: "/usr/share/publicsuffix/public_suffix_list.dat")
    }
}
