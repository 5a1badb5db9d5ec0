import Foundation
import PorterTestSupport
import Synchronization
import Testing

// Checks that the helpers in PorterTestSupport do what their documentation
// says, using independent clients (curl, openssl, a bare socket) so that a
// failure points at the helper, not at Porter.

private let openssl = "/usr/bin/openssl"
private let curl = "/usr/bin/curl"

// MARK: - TestCertificates

@Suite("TestCertificates")
struct TestCertificatesSelfTests {
    let certificates: TestCertificates

    init() throws {
        certificates = try TestCertificates.shared
    }

    @Test("the leaf verifies against the root for every name it carries", arguments: [
        ["-verify_hostname", "localhost"],
        ["-verify_ip", "127.0.0.1"],
        ["-verify_ip", "::1"],
    ])
    func leafVerifies(nameCheck: [String]) async throws {
        let result = try await ChildProcess.run(
            openssl,
            ["verify", "-CAfile", certificates.caCertificatePath, "-purpose", "sslserver"] + nameCheck
                + [certificates.leafChainPath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains(": OK"))
    }

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let trusted: KeyPath<TestCertificates, String> & Sendable
        let presented: KeyPath<TestCertificates, String> & Sendable
        let extra: [String]
        let reason: String
        var testDescription: String { name }
    }

    @Test("openssl verify rejects what it must", arguments: [
        Rejection(
            name: "expired leaf", trusted: \.caCertificatePath, presented: \.expiredLeafCertificatePath,
            extra: [], reason: "certificate has expired"),
        Rejection(
            name: "leaf checked against the other CA", trusted: \.otherCACertificatePath,
            presented: \.leafCertificatePath, extra: [], reason: "unable to get local issuer certificate"),
        Rejection(
            name: "wrong-host leaf for localhost", trusted: \.caCertificatePath,
            presented: \.wrongHostLeafCertificatePath, extra: ["-verify_hostname", "localhost"],
            reason: "hostname mismatch"),
        Rejection(
            name: "leaf for another IP", trusted: \.caCertificatePath, presented: \.leafCertificatePath,
            extra: ["-verify_ip", "127.0.0.2"], reason: "IP address mismatch"),
    ])
    func rejection(_ fixture: Rejection) async throws {
        let result = try await ChildProcess.run(
            openssl,
            ["verify", "-CAfile", certificates[keyPath: fixture.trusted]] + fixture.extra
                + [certificates[keyPath: fixture.presented]])
        #expect(result.status != 0)
        #expect((result.stdoutText + result.stderr).contains(fixture.reason), "\(result.stderr)")
    }

    @Test func leafCarriesServerExtensions() async throws {
        let result = try await ChildProcess.run(
            openssl,
            ["x509", "-noout", "-in", certificates.leafCertificatePath, "-ext",
             "basicConstraints,extendedKeyUsage,subjectAltName"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("CA:FALSE"))
        #expect(result.stdoutText.contains("TLS Web Server Authentication"))
        #expect(result.stdoutText.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"))
    }

    @Test func expiredLeafHasFixedPastDates() async throws {
        let result = try await ChildProcess.run(
            openssl, ["x509", "-noout", "-dates", "-in", certificates.expiredLeafCertificatePath])
        #expect(result.stdoutText == "notBefore=Jan  1 00:00:00 2020 GMT\nnotAfter=Dec 31 23:59:59 2020 GMT\n")
    }

    @Test func chainFileIsLeafThenRoot() throws {
        let chain = try String(contentsOfFile: certificates.leafChainPath, encoding: .utf8)
        let leaf = try String(contentsOfFile: certificates.leafCertificatePath, encoding: .utf8)
        let root = try String(contentsOfFile: certificates.caCertificatePath, encoding: .utf8)
        #expect(chain == leaf + root)
    }

    @Test func sharedIsMadeOnceAcrossThreads() async throws {
        let directories = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try TestCertificates.shared.directory }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(directories == [certificates.directory])
    }

    @Test func makeCreatesAnIndependentSet() throws {
        let own = try TestCertificates.make()
        #expect(own.directory != certificates.directory)
        #expect(FileManager.default.fileExists(atPath: own.leafKeyPath))
        #expect(
            try String(contentsOfFile: own.caCertificatePath, encoding: .utf8)
                != String(contentsOfFile: certificates.caCertificatePath, encoding: .utf8))
        try own.removeDirectory()
        #expect(!FileManager.default.fileExists(atPath: own.directory))
    }
}

