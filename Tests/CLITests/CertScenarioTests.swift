import Foundation
import PorterCore
import PorterTestSupport
import Testing

/// One `porter cert` run against a live server, and what it must conclude.
struct CertScenario: Sendable, CustomStringConvertible {
    /// What the server sends as its chain.
    enum Served: Sendable {
        /// The leaf and its issuing CA.
        case chain
        /// The leaf alone.
        case leafOnly
        /// The leaf, the intermediate and the root.
        case fullChain
    }

    let name: String
    let leaf: String
    var served: Served = .chain
    /// The name `porter cert` connects to (through --resolve when it is not an address).
    var host = "www.example.com"
    /// The loopback address the server listens on.
    var address = "127.0.0.1"
    var ocsp: String? = nil
    var clientCertificateRequired = false
    /// Whether the server must run at security level 0 to present the certificate at all.
    var weak = false
    /// The trust anchors passed as --cacert.
    var trust = "root"
    /// More arguments for `porter cert`, given the PKI.
    var arguments: @Sendable (ScenarioCertificates) throws -> [String] = { _ in [] }
    let status: Int32
    /// Words standard output must contain.
    let keywords: [String]

    var description: String { name }

    static let all: [CertScenario] = [
        CertScenario(name: "good chain", leaf: "good", status: 0, keywords: ["verdict: OK", "chain as verified (3 certificates, to a trust anchor)"]),
        CertScenario(
            name: "expired", leaf: "expired", status: 10,
            keywords: ["FAILED", "the leaf certificate CN=www.example.com expired", "days ago (2020-12-31T23:59:59Z)", "renew"]),
        CertScenario(
            name: "not yet valid", leaf: "notYetValid", status: 10,
            keywords: ["FAILED", "is not valid yet", "2099-01-01T00:00:00Z", "clock"]),
        CertScenario(
            name: "wrong host", leaf: "good", host: "other.example.org", status: 11,
            keywords: ["is not valid for other.example.org", "it is valid for: DNS:www.example.com, DNS:example.com, IP:127.0.0.1"]),
        CertScenario(
            name: "self-signed", leaf: "selfSigned", served: .leafOnly, host: "self.example.com", status: 12,
            keywords: ["CN=self.example.com is self-signed", "--cacert"]),
        CertScenario(
            name: "untrusted root", leaf: "good", served: .fullChain, trust: "otherRoot", status: 12,
            keywords: ["the chain ends in the root CN=Scenario Root CA", "not in the trust store", "--cacert"]),
        CertScenario(
            name: "incomplete chain", leaf: "good", served: .leafOnly, status: 12,
            keywords: ["the server did not send the intermediate CN=Scenario Intermediate CA", "chain as sent (1 certificate)"]),
        CertScenario(
            name: "SHA-1 signature", leaf: "sha1", weak: true, status: 13,
            keywords: ["ecdsa-with-SHA1", "SHA-1", "reissue it with SHA-256"]),
        CertScenario(
            name: "RSA-1024 leaf", leaf: "rsa1024", weak: true, status: 13,
            keywords: ["RSA 1024 bits", "at least 2048"]),
        CertScenario(name: "wildcard match", leaf: "wildcard", host: "www.example.com", status: 0, keywords: ["verdict: OK", "DNS:*.example.com"]),
        CertScenario(
            name: "wildcard does not cover the bare domain", leaf: "wildcard", host: "example.com", status: 11,
            keywords: ["is not valid for example.com", "DNS:*.example.com"]),
        CertScenario(
            name: "wildcard covers one label only", leaf: "wildcard", host: "a.b.example.com", status: 11,
            keywords: ["is not valid for a.b.example.com", "DNS:*.example.com"]),
        CertScenario(name: "IP SAN match", leaf: "good", host: "127.0.0.1", status: 0, keywords: ["verdict: OK", "127.0.0.1 (IP)"]),
        CertScenario(
            name: "IP SAN mismatch", leaf: "good", host: "127.0.0.2", address: "127.0.0.2", status: 11,
            keywords: ["is not valid for 127.0.0.2", "IP:127.0.0.1"]),
        CertScenario(
            name: "name constraints violated", leaf: "outside", host: "www.example.org", status: 14,
            keywords: ["CN=www.example.org", "CN=Scenario Constrained CA", "name constraints"]),
        CertScenario(
            name: "client certificate required, none given", leaf: "good", clientCertificateRequired: true, status: 18,
            keywords: ["the server requires a client certificate: pass --cert and --key", "client certificate:  requested, none sent"]),
        CertScenario(
            name: "client certificate required and given", leaf: "good", clientCertificateRequired: true,
            arguments: { pki in ["--cert", pki.chain("client"), "--key", pki.key("client")] }, status: 0,
            keywords: ["verdict: OK", "client certificate:  requested, sent"]),
        CertScenario(
            name: "pinned key match", leaf: "good",
            arguments: { pki in ["--pinnedpubkey", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;" + (try Certificate.certificates(fromPEMFile: pki.certificate("good"))[0].pinnedPublicKey)] },
            status: 0, keywords: ["verdict: OK"]),
        CertScenario(
            name: "pinned key mismatch", leaf: "good",
            arguments: { pki in ["--pinnedpubkey", try Certificate.certificates(fromPEMFile: pki.certificate("intermediate"))[0].pinnedPublicKey] },
            status: 16, keywords: ["the public key of www.example.com's leaf certificate CN=www.example.com", "which is not pinned"]),
        CertScenario(
            name: "OCSP stapled good", leaf: "good", ocsp: "good", status: 0,
            keywords: ["verdict: OK", "ocsp stapling:       good (this update"]),
        CertScenario(
            name: "OCSP stapled revoked", leaf: "revoked", ocsp: "revoked", status: 17,
            keywords: ["ocsp stapling:       REVOKED", "the leaf certificate CN=www.example.com was revoked", "(reason: keyCompromise)"]),
        CertScenario(
            name: "expiring within --warn-days", leaf: "good", arguments: { _ in ["--warn-days", "40000"] }, status: 19,
            keywords: ["verdict: WARNING", "within the 40000 days of --warn-days"]),
    ]
}

/// Which server presents the scenario's chain.
enum ScenarioServerKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case scripted = "ScriptedServer"
    case openssl = "openssl s_server"
    var description: String { rawValue }
}

/// A server of either kind, kept alive for one test.
final class ScenarioServer: Sendable {
    let port: Int
    private let scripted: ScriptedServer?
    private let openssl: OpenSSLServer?

