import Foundation
import PorterTestSupport
import Testing

/// `porter` against a real nginx on loopback, serving the same files on a
/// plain port and a TLS port.
@Suite("porter against nginx", .serialized)
final class NginxInteropTests {
    let certificates: TestCertificates
    let root: DocumentRoot
    let nginx: NginxServer
    let output: String

    init() throws {
        certificates = try TestCertificates.shared
        root = try DocumentRoot.make()
        _ = try root.writeFile(named: "empty.bin", contents: [])
        _ = try root.makeFile(named: "1k.bin", size: 1024, seed: 1)
        _ = try root.makeFile(named: "64m.bin", size: 64 << 20, seed: 2)
        _ = try root.writeFile(named: "index.html", contents: "<h1>porter</h1>\n")
        nginx = try NginxServer(
            documentRoot: root.path, certificates: certificates,
            extraServerConfiguration: "location = /old { return 301 /1k.bin; }")
        output = root.path + "/../porter-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    }

    deinit {
        nginx.stop()
        try? root.remove()
        try? FileManager.default.removeItem(atPath: output)
    }

    @Test(arguments: ["empty.bin", "1k.bin", "64m.bin"], [false, true])
    func downloadsAreByteIdenticalOverBothPorts(_ name: String, _ tls: Bool) async throws {
        let destination = "\(output)/\(name)-\(tls)"
        let result = try await PorterProcess.run([
            "-s", "-S", "--cacert", certificates.caCertificatePath, nginx.url("/\(name)", tls: tls, host: "localhost"), "-o", destination,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try TestData.sha256(fileAtPath: destination) == TestData.sha256(fileAtPath: root.filePath(name)))
    }

    @Test(arguments: [false, true])
    func severalURLsShareOneConnection(_ tls: Bool) async throws {
        let urls = ["/1k.bin", "/index.html", "/empty.bin", "/1k.bin"].map { nginx.url($0, tls: tls) }
        let result = try await PorterProcess.run(["-s", "-S", "--cacert", certificates.caCertificatePath] + urls)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try [ "1k.bin", "index.html", "empty.bin", "1k.bin"].flatMap { try Array(Data(contentsOf: URL(fileURLWithPath: root.filePath($0)))) }
        #expect(result.stdout == expected)
        let port = tls ? nginx.tlsPort : nginx.plainPort
        let entries = try nginx.accessLog(waitingFor: 4).filter { $0.serverPort == port && $0.userAgent?.hasPrefix("porter/") == true }
        #expect(entries.count == 4)
        #expect(Set(entries.map(\.connection)).count == 1)
        #expect(entries.map(\.connectionRequests) == [1, 2, 3, 4])
    }

    @Test func resumesTLSSessionsOnNewConnections() async throws {
        let url = nginx.url("/index.html", tls: true, host: "localhost")
        let result = try await PorterProcess.run(
            ["-v", "-H", "Connection: close", "--cacert", certificates.caCertificatePath, url, url, url])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("* Connected to localhost") }.count == 3)
        #expect(lines.filter { $0 == "* TLS session resumed" }.count == 2)
    }

    @Test func verificationFailsWithoutTheCAAndNamesTheReason() async throws {
        let result = try await PorterProcess.run([nginx.url("/index.html", tls: true, host: "localhost")],
                                                 environment: ["SSL_CERT_FILE": certificates.otherCACertificatePath])
        #expect(result.status == 60)
        #expect(result.stderr.contains("SSL certificate problem for localhost"))
        #expect(result.stderr.contains("not in the trust store") || result.stderr.contains("unable to get local issuer"))
        #expect(result.stdout.isEmpty)
    }

    @Test func honoursSSLCertFile() async throws {
        let result = try await PorterProcess.run([nginx.url("/index.html", tls: true, host: "localhost")],
                                                 environment: ["SSL_CERT_FILE": certificates.caCertificatePath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "<h1>porter</h1>\n")
    }

    @Test func capathTrustsAHashedDirectory() async throws {
        let directory = "\(output)/capath"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certificates.caCertificatePath, toPath: "\(directory)/ca.pem")
        let rehash = try await ChildProcess.run("/usr/bin/openssl", ["rehash", directory])
        #expect(rehash.status == 0)
        let result = try await PorterProcess.run(["--capath", directory, nginx.url("/index.html", tls: true, host: "localhost")],
                                                 environment: ["SSL_CERT_FILE": certificates.otherCACertificatePath])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func insecureConnectsAndWarns() async throws {
        let result = try await PorterProcess.run(["-k", nginx.url("/index.html", tls: true, host: "localhost")],
                                                 environment: ["SSL_CERT_FILE": certificates.otherCACertificatePath])
        #expect(result.status == 0)
        #expect(result.stderr.contains("NOT verified"))
        #expect(result.stdoutText == "<h1>porter</h1>\n")
    }

    @Test func includeHeadAndDumpHeader() async throws {
        let included = try await PorterProcess.run(["-i", nginx.url("/index.html")])
        #expect(included.stdoutText.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(included.stdoutText.hasSuffix("\r\n\r\n<h1>porter</h1>\n"))

        let head = try await PorterProcess.run(["-I", nginx.url("/64m.bin", tls: true), "--cacert", certificates.caCertificatePath])
        #expect(head.status == 0)
        #expect(head.stdoutText.contains("Content-Length: 67108864\r\n"))
        #expect(head.stdoutText.hasSuffix("\r\n\r\n"))

        let dump = "\(output)/headers.txt"
        let dumped = try await PorterProcess.run(["-D", dump, nginx.url("/index.html")])
        #expect(dumped.stdoutText == "<h1>porter</h1>\n")
        #expect(try String(contentsOfFile: dump, encoding: .utf8).hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test func followsRedirectsAndShowsEveryHead() async throws {
        let result = try await PorterProcess.run(["-s", "-L", "-i", nginx.url("/old", tls: true, host: "localhost"), "--cacert", certificates.caCertificatePath])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdoutText
        #expect(text.hasPrefix("HTTP/1.1 301 Moved Permanently\r\n"))
        #expect(text.contains("\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(result.stdout.suffix(1024) == TestData.pseudoRandomBytes(count: 1024, seed: 1)[...])
    }

    @Test func failMapsHTTPErrorsToExit22() async throws {
        let result = try await PorterProcess.run(["-f", nginx.url("/missing")])
        #expect(result.status == 22)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("404"))
    }

    @Test func remoteNameWritesIntoTheWorkingDirectory() async throws {
        let directory = "\(output)/remote"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let result = try await ChildProcess.run(try PorterProcess.executablePath(), ["-s", "-O", nginx.url("/1k.bin")], workingDirectory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try TestData.sha256(fileAtPath: "\(directory)/1k.bin") == TestData.sha256(fileAtPath: root.filePath("1k.bin")))
    }
}
