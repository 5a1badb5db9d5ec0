import Foundation
import PorterCore
import PorterTestSupport
import Testing

@Suite("Certificate fields")
struct CertificateFieldTests {
    /// What `openssl x509` prints for a field, to compare Porter's decoding with.
    static func openssl(_ arguments: [String], pem: String) throws -> String {
        let result = try ChildProcess.runBlocking("/usr/bin/openssl", ["x509", "-noout"] + arguments, stdin: Array(pem.utf8))
        guard result.status == 0 else { throw TestSupportError("openssl x509 \(arguments): \(result.stderr)") }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: ["good", "rsa1024", "root", "sha1"])
    func digestsAndSerialMatchOpenSSL(_ name: String) throws {
        let pki = try ScenarioPKI.shared
        let pem = try #require(pki.pem[name])
        let certificate = try Certificate(pem: pem)
        #expect(try Self.openssl(["-fingerprint", "-sha256"], pem: pem) == "sha256 Fingerprint=\(certificate.sha256Fingerprint)")
        #expect(try Self.openssl(["-serial"], pem: pem) == "serial=\(certificate.serialNumber)")

        // curl's --pinnedpubkey: base64 of the SHA-256 of the DER public key.
        let publicKeyPEM = try Self.openssl(["-pubkey"], pem: pem)
        let base64 = publicKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let spki = try #require(Data(base64Encoded: base64))
        let digest = TestData.sha256(Array(spki))
        let pinned = try #require(Data(base64Encoded: certificate.subjectPublicKeyInfoSHA256))
        #expect(pinned.map { String(format: "%02x", $0) }.joined() == digest)
        #expect(certificate.pinnedPublicKey == "sha256//\(certificate.subjectPublicKeyInfoSHA256)")

        #expect(try Certificate(der: certificate.derBytes) == certificate)
    }

    @Test func leafFields() throws {
        let leaf = try ScenarioPKI.shared.certificate("good")
        #expect(leaf.version == 3)
        #expect(leaf.subject == "CN=www.example.com")
        #expect(leaf.issuer == "CN=Scenario Intermediate CA")
        #expect(leaf.commonNames == ["www.example.com"])
        #expect(leaf.subjectAlternativeNames == [.dnsName("www.example.com"), .dnsName("example.com"), .ipAddress("127.0.0.1")])
        #expect(leaf.notBefore.iso8601 == "2020-01-01T00:00:00Z")
        #expect(leaf.notAfter.iso8601 == "2100-01-01T00:00:00Z")
        #expect(leaf.daysLeft(at: CertificateTime(iso8601: "2099-12-01T00:00:00Z")!) == 31)
        #expect(leaf.publicKey == CertificatePublicKey(algorithm: "EC", bits: 256, curve: "P-256"))
        #expect(leaf.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(leaf.basicConstraints == BasicConstraints(isCertificateAuthority: false, pathLengthConstraint: nil, isCritical: true))
        #expect(leaf.keyUsage == ["digitalSignature"])
        #expect(leaf.extendedKeyUsage == ["serverAuth"])
        #expect(!leaf.isSelfSigned)
    }

    @Test func caFields() throws {
        let pki = try ScenarioPKI.shared
        let intermediate = try pki.certificate("intermediate")
        #expect(intermediate.basicConstraints?.description == "critical, CA:TRUE, pathlen:0")
        // digitalSignature: the intermediate also signs the set's OCSP responses.
        #expect(intermediate.keyUsage == ["digitalSignature", "keyCertSign", "cRLSign"])
        #expect(intermediate.extendedKeyUsage == nil)
        #expect(intermediate.subjectAlternativeNames == nil)
        #expect(try pki.certificate("root").isSelfSigned)
        #expect(try pki.certificate("rsa1024").publicKey.description == "RSA 1024 bits")
        #expect(try pki.certificate("sha1").signatureAlgorithm == "ecdsa-with-SHA1")
    }

    @Test func pemBundlesDecodeInOrderAndGarbageIsRefused() throws {
        let pki = try ScenarioPKI.shared
        let bundle = "leading text\n" + pki.pem["good"]! + "between\n" + pki.pem["intermediate"]!
        #expect(try Certificate.certificates(fromPEM: bundle).map(\.subject) == ["CN=www.example.com", "CN=Scenario Intermediate CA"])
        #expect(throws: PorterError(.certificateDecodingFailed, "")) { try Certificate(pem: "no certificate here") }
        let broken = pki.pem["good"]!.replacingOccurrences(of: "MI", with: "@@")
        #expect(throws: PorterError(.certificateDecodingFailed, "")) { try Certificate(pem: broken) }
        #expect(throws: PorterError(.certificateDecodingFailed, "")) { try Certificate(der: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: PorterError(.fileReadFailed, "")) { try Certificate.certificates(fromPEMFile: "/nonexistent/leaf.pem") }
    }
}

@Suite("CertificateTime")
struct CertificateTimeTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0), "1970-01-01T00:00:00Z"),
        ("2024-03-01T00:00:00+00:00", 1_709_251_200, "2024-03-01T00:00:00Z"),
        ("2024-03-01T00:00:00.999+00:00", 1_709_251_200, "2024-03-01T00:00:00Z"),
        ("2024-02-29T23:59:59Z", 1_709_251_199, "2024-02-29T23:59:59Z"),
        ("2024-03-01T02:00:00+02:00", 1_709_251_200, "2024-03-01T00:00:00Z"),
        ("2024-02-29T19:00:00-0500", 1_709_251_200, "2024-03-01T00:00:00Z"),
        ("2024-03-01", 1_709_251_200, "2024-03-01T00:00:00Z"),
        ("1969-12-31T23:59:59Z", -1, "1969-12-31T23:59:59Z"),
        ("2100-01-01T00:00:00Z", 4_102_444_800, "2100-01-01T00:00:00Z"),
    ])
    func parsesAndPrints(_ text: String, _ seconds: Int64, _ printed: String) throws {
        let time = try #require(CertificateTime(iso8601: text))
        #expect(time.secondsSinceEpoch == seconds)
        #expect(time.iso8601 == printed)
    }

    @Test(arguments: ["", "2024", "2024-13-01", "2024-02-30", "2023-02-29T00:00:00Z", "2024-03-01T25:00:00Z", "2024-03-01T00:00:00Q", "yesterday"])
    func refusesNonsense(_ text: String) {
        #expect(CertificateTime(iso8601: text) == nil)
    }
}