    init(_ kind: ScenarioServerKind, _ scenario: CertScenario, _ pki: ScenarioCertificates) throws {
        let options = TLSServerOptions(
            ocspResponsePath: scenario.ocsp.map(pki.ocspResponse),
            clientCAPath: scenario.clientCertificateRequired ? pki.certificate("root") : nil,
            requiresClientCertificate: scenario.clientCertificateRequired,
            securityLevel: scenario.weak ? 0 : nil)
        let chain: String
        switch scenario.served {
        case .chain: chain = pki.chain(scenario.leaf)
        case .leafOnly: chain = pki.certificate(scenario.leaf)
        case .fullChain: chain = "\(pki.directory)/\(scenario.leaf)-fullchain.pem"
        }
        switch kind {
        case .scripted:
            let server = try ScriptedServer(
                security: .tls(certificateChainPath: chain, privateKeyPath: pki.key(scenario.leaf)),
                address: scenario.address, tlsOptions: options
            ) { connection in
                while try connection.readRequest() != nil {
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                }
            }
            scripted = server
            openssl = nil
            port = server.port
        case .openssl:
            // s_server takes the leaf and the rest of the chain apart.
            let extra: String?
            switch scenario.served {
            case .leafOnly: extra = nil
            case .chain, .fullChain:
                let all = try String(contentsOfFile: chain, encoding: .utf8)
                let leaf = try String(contentsOfFile: pki.certificate(scenario.leaf), encoding: .utf8)
                let rest = "\(NSTemporaryDirectory())/porter-chain-\(UUID().uuidString).pem"
                try String(all.dropFirst(leaf.count)).write(toFile: rest, atomically: true, encoding: .utf8)
                extra = rest
            }
            let server = try OpenSSLServer(
                certificatePath: pki.certificate(scenario.leaf), privateKeyPath: pki.key(scenario.leaf), chainPath: extra,
                address: scenario.address, options: options)
            if let extra { try? FileManager.default.removeItem(atPath: extra) }
            scripted = nil
            openssl = server
            port = server.port
        }
    }

