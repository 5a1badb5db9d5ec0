import PorterTestSupport
import Testing

/// What a redirect may not carry along: credentials to another origin or to plain HTTP.
@Suite("porter redirect safety")
struct RedirectSafetyTests {
    static let plainTarget = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    /// An HTTPS server redirecting to `location`.
    static func redirecting(to location: String) throws -> ScriptedServer {
        try ScriptedServer.respondingAlways(
            with: "HTTP/1.1 302 Found\r\nLocation: \(location)\r\nContent-Length: 0\r\n\r\n",
            security: .tls(try TestCertificates.shared))
    }

    @Test func aDowngradeToPlainHTTPDropsCredentialsAndWarns() async throws {
        let target = try ScriptedServer.respondingAlways(with: Self.plainTarget)
        let origin = try Self.redirecting(to: target.url("/landing"))
        let result = try await PorterProcess.run([
            "-L", "-H", "Authorization: Bearer secret", "-H", "Cookie: session=1",
            "--cacert", try TestCertificates.shared.caCertificatePath, "https://localhost:\(origin.port)/",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: redirected from https://localhost:\(origin.port)/ to plain http://"))
        let head = try #require(target.requestHeads.first)
        #expect(!head.contains("Authorization") && !head.contains("Cookie"))
    }

    @Test func protoRedirRefusesTheDowngrade() async throws {
        let target = try ScriptedServer.respondingAlways(with: Self.plainTarget)
        let origin = try Self.redirecting(to: target.url("/landing"))
        let result = try await PorterProcess.run([
            "-L", "--proto-redir", "=https", "--cacert", try TestCertificates.shared.caCertificatePath,
            "https://localhost:\(origin.port)/",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not an allowed redirect protocol"))
        #expect(target.requestHeads.isEmpty)
    }

    @Test func credentialsNeverAppearInVerboseOutputOrErrors() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
        let url = "http://alice:s3cr3t@127.0.0.1:\(server.port)/private"
        let result = try await PorterProcess.run(["-v", "-f", url, "-H", "Cookie: token=abc123"])
        #expect(result.status == 22)
        // The server did get the credentials; nothing printed shows them.
        #expect(server.requestHeads.first?.contains("Authorization: Basic YWxpY2U6czNjcjN0") == true)
        for secret in ["s3cr3t", "YWxpY2U6czNjcjN0", "abc123"] {
            #expect(!result.stderr.contains(secret), "\(secret) was printed")
        }
        #expect(result.stderr.contains("Authorization: Basic [redacted]"))
    }

    @Test func anIDNHostIsSentInItsASCIIForm() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.plainTarget)
        let result = try await PorterProcess.run(["-s", "--resolve", "xn--bcher-kva.example:\(server.port):127.0.0.1", "http://bücher.example:\(server.port)/"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requestHeads.first?.contains("Host: xn--bcher-kva.example:\(server.port)\r\n") == true)
    }
}
