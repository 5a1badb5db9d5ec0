import Foundation
import PorterCore
import PorterTestSupport
import Testing

/// The live TLS path of an ordinary fetch: the offline verifier's words for a
/// failing chain, `--pinnedpubkey`, and client certificates with `--cert`/`--key`.
@Suite("fetch: certificate explanations, pins and client certificates")
struct FetchTLSOptionsTests {
    static func server(_ leaf: String, chain: Bool = true, clientCertificateRequired: Bool = false) throws -> ScriptedServer {
        let pki = try ScenarioCertificates.shared
        let options = TLSServerOptions(
            clientCAPath: clientCertificateRequired ? pki.certificate("root") : nil,
            requiresClientCertificate: clientCertificateRequired)
        return try ScriptedServer(
            security: .tls(certificateChainPath: chain ? pki.chain(leaf) : pki.certificate(leaf), privateKeyPath: pki.key(leaf)),
            tlsOptions: options
        ) { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            }
        }
    }

    static func fetch(_ server: ScriptedServer, _ arguments: [String]) async throws -> ProcessResult {
        let pki = try ScenarioCertificates.shared
        return try await PorterProcess.run(
            ["-sS", "--cacert", pki.certificate("root"), "--resolve", "www.example.com:\(server.port):127.0.0.1"]
                + arguments + ["https://www.example.com:\(server.port)/"])
    }

    @Test func anExpiredLeafIsExplainedAsTheVerifierDoes() async throws {
        let server = try Self.server("expired")
        let result = try await Self.fetch(server, [])
        #expect(result.status == 60)
        #expect(result.stderr.contains("SSL certificate problem for www.example.com: the leaf certificate CN=www.example.com expired"), "\(result.stderr)")
        #expect(result.stderr.contains("days ago (2020-12-31T23:59:59Z); the server must renew it"), "\(result.stderr)")
        #expect(result.stderr.contains("(OpenSSL: certificate has expired)"), "\(result.stderr)")
    }

    @Test func aMissingIntermediateIsNamed() async throws {
        let server = try Self.server("good", chain: false)
        let result = try await Self.fetch(server, [])
        #expect(result.status == 60)
        #expect(result.stderr.contains("the server did not send the intermediate CN=Scenario Intermediate CA"), "\(result.stderr)")
        #expect(result.stderr.contains("--cacert"), "\(result.stderr)")
    }

    @Test func aPinnedKeyThatMatchesIsAccepted() async throws {
        let pki = try ScenarioCertificates.shared
        let server = try Self.server("good")
        let pin = try Certificate.certificates(fromPEMFile: pki.certificate("good"))[0].pinnedPublicKey
        let result = try await Self.fetch(server, ["--pinnedpubkey", pin])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "ok")
    }

    @Test func aPinnedKeyMismatchIsCurlsExit90EvenWithInsecure() async throws {
        let pki = try ScenarioCertificates.shared
        let server = try Self.server("good")
        let pin = try Certificate.certificates(fromPEMFile: pki.certificate("intermediate"))[0].pinnedPublicKey
        let result = try await Self.fetch(server, ["-k", "--pinnedpubkey", pin])
        #expect(result.status == 90, "\(result.stderr)")
        #expect(result.stderr.contains("which is not pinned"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aPublicKeyFileIsAPinToo() async throws {
        let pki = try ScenarioCertificates.shared
        let server = try Self.server("good")
        let keyFile = "\(pki.directory)/good-public.pem"
        let made = try ChildProcess.runBlocking("/usr/bin/openssl", ["pkey", "-in", pki.key("good"), "-pubout", "-out", keyFile], timeout: .seconds(30))
        #expect(made.status == 0, "\(made.stderr)")
        let result = try await Self.fetch(server, ["--pinnedpubkey", keyFile])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aServerThatRequiresAClientCertificateSaysSo() async throws {
        let server = try Self.server("good", clientCertificateRequired: true)
        let result = try await Self.fetch(server, [])
        // TLS 1.3: the refusal (alert 116) arrives on the first read, as curl's exit 56; TLS 1.2: in the handshake, 35.
        #expect([35, 56].contains(result.status), "\(result.stderr)")
        #expect(result.stderr.contains("the server requires a client certificate: pass --cert and --key"), "\(result.stderr)")
    }

    @Test func aClientCertificateIsOffered() async throws {
        let pki = try ScenarioCertificates.shared
        let server = try Self.server("good", clientCertificateRequired: true)
        let result = try await Self.fetch(server, ["--cert", pki.chain("client"), "--key", pki.key("client")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "ok")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
    }

    @Test func aKeyReadableByOthersIsWarnedAbout() async throws {
        let pki = try ScenarioCertificates.shared
        let server = try Self.server("good", clientCertificateRequired: true)
        let exposed = "\(pki.directory)/client-exposed.key"
        try? FileManager.default.removeItem(atPath: exposed)
        try FileManager.default.copyItem(atPath: pki.key("client"), toPath: exposed)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: exposed)
        let result = try await Self.fetch(server, ["--cert", pki.chain("client"), "--key", exposed])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: the private key file \(exposed) is readable by others (mode 644)"), "\(result.stderr)")
    }

    @Test func aKeyThatDoesNotMatchIsCurlsExit58() async throws {
        let pki = try ScenarioCertificates.shared
        let server = try Self.server("good")
        let result = try await Self.fetch(server, ["--cert", pki.chain("client"), "--key", pki.key("good")])
        #expect(result.status == 58, "\(result.stderr)")
        #expect(result.stderr.contains("does not belong to the client certificate"), "\(result.stderr)")
    }

    // MARK: - Versions, ciphers, groups

    /// `--tlsv1.3`, `--tls-max`, `--ciphers`, `--tls13-ciphers` and `--curves` against
    /// `openssl s_server`; what was agreed is read from `-v`.
    @Test func versionsCiphersAndGroupsAreOffered() async throws {
        let certificates = try TestCertificates.shared
        let server = try OpenSSLServer(certificatePath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath, arguments: [])
        let url = "https://localhost:\(server.port)/"
        func handshake(_ arguments: [String]) async throws -> (Int32, String) {
            let result = try await PorterProcess.run(["-v", "-o", "/dev/null", "--cacert", certificates.caCertificatePath] + arguments + [url])
            let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("* TLS connection using ") }.map(String.init) ?? result.stderr
            return (result.status, line)
        }
        let (status12, line12) = try await handshake(["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384"])
        #expect(status12 == 0)
        #expect(line12.contains("TLSv1.2 / ECDHE-"), "\(line12)")
        #expect(line12.contains("AES256-GCM-SHA384"), "\(line12)")
        let (status13, line13) = try await handshake(["--tlsv1.3", "--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256", "--curves", "P-384"])
        #expect(status13 == 0)
        #expect(line13 == "* TLS connection using TLSv1.3 / TLS_CHACHA20_POLY1305_SHA256 / secp384r1", "\(line13)")
        // TLS 1.3 only against a server that stops at 1.2: the handshake fails (35).
        let old = try OpenSSLServer(certificatePath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath, arguments: ["-tls1_2"])
        let refused = try await PorterProcess.run(["-sS", "--tlsv1.3", "--cacert", certificates.caCertificatePath, "https://localhost:\(old.port)/"])
        #expect(refused.status == 35, "\(refused.stderr)")
        // Names OpenSSL does not know: curl's 59, with the list named.
        for option in ["--ciphers", "--tls13-ciphers", "--curves"] {
            let bad = try await PorterProcess.run(["-sS", option, "BOGUS", "--cacert", certificates.caCertificatePath, url])
            #expect(bad.status == 59, "\(option): \(bad.stderr)")
            #expect(bad.stderr.contains("BOGUS"))
        }
    }

    // MARK: - Revocation, ALPN, sessions

    /// `--cert-status`: a good staple passes, a revoked one or none is curl's 91.
    @Test func certStatusNeedsAGoodStaple() async throws {
        let pki = try ScenarioCertificates.shared
        func run(_ leaf: String, staple: Bool) async throws -> ProcessResult {
            let server = try OpenSSLServer(
                certificatePath: pki.certificate(leaf), privateKeyPath: pki.key(leaf), chainPath: pki.certificate("intermediate"),
                options: TLSServerOptions(ocspResponsePath: staple ? pki.ocspResponse(leaf) : nil))
            return try await PorterProcess.run([
                "-sS", "-o", "/dev/null", "--cert-status", "--cacert", pki.certificate("root"),
                "--resolve", "www.example.com:\(server.port):127.0.0.1", "https://www.example.com:\(server.port)/",
            ])
        }
        let good = try await run("good", staple: true)
        #expect(good.status == 0, "\(good.stderr)")
        let revoked = try await run("revoked", staple: true)
        #expect(revoked.status == 91, "\(revoked.stderr)")
        #expect(revoked.stderr.contains("REVOKED"))
        let none = try await run("good", staple: false)
        #expect(none.status == 91)
        #expect(none.stderr.contains("stapled no OCSP response"))
    }

    /// `--crlfile` with the chain's CRLs: the revoked leaf fails (60), the good one passes;
    /// with the intermediate's CRL alone the root's is missing and, as in curl, that fails too.
    @Test func crlFileRevokesTheListedCertificate() async throws {
        let pki = try ScenarioCertificates.shared
        let good = try Self.server("good")
        let revoked = try Self.server("revoked")
        let passes = try await Self.fetch(good, ["-o", "/dev/null", "--crlfile", pki.revocationLists])
        #expect(passes.status == 0, "\(passes.stderr)")
        let fails = try await Self.fetch(revoked, ["-o", "/dev/null", "--crlfile", pki.revocationLists])
        #expect(fails.status == 60, "\(fails.stderr)")
        #expect(fails.stderr.lowercased().contains("revoked"), "\(fails.stderr)")
        let incomplete = try await Self.fetch(good, ["-o", "/dev/null", "--crlfile", pki.intermediateRevocationList])
        #expect(incomplete.status == 60, "\(incomplete.stderr)")
        let missing = try await Self.fetch(good, ["-o", "/dev/null", "--crlfile", "/nonexistent/crls.pem"])
        #expect(missing.status == 82)
    }

    /// `--no-alpn` offers no protocol; `--no-sessionid` never resumes.
    @Test func alpnAndSessionResumptionCanBeTurnedOff() async throws {
        let certificates = try TestCertificates.shared
        let server = try OpenSSLServer(certificatePath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath, arguments: ["-alpn", "http/1.1"])
        let url = "https://localhost:\(server.port)/"
        let base = ["-v", "-o", "/dev/null", "-o", "/dev/null", "--cacert", certificates.caCertificatePath, "--no-keepalive", "-H", "Connection: close"]
        let normal = try await PorterProcess.run(base + [url, url])
        #expect(normal.stderr.contains("* ALPN: server accepted http/1.1"), "\(normal.stderr)")
        #expect(normal.stderr.contains("* TLS session resumed"))
        let off = try await PorterProcess.run(base + ["--no-alpn", "--no-sessionid", url, url])
        #expect(off.status == 0, "\(off.stderr)")
        #expect(off.stderr.contains("* ALPN: server did not agree on a protocol"))
        #expect(!off.stderr.contains("* TLS session resumed"))
    }
}