// MARK: - ScriptedServer

@Suite("ScriptedServer")
struct ScriptedServerSelfTests {
    static let echo: ScriptedServer.Handler = { connection in
        guard let request = try connection.readRequest() else { return }
        try connection.write(
            "HTTP/1.1 200 OK\r\nContent-Length: \(request.body.count)\r\nX-Method: \(request.method)\r\n"
                + "X-Te: \(request.value(forHeader: "transfer-encoding") ?? "-")\r\nConnection: close\r\n\r\n")
        try connection.write(request.body)
        connection.close()
    }

    @Test("plain server answers a raw request", arguments: ["127.0.0.1", "::1"])
    func plainRawRequest(address: String) throws {
        let server = try ScriptedServer(address: address, handler: Self.echo)
        defer { server.stop() }
        let reply = try LoopbackClient.exchange(
            host: address, port: server.port,
            sending: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        #expect(reply == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Method: POST\r\nX-Te: -\r\nConnection: close\r\n\r\nhello")
        #expect(server.requestHeads == ["POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"])
        #expect(server.acceptedConnectionCount == 1)
        #expect(server.errors.isEmpty)
    }

    @Test func decodesChunkedBodiesAndBareLineFeeds() throws {
        let server = try ScriptedServer(handler: Self.echo)
        defer { server.stop() }
        let reply = try LoopbackClient.exchange(
            port: server.port,
            sending: "PUT /up HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n")
        #expect(reply.hasSuffix("X-Method: PUT\r\nX-Te: chunked\r\nConnection: close\r\n\r\nhello world"))
        #expect(server.requestHeads == ["PUT /up HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n"])
    }

    @Test func respondingAlwaysKeepsTheConnectionAlive() throws {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let server = try ScriptedServer.respondingAlways(with: response)
        defer { server.stop() }
        let request = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        let reply = try LoopbackClient.exchange(
            port: server.port, sending: request + request + request, halfClose: true)
        #expect(reply == response + response + response)
        #expect(server.acceptedConnectionCount == 1)
        #expect(server.requestHeads == [request, request, request])
    }

    @Test("TLS server answers curl", arguments: ["127.0.0.1", "::1"])
    func tlsWithCurl(address: String) async throws {
        let certificates = try TestCertificates.shared
        let server = try ScriptedServer.respondingAlways(
            with: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", security: .tls(certificates), address: address)
        defer { server.stop() }
        let result = try await ChildProcess.run(
            curl, ["-sS", "--cacert", certificates.caCertificatePath, server.url("/a"), server.url("/b")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "hellohello")
        #expect(server.acceptedConnectionCount == 1)
        #expect(server.requestHeads.map { $0.split(separator: "\r\n").first } == ["GET /a HTTP/1.1", "GET /b HTTP/1.1"])
    }

    @Test func tlsServerAnswersOpenSSLClient() async throws {
        let certificates = try TestCertificates.shared
        let server = try ScriptedServer(security: .tls(certificates), handler: Self.echo)
        defer { server.stop() }
        let result = try await ChildProcess.run(
            openssl,
            ["s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost",
             "-CAfile", certificates.caCertificatePath, "-verify_return_error", "-verify_hostname", "localhost",
             "-quiet"],
            stdin: Array("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc".utf8),
            timeout: .seconds(20))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.hasPrefix("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"))
        #expect(result.stdoutText.hasSuffix("\r\n\r\nabc"))
    }

    @Test func tlsCarriesLargeBodiesBothWaysWithExpectContinue() async throws {
        let certificates = try TestCertificates.shared
        let files = try DocumentRoot.make()
        defer { try? files.remove() }
        let upload = try files.makeFile(named: "upload.bin", size: 3 << 20, seed: 4)
        let payload = TestData.pseudoRandomBytes(count: 8 << 20, seed: 5)
        let server = try ScriptedServer(security: .tls(certificates)) { connection in
            guard let head = try connection.readRequest(readingBody: false) else { return }
            if head.value(forHeader: "Expect")?.lowercased() == "100-continue" {
                try connection.write("HTTP/1.1 100 Continue\r\n\r\n")
            }
            let request = try connection.readBody(of: head)
            try connection.write(
                "HTTP/1.1 200 OK\r\nContent-Length: \(payload.count)\r\n"
                    + "X-Body-SHA256: \(TestData.sha256(request.body))\r\n\r\n")
            try connection.write(payload)
        }
        defer { server.stop() }
        let result = try await ChildProcess.run(
            curl,
            ["-sS", "--cacert", certificates.caCertificatePath, "-H", "Expect: 100-continue",
             "--data-binary", "@\(upload)", "-D", files.filePath("headers.txt"), "-o", files.filePath("download.bin"),
             server.url("/upload")])
        #expect(result.status == 0, "\(result.stderr)")
        let headers = try String(contentsOfFile: files.filePath("headers.txt"), encoding: .utf8)
        #expect(headers.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(headers.contains("X-Body-SHA256: \(try TestData.sha256(fileAtPath: upload))\r\n"))
        #expect(try TestData.sha256(fileAtPath: files.filePath("download.bin")) == TestData.sha256(payload))
        #expect(server.errors.isEmpty)
    }

    @Test func tlsHandshakeFailureIsRecorded() async throws {
        let certificates = try TestCertificates.shared
        let server = try ScriptedServer.respondingAlways(with: "unused", security: .tls(certificates))
        defer { server.stop() }
        let result = try await ChildProcess.run(
            curl, ["-sS", "--cacert", certificates.otherCACertificatePath, server.url()])
        #expect(result.status == 60, "\(result.stderr)")
        let errors = try await eventually { server.errors.first }
        #expect(errors.contains("TLS handshake failed"))
    }

    @Test func expiredCertificateIsServedAsIs() async throws {
        let certificates = try TestCertificates.shared
        let server = try ScriptedServer.respondingAlways(
            with: "unused",
            security: .tls(
                certificateChainPath: certificates.expiredLeafCertificatePath,
                privateKeyPath: certificates.expiredLeafKeyPath))
        defer { server.stop() }
        let result = try await ChildProcess.run(curl, ["-sS", "--cacert", certificates.caCertificatePath, server.url()])
        #expect(result.status == 60)
        #expect(result.stderr.contains("expired"))
    }

    @Test("closing with and without close_notify", arguments: [true, false])
    func closeNotify(sendsCloseNotify: Bool) async throws {
        let certificates = try TestCertificates.shared
        let server = try ScriptedServer(security: .tls(certificates)) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\n\r\nuntil-close")
            if sendsCloseNotify {
                connection.close()
            } else {
                connection.closeWithoutNotify()
            }
        }
        defer { server.stop() }
        // curl 7.88 ignores a missing close_notify, so ask openssl, which reports it.
        let result = try await ChildProcess.run(
            openssl,
            ["s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", certificates.caCertificatePath,
             "-verify_return_error", "-quiet", "-msg"],
            stdin: Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), timeout: .seconds(20))
        #expect(result.stdoutText.contains("HTTP/1.1 200 OK\r\n\r\nuntil-close"))
        if sendsCloseNotify {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdoutText.contains("<<< TLS 1.3, Alert [length 0002], warning close_notify"))
        } else {
            #expect(result.status != 0)
            #expect(result.stderr.contains("unexpected eof while reading"))
            #expect(!result.stdoutText.contains("close_notify"))
        }
    }

    @Test func resetSendsRST() throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            connection.reset()
        }
        defer { server.stop() }
        let error = #expect(throws: TestSupportError.self) {
            _ = try LoopbackClient.exchange(port: server.port, sending: "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        #expect(error?.message.contains("connection reset") == true)
    }

    @Test func stopEndsBlockedHandlersAndRefusesNewConnections() throws {
        let started = Flag()
        let server = try ScriptedServer { connection in
            _ = try connection.readBytes(count: 4)
            started.set()
            // The rest of the unfinished head is buffered; this blocks until
            // stop() shuts the socket down.
            _ = try connection.readRequest()
        }
        let port = server.port
        let blocked = Thread {
            _ = try? LoopbackClient.exchange(port: port, sending: "GET / HTTP/1.1\r\n")
        }
        blocked.start()
        _ = try eventuallyBlocking { started.isSet ? true : nil }
        let stopping = ContinuousClock.now
        server.stop()
        server.stop()
        #expect(ContinuousClock.now - stopping < .seconds(3))
        #expect(server.errors.first?.contains("connection closed inside a request head") == true)
        #expect(throws: TestSupportError.self) {
            _ = try LoopbackClient.exchange(port: port, sending: "GET / HTTP/1.1\r\n\r\n")
        }
    }

    @Test func refusesNonLoopbackAddresses() {
        #expect(throws: TestSupportError.self) {
            _ = try ScriptedServer(address: "0.0.0.0") { _ in }
        }
    }
}