    func stop() {
        scripted?.stop()
        openssl?.stop()
    }
}

@Suite("porter cert against live servers")
struct CertScenarioTests {
    static func porterCert(_ scenario: CertScenario, port: Int, pki: ScenarioCertificates, extra: [String] = []) async throws -> ProcessResult {
        var arguments = ["cert", "--cacert", pki.certificate(scenario.trust)]
        if SocketAddress(numericHost: scenario.host, port: port) != nil {
            arguments.append("\(scenario.host):\(port)")
        } else {
            arguments += ["--resolve", "\(scenario.host):\(port):\(scenario.address)", "\(scenario.host):\(port)"]
        }
        return try await PorterProcess.run(arguments + (try scenario.arguments(pki)) + extra, environment: ["NO_COLOR": "1"])
    }

    @Test(arguments: CertScenario.all, ScenarioServerKind.allCases)
    func scenario(_ scenario: CertScenario, _ kind: ScenarioServerKind) async throws {
        let pki = try ScenarioCertificates.shared
        let server = try ScenarioServer(kind, scenario, pki)
        defer { server.stop() }
        let result = try await Self.porterCert(scenario, port: server.port, pki: pki)
        #expect(result.status == scenario.status, "\(scenario) on \(kind): \(result.stdoutText)\(result.stderr)")
        for keyword in scenario.keywords {
            #expect(result.stdoutText.contains(keyword), "\(scenario) on \(kind): \(keyword) not in:\n\(result.stdoutText)\(result.stderr)")
        }
        #expect(result.stdoutText.contains("chain as sent ("))
        #expect(result.stdoutText.contains("public key pin:      sha256//"))
    }

    @Test func jsonReportHasTheSameContent() async throws {
        let pki = try ScenarioCertificates.shared
        let scenario = CertScenario.all.first { $0.name == "OCSP stapled revoked" }!
        let server = try ScenarioServer(.scripted, scenario, pki)
        defer { server.stop() }
        let result = try await Self.porterCert(scenario, port: server.port, pki: pki, extra: ["--json"])
        #expect(result.status == 17, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(object["exitStatus"] as? Int == 17)
        let target = try #require((object["targets"] as? [[String: Any]])?.first)
        #expect(target["verdict"] as? String == "failed")
        #expect(target["host"] as? String == "www.example.com")
        #expect((target["ocsp"] as? [String: Any])?["status"] as? String == "revoked")
        #expect((target["ocsp"] as? [String: Any])?["revocationReason"] as? String == "keyCompromise")
        let handshake = try #require(target["handshake"] as? [String: Any])
        #expect(["TLSv1.2", "TLSv1.3"].contains(handshake["version"] as? String ?? ""))
        #expect(handshake["cipherSuite"] is String)
        #expect((target["sentChain"] as? [Any])?.count == 2)
        #expect((target["verifiedChain"] as? [Any])?.count == 3)
        let problems = try #require(target["problems"] as? [[String: Any]])
        #expect(problems.first?["code"] as? String == "revoked")
    }

