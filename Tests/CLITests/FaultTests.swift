import Foundation
import PorterTestSupport
import Testing

/// `porter` against broken and hostile servers, each scripted on loopback,
/// over plain TCP and TLS alike: the failure is clean, its exit status is
/// curl's, the message says what happened, and no partial body passes for
/// a complete one.
///
/// No test asserts wall-clock time, which a loaded machine or a sanitizer
/// stretches: each server's script outlasts the limit under test by far
/// (20 seconds, or forever), so only that limit can end porter with the
/// status and message expected.
@Suite("porter against faulty servers")
struct FaultTests {
    enum Scheme: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case http, https
        var testDescription: String { rawValue }
    }

    static func server(_ scheme: Scheme, handler: @escaping ScriptedServer.Handler) throws -> ScriptedServer {
        try ScriptedServer(security: scheme == .https ? .tls(try TestCertificates.shared) : .plain, handler: handler)
    }

    /// Runs porter trusting the test CA.
    static func porter(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> ProcessResult {
        try await PorterProcess.run(["--cacert", try TestCertificates.shared.caCertificatePath] + arguments, timeout: timeout)
    }

    /// A path in a fresh temporary directory that the test removes.
    static func temporaryPath(_ name: String) throws -> (directory: String, path: String) {
        let directory = NSTemporaryDirectory() + "porter-fault-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory, "\(directory)/\(name)")
    }

    /// A server that reads the request, writes `bytes`, waits `pause` microseconds (time
    /// for the client to take them) and resets the connection.
    static func resetting(_ scheme: Scheme, after bytes: [UInt8] = [], pause: useconds_t = 0) throws -> ScriptedServer {
        try server(scheme) { connection in
            _ = try connection.readRequest()
            if !bytes.isEmpty { try connection.write(bytes) }
            usleep(pause)
            connection.reset()
        }
    }

    static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Writes `prefix`, then `unit` again and again until the client goes
    /// away or `seconds` pass: an endless head, chunk stream or line.
    static func sendEndlessly(_ connection: ServerConnection, prefix: String, unit: [UInt8], seconds: Double = 20) {
        let end = Date().addingTimeInterval(seconds)
        do {
            try connection.write(prefix)
            while Date() < end { try connection.write(unit) }
        } catch {
            // The client hung up: what the test expects.
        }
    }

    // MARK: - Connecting

    @Test(arguments: Scheme.allCases)
    func connectionRefused(_ scheme: Scheme) async throws {
        let port = try {
            let server = try ScriptedServer.respondingAlways(with: "")
            defer { server.stop() }
            return server.port
        }()
        let result = try await Self.porter(["-s", "-S", "\(scheme)://127.0.0.1:\(port)/"])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.stderr.contains("Connection refused") && result.stderr.contains("\(port)"), "\(result.stderr)")
    }

    // MARK: - Resets

    @Test(arguments: Scheme.allCases)
    func resetBeforeTheResponse(_ scheme: Scheme) async throws {
        let server = try Self.resetting(scheme)
        let (directory, path) = try Self.temporaryPath("out")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await Self.porter(["-s", "-S", "-o", path, server.url("/")])
        #expect(result.status == 56, "\(result.stderr)")
        #expect(result.stderr.contains("Connection reset by peer"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing arrived, so no output file is made")
    }

    @Test(arguments: Scheme.allCases)
    func resetInsideTheHead(_ scheme: Scheme) async throws {
        let server = try Self.resetting(scheme, after: Array("HTTP/1.1 200 OK\r\nContent-Le".utf8), pause: 200_000)
        let result = try await Self.porter(["-s", "-S", server.url("/")])
        #expect(result.status == 56, "\(result.stderr)")
        #expect(result.stderr.contains("Connection reset by peer"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: Scheme.allCases)
    func resetInsideTheBodyKeepsWhatArrived(_ scheme: Scheme) async throws {
        let content = TestData.pseudoRandomBytes(count: 100_000, seed: 11)
        let server = try Self.resetting(
            scheme, after: Array("HTTP/1.1 200 OK\r\nContent-Length: \(content.count)\r\n\r\n".utf8) + content[..<30_000], pause: 300_000)
        let (directory, path) = try Self.temporaryPath("out")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await Self.porter(["-s", "-S", "-o", path, server.url("/")])
        #expect(result.status == 56, "\(result.stderr)")
        #expect(result.stderr.contains("Connection reset by peer"), "\(result.stderr)")
        #expect(Self.contents(path) == Array(content[..<30_000]))
    }

    @Test(arguments: Scheme.allCases)
    func resetInsideAChunk(_ scheme: Scheme) async throws {
        let server = try Self.resetting(
            scheme, after: Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\na\r\n01234".utf8), pause: 300_000)
        let result = try await Self.porter(["-s", "-S", server.url("/")])
        #expect(result.status == 56, "\(result.stderr)")
        #expect(result.stderr.contains("Connection reset by peer"), "\(result.stderr)")
        #expect(result.stdoutText == "hello01234")
    }

    // MARK: - Bodies cut short

    /// The first request gets 40% of the body and a close (on TLS without
    /// `close_notify`); later ones are answered as a range server would.
    static func cutThenResumingServer(_ scheme: Scheme, content: [UInt8], cutAt: Int) throws -> ScriptedServer {
        try Self.server(scheme) { connection in
            while let request = try connection.readRequest() {
                guard let range = request.value(forHeader: "Range") else {
                    try connection.write(Array("HTTP/1.1 200 OK\r\nContent-Length: \(content.count)\r\n\r\n".utf8) + content[..<cutAt])
                    if scheme == .https {
                        connection.closeWithoutNotify()
                    } else {
                        connection.close()
                    }
                    return
                }
                guard range.hasPrefix("bytes="), range.hasSuffix("-"), let start = Int(range.dropFirst(6).dropLast()) else {
                    throw TestSupportError("unexpected Range \(range)")
                }
                let part = content[start...]
                try connection.write(
                    Array("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(start)-\(content.count - 1)/\(content.count)\r\nContent-Length: \(part.count)\r\n\r\n".utf8) + part)
            }
        }
    }

    @Test(arguments: Scheme.allCases)
    func closeBeforeContentLengthIs18AndTheFileCanBeResumed(_ scheme: Scheme) async throws {
        let content = TestData.pseudoRandomBytes(count: 100_000, seed: 12)
        let server = try Self.cutThenResumingServer(scheme, content: content, cutAt: 40_000)
        let (directory, path) = try Self.temporaryPath("download.bin")
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let cut = try await Self.porter(["-s", "-S", "-o", path, "-w", "%{exitcode} %{size_download}\n", server.url("/file")])
        #expect(cut.status == 18, "\(cut.stderr)")
        #expect(cut.stderr.contains("40000 of 100000"), "the message gives the bytes received and expected: \(cut.stderr)")
        #expect(cut.stdoutText == "18 40000\n", "the write-out reports the failure, not a complete transfer")
        #expect(Self.contents(path) == Array(content[..<40_000]), "exactly the bytes that arrived")

        let resumed = try await Self.porter(["-s", "-S", "-C", "-", "-o", path, server.url("/file")])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(Self.contents(path) == content)
        #expect(server.requestHeads.last?.contains("Range: bytes=40000-\r\n") == true)
    }

    @Test(arguments: [true, false])
    func tlsCloseWithoutNotifyEndsACloseDelimitedBodyAsPossiblyTruncated(_ sendsCloseNotify: Bool) async throws {
        let server = try Self.server(.https) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\n\r\nbody until close")
            if sendsCloseNotify {
                connection.close()
            } else {
                connection.closeWithoutNotify()
            }
        }
        let result = try await Self.porter(["-s", "-S", server.url("/")])
        #expect(result.stdoutText == "body until close")
        if sendsCloseNotify {
            #expect(result.status == 0, "\(result.stderr)")
        } else {
            #expect(result.status == 56, "\(result.stderr)")
            #expect(result.stderr.contains("without close_notify") && result.stderr.contains("truncated"), "\(result.stderr)")
        }
    }

    // MARK: - Servers that never answer

    @Test(arguments: Scheme.allCases)
    func maxTimeFiresWhenTheServerAcceptsAndNeverAnswers(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            _ = try connection.readToEnd()
        }
        let result = try await Self.porter(["-s", "-S", "-m", "0.5", server.url("/")])
        #expect(result.status == 28, "\(result.stderr)")
        #expect(result.stderr.contains("the total time limit (0.5 seconds)"), "\(result.stderr)")
    }

    @Test func connectTimeoutFiresWhenTheTLSHandshakeIsNeverAnswered() async throws {
        // A plain server that reads the ClientHello and says nothing.
        let server = try ScriptedServer { connection in _ = try connection.readToEnd() }
        let result = try await Self.porter(["-s", "-S", "--connect-timeout", "0.5", "https://127.0.0.1:\(server.port)/"])
        #expect(result.status == 28, "\(result.stderr)")
        #expect(result.stderr.contains("the connect timeout (0.5 seconds)") && result.stderr.contains("TLS handshake"), "\(result.stderr)")
    }

    @Test(arguments: Scheme.allCases)
    func connectTimeoutFiresWhenTheTCPConnectHangs(_ scheme: Scheme) async throws {
        let blackhole = try BlackholeListener()
        let result = try await Self.porter(["-s", "-S", "--connect-timeout", "0.5", "\(scheme)://127.0.0.1:\(blackhole.port)/"])
        #expect(result.status == 28, "\(result.stderr)")
        #expect(result.stderr.contains("connect timeout"), "\(result.stderr)")
    }

    @Test(arguments: Scheme.allCases)
    func slowlorisHeadIsBoundedByMaxTime(_ scheme: Scheme) async throws {
        // One byte of the head every 100 ms: the bytes keep coming, the head never ends.
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            let head = Array("HTTP/1.1 200 OK\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200)
            for byte in head {
                try connection.write([byte])
                usleep(100_000)
            }
        }
        let result = try await Self.porter(["-s", "-S", "-m", "1", server.url("/")])
        #expect(result.status == 28, "\(result.stderr)")
        #expect(result.stderr.contains("the total time limit (1.0 seconds)"), "\(result.stderr)")
    }

    @Test(arguments: Scheme.allCases)
    func maxTimeFiresWhileAnEndlessBodyKeepsArriving(_ scheme: Scheme) async throws {
        // The limit holds even when every read finds data waiting (the library's
        // FaultHandlingTests make that certain with a slow consumer).
        let unit = Array("4000\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 0x4000) + Array("\r\n".utf8)
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            Self.sendEndlessly(connection, prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", unit: unit)
        }
        let (directory, path) = try Self.temporaryPath("endless")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await Self.porter(["-s", "-S", "-m", "1", "-o", path, server.url("/")])
        #expect(result.status == 28, "\(result.stderr)")
        #expect(result.stderr.contains("the total time limit (1.0 seconds)"), "\(result.stderr)")
    }

    // MARK: - Endless and oversized responses

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n", "X-Filler: " + String(repeating: "f", count: 100) + "\r\n", Int32(56), "larger than 307200 bytes"),
        ("HTTP/1.1 200 OK\r\n", "X: a\r\n", 100, "more than 5000 header fields"),
        ("HTTP/1.1 200 OK\r\nX-Long: ", String(repeating: "a", count: 1000), 100, "longer than 102400 bytes"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;", String(repeating: "e=x;", count: 100), 56, "chunk-size line is longer than 4096 bytes"),
    ])
    func endlessHeadsAndChunkLinesHitTheirLimits(_ prefix: String, _ unit: String, _ status: Int32, _ message: String) async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            Self.sendEndlessly(connection, prefix: prefix, unit: Array(unit.utf8))
        }
        let result = try await Self.porter(["-s", "-S", "-m", "20", server.url("/")])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: Scheme.allCases)
    func endlessChunkStreamStopsAtMaxFilesize(_ scheme: Scheme) async throws {
        let unit = Array("400\r\n".utf8) + Array(repeating: UInt8(ascii: "c"), count: 0x400) + Array("\r\n".utf8)
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            Self.sendEndlessly(connection, prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", unit: unit)
        }
        let (directory, path) = try Self.temporaryPath("capped")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await Self.porter(["-s", "-S", "--max-filesize", "1M", "-m", "20", "-o", path, server.url("/")])
        #expect(result.status == 63, "\(result.stderr)")
        #expect(result.stderr.contains("1048576"), "\(result.stderr)")
        #expect((Self.contents(path)?.count ?? 0) <= 1 << 20)
    }

    // MARK: - Not HTTP, or not the protocol expected

    @Test(arguments: Scheme.allCases)
    func garbageInsteadOfHTTP(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            try connection.write(Array((0...255).map { UInt8($0) }.reversed()) + TestData.pseudoRandomBytes(count: 4096, seed: 13))
            connection.close()
        }
        let result = try await Self.porter(["-s", "-S", server.url("/")])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("does not start with an HTTP/1.x status line"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func tlsServerThatHangsUpOnPlainHTTPIsNamedAsTheLikelyCause() async throws {
        // A TLS server given "GET / HTTP/1.1" fails its handshake and closes,
        // without an alert, as OpenSSL's servers do.
        let server = try ScriptedServer(security: .tls(try TestCertificates.shared)) { _ in }
        let result = try await Self.porter(["-s", "-S", "http://127.0.0.1:\(server.port)/"])
        #expect(result.status == 52, "\(result.stderr)")
        #expect(result.stderr.contains("expects TLS, use https://"), "\(result.stderr)")
        #expect(result.stderr.contains("port \(server.port)"), "\(result.stderr)")
    }

    @Test func tlsServerThatAnswersPlainHTTPWithAnAlertIsNamed() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            // A fatal protocol_version alert in a TLS 1.0 record.
            try connection.write([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
            connection.close()
        }
        let result = try await Self.porter(["-s", "-S", server.url("/")])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("answered in TLS, not plain HTTP: try https://"), "\(result.stderr)")
    }

    @Test func plainHTTPOnATLSPortIsNamed() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readBytes(count: 5)
            try connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            connection.close()
        }
        let result = try await Self.porter(["-s", "-S", "https://127.0.0.1:\(server.port)/"])
        #expect(result.status == 35, "\(result.stderr)")
        #expect(result.stderr.contains("did not answer in TLS") && result.stderr.contains("try http://"), "\(result.stderr)")
    }

    @Test(arguments: [false, true])
    func tlsAlertMidHandshakeIs35AndNamesTheAlert(_ insecure: Bool) async throws {
        let server = try ScriptedServer { connection in
            let header = try connection.readBytes(count: 5)
            guard let length = TLSClientHello.recordLength(header: header) else {
                throw TestSupportError("the client did not start with a TLS handshake record")
            }
            _ = try connection.readBytes(count: length - 5)
            // A fatal handshake_failure alert (RFC 8446 §6), instead of a ServerHello.
            try connection.write([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
            connection.close()
        }
        let result = try await Self.porter(["-s", "-S"] + (insecure ? ["-k"] : []) + ["https://127.0.0.1:\(server.port)/"])
        #expect(result.status == 35, "\(result.stderr)")
        #expect(result.stderr.contains("alert handshake failure"), "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1 port \(server.port)"), "\(result.stderr)")
    }

    // MARK: - Redirect loops

    @Test(arguments: Scheme.allCases)
    func redirectLoopIs47AfterTheDefaultLimit(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            while let request = try connection.readRequest() {
                let next = request.target == "/a" ? "/b" : "/a"
                try connection.write("HTTP/1.1 302 Found\r\nLocation: \(next)\r\nContent-Length: 0\r\n\r\n")
            }
        }
        let result = try await Self.porter(["-s", "-S", "-L", "-o", "/dev/null", server.url("/a")])
        #expect(result.status == 47, "\(result.stderr)")
        #expect(result.stderr.contains("maximum (50) redirects"), "\(result.stderr)")
        #expect(server.requestHeads.count == 51)
        #expect(server.acceptedConnectionCount == 1, "the loop runs on one kept-alive connection")
    }

    // MARK: - A full disk

    @Test func aFullDiskIs23AndKeepsOnlyWhatWasWritten() async throws {
        let content = TestData.pseudoRandomBytes(count: 200_000, seed: 14)
        let server = try ScriptedServer.respondingAlways(with: Array("HTTP/1.1 200 OK\r\nContent-Length: \(content.count)\r\n\r\n".utf8) + content)
        // A 64 KiB tmpfs where mounting is allowed (root); /dev/full otherwise.
        let fileSystem = try? SmallFileSystem(bytes: 64 * 1024)
        defer { fileSystem?.unmount() }
        let path = fileSystem.map { "\($0.directory)/download.bin" } ?? "/dev/full"
        let result = try await Self.porter(["-s", "-S", "-o", path, "-w", "%{exitcode}\n", server.url("/big")])
        #expect(result.status == 23, "\(result.stderr)")
        #expect(result.stderr.contains("writing to \(path) failed after") && result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(result.stdoutText == "23\n")
        if fileSystem != nil {
            let written = try #require(Self.contents(path))
            #expect(written.count < content.count)
            #expect(written == Array(content[..<written.count]), "the file holds a true prefix of the body")
        }
    }
}