// MARK: - NginxServer

@Suite("NginxServer")
struct NginxServerSelfTests {
    @Test func servesTheSameFileOverBothPortsWithKeepAlive() async throws {
        let certificates = try TestCertificates.shared
        let root = try DocumentRoot.make()
        defer { try? root.remove() }
        let source = try root.makeFile(named: "data/1m.bin", size: 1 << 20, seed: 7)
        try root.writeFile(named: "index.html", contents: "<h1>porter</h1>\n")
        let downloads = try DocumentRoot.make()
        defer { try? downloads.remove() }

        let nginx = try NginxServer(
            documentRoot: root.path, certificates: certificates,
            extraServerConfiguration: "location = /old { return 301 /index.html; }")
        defer { nginx.stop() }

        let plain = try await ChildProcess.run(
            curl, ["-sS", "-o", downloads.filePath("plain.bin"), nginx.url("/data/1m.bin")])
        #expect(plain.status == 0, "\(plain.stderr)")
        let secure = try await ChildProcess.run(
            curl,
            ["-sS", "--cacert", certificates.caCertificatePath,
             "-o", downloads.filePath("tls-1.bin"), nginx.url("/data/1m.bin", tls: true, host: "localhost"),
             "-o", downloads.filePath("tls-2.bin"), nginx.url("/data/1m.bin", tls: true, host: "localhost")])
        #expect(secure.status == 0, "\(secure.stderr)")

        let expected = TestData.sha256(TestData.pseudoRandomBytes(count: 1 << 20, seed: 7))
        #expect(try TestData.sha256(fileAtPath: source) == expected)
        for name in ["plain.bin", "tls-1.bin", "tls-2.bin"] {
            #expect(try TestData.sha256(fileAtPath: downloads.filePath(name)) == expected, "\(name)")
        }

        let log = try nginx.accessLog(waitingFor: 3)
        try #require(log.count == 3, "\(log.map(\.line))")
        #expect(log.allSatisfy { $0.status == 200 && $0.bodyBytesSent == 1 << 20 && $0.target == "/data/1m.bin" })
        #expect(log[0].serverPort == nginx.plainPort && log[0].tlsProtocol == nil)
        #expect(log[1].serverPort == nginx.tlsPort && log[1].tlsProtocol == "TLSv1.3")
        // The two URLs of one curl command share one kept-alive connection.
        #expect(log[1].connection == log[2].connection)
        #expect(log[1].connectionRequests == 1)
        #expect(log[2].connectionRequests == 2)
        #expect(log[0].connection != log[1].connection)
        #expect(log[0].userAgent?.hasPrefix("curl/") == true)

        let redirect = try await ChildProcess.run(
            curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", nginx.url("/old")])
        #expect(redirect.stdoutText == "301")
    }

    @Test func servesOverIPv6AndTLS12() async throws {
        let certificates = try TestCertificates.shared
        let root = try DocumentRoot.make()
        defer { try? root.remove() }
        try root.writeFile(named: "index.html", contents: "<h1>porter</h1>\n")
        let nginx = try NginxServer(documentRoot: root.path, certificates: certificates)
        defer { nginx.stop() }
        try #require(nginx.listensOnIPv6)
        let result = try await ChildProcess.run(
            curl,
            ["-sS", "--tlsv1.2", "--tls-max", "1.2", "--cacert", certificates.caCertificatePath,
             nginx.url("/", tls: true, host: "[::1]")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "<h1>porter</h1>\n")
        let log = try nginx.accessLog(waitingFor: 1)
        #expect(log.map(\.tlsProtocol) == ["TLSv1.2"])
        #expect(log.map(\.request) == ["GET / HTTP/1.1"])
    }

    @Test func stopEndsNginx() throws {
        let certificates = try TestCertificates.shared
        let root = try DocumentRoot.make()
        defer { try? root.remove() }
        let nginx = try NginxServer(documentRoot: root.path, certificates: certificates)
        let port = nginx.plainPort
        nginx.stop()
        #expect(!FileManager.default.fileExists(atPath: nginx.prefix))
        #expect(throws: TestSupportError.self) {
            _ = try LoopbackClient.exchange(port: port, sending: "GET / HTTP/1.1\r\n\r\n")
        }
    }
}

// MARK: - TestData

@Suite("TestData")
struct TestDataSelfTests {
    @Test func sha256MatchesKnownVectors() {
        #expect(TestData.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TestData.sha256([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func streamIsDeterministicAndSeeded() {
        let long = TestData.pseudoRandomBytes(count: 200_000, seed: 1)
        #expect(TestData.pseudoRandomBytes(count: 100_001, seed: 1) == Array(long.prefix(100_001)))
        #expect(TestData.pseudoRandomBytes(count: 64, seed: 2) != Array(long.prefix(64)))
        #expect(Set(long.prefix(4096)).count > 200)
    }