    @Test func severalTargetsExitWithTheFirstOfTheWorstKind() async throws {
        let pki = try ScenarioCertificates.shared
        let good = CertScenario.all.first { $0.name == "good chain" }!
        let expired = CertScenario.all.first { $0.name == "expired" }!
        let goodServer = try ScenarioServer(.scripted, good, pki)
        let expiredServer = try ScenarioServer(.scripted, expired, pki)
        defer {
            goodServer.stop()
            expiredServer.stop()
        }
        let closedPort = try ScenarioServer(.scripted, good, pki)
        let unusedPort = closedPort.port
        closedPort.stop()
        let result = try await PorterProcess.run([
            "cert", "--cacert", pki.certificate("root"), "--warn-days", "40000",
            "127.0.0.1:\(goodServer.port)", "127.0.0.1:\(unusedPort)", "127.0.0.1:\(expiredServer.port)",
        ])
        // A warning (19), an unreachable port (7) and a failure (10): the failure decides.
        #expect(result.status == 10, "\(result.stdoutText)\(result.stderr)")
        let text = result.stdoutText
        #expect(text.contains("verdict: WARNING"))
        #expect(text.contains("verdict: UNREACHABLE"))
        #expect(text.contains("verdict: FAILED"))
        // Reported in the order given.
        let order = ["== 127.0.0.1:\(goodServer.port) ==", "== 127.0.0.1:\(unusedPort) ==", "== 127.0.0.1:\(expiredServer.port) =="]
        let positions = order.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == 3 && positions == positions.sorted())
    }

    @Test func aHashedCADirectoryIsTrustedLikeACAFile() async throws {
        let pki = try ScenarioCertificates.shared
        let good = CertScenario.all.first { $0.name == "good chain" }!
        let server = try ScenarioServer(.scripted, good, pki)
        defer { server.stop() }
        let directory = "\(pki.directory)/hashed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: pki.certificate("root"), toPath: "\(directory)/root.pem")
        let rehash = try ChildProcess.runBlocking("/usr/bin/openssl", ["rehash", directory], timeout: .seconds(30))
        #expect(rehash.status == 0, "\(rehash.stderr)")
        let result = try await PorterProcess.run(["cert", "--capath", directory, "127.0.0.1:\(server.port)"])
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
        #expect(result.stdoutText.contains("CN=Scenario Root CA — root (trust anchor), from \(directory) (directory)"), "\(result.stdoutText)")
    }

    @Test func anIPv6TargetInBrackets() async throws {
        let pki = try ScenarioCertificates.shared
        var scenario = CertScenario.all.first { $0.name == "good chain" }!
        scenario.address = "::1"
        let server = try ScenarioServer(.scripted, scenario, pki)
        defer { server.stop() }
        let result = try await PorterProcess.run(["cert", "--cacert", pki.certificate("root"), "[::1]:\(server.port)"])
        // The good leaf names 127.0.0.1, not ::1.
        #expect(result.status == 11, "\(result.stdoutText)\(result.stderr)")
        #expect(result.stdoutText.contains("== [::1]:\(server.port) =="))
        #expect(result.stdoutText.contains("is not valid for ::1"))
    }

    @Test func aPlainPortIsAFailedHandshake() async throws {
        let server = try ScriptedServer(security: .plain) { connection in
            _ = try connection.readBytes(count: 5)
            try connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            connection.close()
        }
        let result = try await PorterProcess.run(["cert", "https://127.0.0.1:\(server.port)/some/path"])
        #expect(result.status == 35, "\(result.stdoutText)\(result.stderr)")
        #expect(result.stdoutText.contains("verdict: UNREACHABLE — "))
        #expect(result.stdoutText.contains("did not answer in TLS"))
    }

    @Test(arguments: [
        (["cert"], Int32(2), "no target"),
        (["cert", "-k", "localhost"], 2, "never enforces"),
        (["cert", "http://localhost/"], 2, "https://"),
        (["cert", "localhost:0"], 2, "port"),
        (["cert", "--pinnedpubkey", "sha256//short", "localhost"], 2, "base64"),
        (["cert", "--cacert", "/nonexistent/ca.pem", "localhost"], 77, "/nonexistent/ca.pem"),
    ])
    func unusableInput(_ arguments: [String], _ status: Int32, _ mention: String) async throws {
        let result = try await PorterProcess.run(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
    }
}
