import Foundation
import PorterTestSupport
import Testing

@testable import porter

/// Where connections go and how they behave: `--connect-to`, `--interface`, `--local-port`,
/// `--limit-rate`, `--keepalive-time`, against scripted servers on loopback.
@Suite("porter connection options")
struct ConnectionOptionsTests {
    static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    /// The connection goes to HOST2:PORT2; the request and the certificate check stay HOST1's.
    @Test func connectToSendsTheConnectionElsewhere() async throws {
        let certificates = try TestCertificates.shared
        let plain = try ScriptedServer.respondingAlways(with: Self.ok)
        let secure = try ScriptedServer.respondingAlways(with: Self.ok, security: .tls(certificates))
        let first = try await PorterProcess.run(["-sS", "--connect-to", "origin.invalid:80:127.0.0.1:\(plain.port)", "http://origin.invalid/x"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(plain.requestHeads.first?.contains("\r\nHost: origin.invalid\r\n") == true)
        // Empty parts: any host on port 443 goes to the TLS server; the name checked is localhost.
        let tls = try await PorterProcess.run(["-sS", "--connect-to", "::127.0.0.1:\(secure.port)", "--cacert", certificates.caCertificatePath, "https://localhost/"])
        #expect(tls.status == 0, "\(tls.stderr)")
        // A rule for another host does not apply: origin.invalid is not resolved (RFC 6761).
        let other = try await PorterProcess.run(["-sS", "--connect-to", "elsewhere.invalid:80:127.0.0.1:\(plain.port)", "http://origin.invalid/"])
        #expect(other.status == 6)
        let bad = try await PorterProcess.run(["--connect-to", "a:b:c", "http://origin.invalid/"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("HOST1:PORT1:HOST2:PORT2"))
    }

    /// `--interface` binds to an address (or an interface's), `--local-port` to a port of a range.
    @Test func bindsToTheInterfaceAndPortAsked() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.ok)
        let byAddress = try await PorterProcess.run(["-s", "-o", "/dev/null", "--interface", "127.0.0.2", "-w", "%{local_ip}", server.url("/")])
        #expect(byAddress.status == 0, "\(byAddress.stderr)")
        #expect(byAddress.stdoutText == "127.0.0.2")
        let byName = try await PorterProcess.run(["-s", "-o", "/dev/null", "--interface", "lo", "-w", "%{local_ip}", server.url("/")])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.stdoutText == "127.0.0.1")
        let ports = try await PorterProcess.run(["-s", "-o", "/dev/null", "--local-port", "41000-41999", "-w", "%{local_port}", server.url("/")])
        #expect(ports.status == 0, "\(ports.stderr)")
        #expect((41000...41999).contains(Int(ports.stdoutText) ?? 0), "\(ports.stdoutText)")
        for form in ["if!lo", "host!127.0.0.1", "ifhost!lo!127.0.0.1"] {
            let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "--interface", form, "-w", "%{local_ip}", server.url("/")])
            #expect(result.stdoutText == "127.0.0.1", "\(form): \(result.stderr)")
        }
        let missing = try await PorterProcess.run(["-sS", "--interface", "nosuch0", server.url("/")])
        #expect(missing.status == 45)
        #expect(missing.stderr.contains("no network interface named nosuch0"))
        let badRange = try await PorterProcess.run(["--local-port", "9-1", server.url("/")])
        #expect(badRange.status == 2)
    }

    /// `--limit-rate 32k`: 96 KiB cannot arrive in less than about three seconds (a lower
    /// bound only: a slow machine takes longer, never shorter).
    @Test func limitRateKeepsTheSpeedDown() async throws {
        let body = [UInt8](repeating: 0x61, count: 96 * 1024)
        let server = try ScriptedServer.respondingAlways(with: Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "--limit-rate", "32k", "-w", "%{size_download} %{time_total}", server.url("/")])
        #expect(result.status == 0, "\(result.stderr)")
        let parts = result.stdoutText.split(separator: " ")
        #expect(parts.first == "\(body.count)")
        #expect((Double(parts.last ?? "") ?? 0) >= 2.5, "\(result.stdoutText)")
        let bad = try await PorterProcess.run(["--limit-rate", "fast", server.url("/")])
        #expect(bad.status == 2)
    }

    /// `--max-time` holds while `--limit-rate` slows an upload down (here one that never ends).
    @Test func maxTimeEndsARateLimitedUpload() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest(readingBody: false)
            while true { _ = try connection.readBytes(count: 1024) }
        }
        let result = try await PorterProcess.run(["-sS", "--limit-rate", "50k", "-T", "/dev/zero", "-m", "2", server.url("/up")], timeout: .seconds(30))
        #expect(result.status == 28, "\(result.stderr)")
    }

    @Test func keepaliveOptionsAreRead() throws {
        let group = try #require(try CommandLineParser.parse(["--keepalive-time", "42", "--keepalive-cnt", "3", "u"]).groups().first)
        let options = group.sharedRequestOptions()
        #expect(options.socketOptions.keepAliveInterval == 42 && options.socketOptions.keepAliveProbes == 3)
        let off = try #require(try CommandLineParser.parse(["--no-keepalive", "u"]).groups().first)
        #expect(off.sharedRequestOptions().socketOptions.keepAliveInterval == nil)
    }

    /// `-Y 100 -y 1`: a server that sends 5 bytes a second is too slow, curl's 28.
    @Test func speedLimitEndsASlowTransfer() async throws {
        let server = try ScriptedServer { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                for _ in 0..<20 {
                    try connection.write("xxxxx")
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }
        let result = try await PorterProcess.run(["-sS", "-o", "/dev/null", "-Y", "100", "-y", "1", server.url("/")], timeout: .seconds(30))
        #expect(result.status == 28, "\(result.stderr)")
        #expect(result.stderr.contains("too slow"))
        let bad = try await PorterProcess.run(["-Y", "fast", server.url("/")])
        #expect(bad.status == 2)
    }

    /// `--haproxy-protocol` sends the PROXY v1 line before the request; `--haproxy-clientip` names the client.
    @Test func haproxyProtocolLineComesFirst() async throws {
        let server = try ScriptedServer { connection in
            let line = try connection.readBytes(count: 6)
            var rest: [UInt8] = []
            while rest.last != 0x0A { rest += try connection.readBytes(count: 1) }
            let text = String(decoding: line + rest, as: UTF8.self)
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)")
        }
        let result = try await PorterProcess.run(["-s", "-w", " %{local_port}", "--haproxy-protocol", server.url("/")])
        let port = try #require(result.stdoutText.split(separator: " ").last)
        #expect(result.stdoutText.hasPrefix("PROXY TCP4 127.0.0.1 127.0.0.1 \(port) \(server.port)\r\n"), "\(result.stdoutText)")
        let named = try await PorterProcess.run(["-s", "--haproxy-clientip", "192.0.2.7", server.url("/")])
        #expect(named.stdoutText.hasPrefix("PROXY TCP4 192.0.2.7 127.0.0.1 "), "\(named.stdoutText)")
    }

    /// A Linux abstract socket: python listens on "\0name" (no file), porter connects to it.
    @Test func abstractUnixSocket() async throws {
        let name = "porter-test-\(UUID().uuidString.prefix(8))"
        let script = """
            import socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind("\\0\(name)"); s.listen(1); print("ready", flush=True)
            c, _ = s.accept(); c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 8\\r\\nConnection: close\\r\\n\\r\\nabstract"); c.close()
            """
        let python = "/usr/bin/python3"
        let server = try ServerProcess(name: "abstract", readiness: .printed("ready"), ports: { [0] }) { _, _ in (python, ["-c", script]) }
        defer { server.stop() }
        let result = try await PorterProcess.run(["-sS", "--abstract-unix-socket", name, "http://localhost/"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "abstract")
    }

    /// `--rate 4/s`: three transfers take at least half a second (a lower bound only); with
    /// `-Z --parallel-max-host 1` one host gets one connection at a time.
    @Test func rateAndParallelMaxHost() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.ok)
        let started = ContinuousClock.now
        let paced = try await PorterProcess.run(["-s", "--rate", "4/s", server.url("/1"), server.url("/2"), server.url("/3")])
        #expect(paced.stdoutText == "okokok")
        #expect(ContinuousClock.now - started >= .milliseconds(500))
        let limited = try await PorterProcess.run(["-s", "-Z", "--parallel-max-host", "1"] + (1...6).map { server.url("/p\($0)") })
        #expect(limited.status == 0)
        #expect(server.acceptedConnectionCount == 2, "one connection for the paced run, one for the parallel run")
        let bad = try await PorterProcess.run(["--rate", "fast", server.url("/")])
        #expect(bad.status == 2)
    }
}