    @Test func makes64MiBFilesQuicklyAndHashesThemLikeSha256sum() async throws {
        let root = try DocumentRoot.make()
        defer { try? root.remove() }
        let started = ContinuousClock.now
        let path = try root.makeFile(named: "64m.bin", size: 64 << 20, seed: 3)
        let digest = try TestData.sha256(fileAtPath: path)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 64 << 20)
        let reference = try await ChildProcess.run("/usr/bin/sha256sum", [path])
        #expect(reference.stdoutText.hasPrefix(digest + " "))
    }
}

// MARK: - ChildProcess and PorterProcess

@Suite("ChildProcess")
struct ChildProcessSelfTests {
    @Test func drainsLargeStdoutAndStderrTogether() async throws {
        let result = try await ChildProcess.run(
            "/bin/sh", ["-c", "head -c 3000000 /dev/zero >&2; head -c 5000000 /dev/zero; echo done >&2"])
        #expect(result.status == 0)
        #expect(result.stdout.count == 5_000_000)
        #expect(result.stderr.utf8.count == 3_000_005)
    }

    @Test func feedsStdinAndSurvivesAChildThatIgnoresIt() async throws {
        let input = TestData.pseudoRandomBytes(count: 3 << 20)
        let echoed = try await ChildProcess.run("/bin/cat", [], stdin: input)
        #expect(echoed.stdout == input)
        let ignored = try await ChildProcess.run("/bin/true", [], stdin: input)
        #expect(ignored.status == 0)
    }

