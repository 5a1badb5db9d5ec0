import Foundation
import PorterCore
import PorterTestSupport
import Testing

/// `porter verify` end to end: files written from the scenario PKI, the
/// built executable run on them, exit statuses and output checked.
@Suite("porter verify")
struct VerifyCommandTests {
    /// A directory holding every scenario certificate as `<name>.pem`, removed by ``remove()``.
    struct Files {
        let directory: String

        init() throws {
            let pki = try ScenarioPKI.shared
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("porter-verify-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, pem) in pki.pem {
                try pem.write(toFile: path(name), atomically: true, encoding: .utf8)
            }
            try (pki.pem["good"]! + pki.pem["intermediate"]!).write(toFile: path("goodChain"), atomically: true, encoding: .utf8)
        }

        func path(_ name: String) -> String { "\(directory)/\(name).pem" }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func porter(_ arguments: [String]) async throws -> ProcessResult {
        try await PorterProcess.run(["verify"] + arguments, timeout: .seconds(30))
    }

    @Test(arguments: [
        ("good chain", "good", ["--untrusted", "intermediate"], ["--host", "www.example.com"], Int32(0), "verdict: OK"),
        ("full chain in the leaf file", "goodChain", [], ["--host", "www.example.com"], 0, "verdict: OK"),
        ("IP address", "good", ["--untrusted", "intermediate"], ["--ip", "127.0.0.1"], 0, "verdict: OK"),
        ("IP literal as host", "good", ["--untrusted", "intermediate"], ["--host", "192.0.2.11"], 11, "not valid for 192.0.2.11"),
        ("expired", "expired", ["--untrusted", "intermediate"], ["--host", "www.example.com"], 10, "days ago"),
        ("not yet valid", "notYetValid", ["--untrusted", "intermediate"], [], 10, "not valid yet"),
        ("wrong host", "good", ["--untrusted", "intermediate"], ["--host", "other.example.org"], 11, "it is valid for: DNS:www.example.com"),
        ("incomplete chain", "good", [], ["--host", "www.example.com"], 12, "did not send the intermediate CN=Scenario Intermediate CA"),
        ("self-signed leaf", "selfSigned", [], ["--host", "self.example.com"], 12, "self-signed"),
        ("SHA-1", "sha1", ["--untrusted", "intermediate"], [], 13, "SHA-1"),
        ("RSA-1024", "rsa1024", ["--untrusted", "intermediate"], [], 13, "RSA 1024 bits"),
        ("client only", "clientOnly", ["--untrusted", "intermediate"], [], 14, "serverAuth"),
        ("name constraints", "outside", ["--untrusted", "constrained"], [], 14, "CN=Scenario Constrained CA"),
    ] as [(String, String, [String], [String], Int32, String)])
    func exitStatusAndVerdict(
        _ scenario: String, _ leaf: String, _ untrusted: [String], _ name: [String], _ status: Int32, _ keyword: String
    ) async throws {
        let files = try Files()
        defer { files.remove() }
        let untrustedArguments = untrusted.map { $0.hasPrefix("--") ? $0 : files.path($0) }
        let result = try await Self.porter(["--ca", files.path("root")] + untrustedArguments + name + [files.path(leaf)])
        #expect(result.status == status, "\(scenario): \(result.stdoutText) \(result.stderr)")
        #expect(result.stdoutText.contains(keyword), "\(scenario): \(result.stdoutText)")
        #expect(result.stdoutText.contains("certificate 0: leaf"))
        if status == 0 {
            #expect(result.stdoutText.contains("public key pin:      sha256//"))
        } else {
            #expect(result.stdoutText.contains("verdict: FAILED — "))
        }
    }

    @Test func untrustedRootIsNamed() async throws {
        let files = try Files()
        defer { files.remove() }
        let result = try await Self.porter([
            "--ca", files.path("otherRoot"), "--untrusted", files.path("intermediate"), "--untrusted", files.path("root"),
            files.path("good"),
        ])
        #expect(result.status == 12)
        #expect(result.stdoutText.contains("the chain ends in the root CN=Scenario Root CA, which is not a trust anchor"))
        #expect(result.stdoutText.contains("certificate 2: root (not trusted)"))
    }

    @Test func jsonReportParses() async throws {
        let files = try Files()
        defer { files.remove() }
        let result = try await Self.porter([
            "--json", "--ca", files.path("root"), "--untrusted", files.path("intermediate"),
            "--host", "www.example.com", "--at", "2021-06-01T00:00:00Z", files.path("expired"),
        ])
        #expect(result.status == 10)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(object["verdict"] as? String == "failed")
        #expect(object["exitStatus"] as? Int == 10)
        #expect(object["validationTime"] as? String == "2021-06-01T00:00:00Z")
        let chain = try #require(object["chain"] as? [[String: Any]])
        #expect(chain.count == 3)
        #expect(chain.first?["subject"] as? String == "CN=www.example.com")
        #expect(chain.first?["subjectAlternativeNames"] as? [String] == ["DNS:www.example.com", "DNS:example.com", "IP:127.0.0.1"])
        #expect((chain.first?["pinnedPublicKey"] as? String)?.hasPrefix("sha256//") == true)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.first?["code"] as? String == "expired")
        #expect(problems.first?["certificateIndex"] as? Int == 0)
        #expect((problems.first?["explanation"] as? String)?.contains("151 days before the validation time") == true)
    }

    @Test func okReportAsJSON() async throws {
        let files = try Files()
        defer { files.remove() }
        let result = try await Self.porter(["--json", "--ca", files.path("root"), "--host", "www.example.com", files.path("goodChain")])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(object["verdict"] as? String == "ok")
        #expect(object["explanation"] as? String == "OK")
        #expect((object["problems"] as? [Any])?.isEmpty == true)
        #expect(object["endsInTrustAnchor"] as? Bool == true)
    }

    @Test(arguments: [
        (["/nonexistent/leaf.pem"], Int32(1), "cannot read /nonexistent/leaf.pem"),
        (["--at", "yesterday", "leaf.pem"], 2, "ISO 8601"),
        (["--host", "a.example", "--ip", "192.0.2.1", "leaf.pem"], 2, "cannot be used together"),
        (["--ip", "not-an-address", "leaf.pem"], 2, "not an IPv4 or IPv6 address"),
        ([] as [String], 2, "leaf.pem"),
    ])
    func unusableInput(_ arguments: [String], _ status: Int32, _ mention: String) async throws {
        let result = try await Self.porter(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
    }

    @Test func notACertificateIsUnreadableInput() async throws {
        let files = try Files()
        defer { files.remove() }
        let junk = "\(files.directory)/junk.pem"
        try "hello\n".write(toFile: junk, atomically: true, encoding: .utf8)
        let result = try await Self.porter(["--ca", files.path("root"), junk])
        #expect(result.status == 1)
        #expect(result.stderr.contains("holds no PEM certificate"), "\(result.stderr)")
    }
}