    @Test func reportsStatusSignalsAndEnvironment() async throws {
        #expect(try await ChildProcess.run("/bin/sh", ["-c", "exit 7"]).status == 7)
        #expect(try await ChildProcess.run("/bin/sh", ["-c", "kill -9 $$"]).status == 128 + 9)
        let environment = try await ChildProcess.run(
            "/bin/sh", ["-c", "printf %s \"$PORTER_SELF_TEST\""], environment: ["PORTER_SELF_TEST": "set"])
        #expect(environment.stdoutText == "set")
    }

    @Test func killsAChildPastItsTimeout() async throws {
        // A child that outlived its timeout would exit 0 after 30 s and not throw.
        await #expect(throws: TestSupportError.self) {
            _ = try await ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(300))
        }
    }

    @Test func findsAndRunsPorter() async throws {
        let path = try PorterProcess.executablePath()
        #expect(FileManager.default.isExecutableFile(atPath: path))
        let result = try await PorterProcess.run(["--help"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }
}

// MARK: - Helpers

/// Polls `value` every 20 ms until it is non-nil; fails after 5 seconds.
private func eventually<T: Sendable>(_ value: @escaping @Sendable () -> T?) async throws -> T {
    for _ in 0..<250 {
        if let result = value() {
            return result
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestSupportError("condition not met within 5 seconds")
}

/// A flag one thread sets and another polls.
private final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// The blocking form of `eventually`, for synchronous tests.
private func eventuallyBlocking<T>(_ value: () -> T?) throws -> T {
    for _ in 0..<250 {
        if let result = value() {
            return result
        }
        usleep(20_000)
    }
    throw TestSupportError("condition not met within 5 seconds")
}
