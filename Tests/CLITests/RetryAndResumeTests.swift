import Foundation
import PorterTestSupport
import Synchronization
import Testing

/// `--retry` and `-C` against scripted servers that fail, then succeed.
@Suite("porter retries and resume")
struct RetryAndResumeTests {
    /// A server that answers the first `failures` requests with `failure`, then with `success`.
    static func failingThenSucceeding(_ failures: Int, failure: String, success: String) throws -> ScriptedServer {
        let count = Atomic<Int>(0)
        return try ScriptedServer { connection in
            while try connection.readRequest() != nil {
                let index = count.wrappingAdd(1, ordering: .relaxed).oldValue
                try connection.write(index < failures ? failure : success)
            }
        }
    }

    @Test func retriesATransientStatusAndWritesOnlyTheFinalBody() async throws {
        let server = try Self.failingThenSucceeding(
            2, failure: "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 4\r\n\r\nbusy",
            success: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let result = try await PorterProcess.run(["--retry", "3", server.url("/")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "ok")
        #expect(server.requestHeads.count == 3)
        #expect(result.stderr.contains("HTTP error 503; will retry in 0 seconds, 2 retries left"))
    }

    @Test func givesUpAfterTheRetriesAndWritesTheLastAnswer() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 4\r\n\r\nbusy")
        let result = try await PorterProcess.run(["-f", "--retry", "1", server.url("/")])
        #expect(result.status == 22)
        #expect(server.requestHeads.count == 2)
    }

    @Test func doesNotRetryAPostUnlessAskedTo() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n")
        _ = try await PorterProcess.run(["--retry", "2", "-d", "x", server.url("/")])
        #expect(server.requestHeads.count == 1)
        let again = try ScriptedServer.respondingAlways(with: "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n")
        _ = try await PorterProcess.run(["--retry", "2", "--retry-all-errors", "-d", "x", again.url("/")])
        #expect(again.requestHeads.count == 3)
    }

    @Test func retriesARefusedConnectionOnlyWithConnrefused() async throws {
        let port = try {
            let server = try ScriptedServer.respondingAlways(with: "")
            defer { server.stop() }
            return server.port
        }()
        let plain = try await PorterProcess.run(["--retry", "2", "--retry-delay", "0", "http://127.0.0.1:\(port)/"])
        #expect(plain.status == 7)
        #expect(!plain.stderr.contains("will retry"))
        let refused = try await PorterProcess.run(["--retry", "2", "--retry-delay", "0", "--retry-connrefused", "http://127.0.0.1:\(port)/"])
        #expect(refused.status == 7)
        #expect(refused.stderr.components(separatedBy: "will retry").count == 3)
    }

    // MARK: - Resume

    static func rangeServer(_ content: [UInt8], honoursRanges: Bool = true) throws -> ScriptedServer {
        try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if honoursRanges, let range = request.value(forHeader: "Range"), range.hasPrefix("bytes="),
                   let start = Int(range.dropFirst(6).dropLast()) {
                    if start >= content.count {
                        try connection.write("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(content.count)\r\nContent-Length: 0\r\n\r\n")
                    } else {
                        let part = Array(content[start...])
                        try connection.write(Array("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(start)-\(content.count - 1)/\(content.count)\r\nContent-Length: \(part.count)\r\n\r\n".utf8) + part)
                    }
                } else {
                    try connection.write(Array("HTTP/1.1 200 OK\r\nContent-Length: \(content.count)\r\n\r\n".utf8) + content)
                }
            }
        }
    }

    static func temporaryFile(_ contents: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "porter-resume-\(UUID().uuidString)"
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func continuesAPartialDownload() async throws {
        let content = TestData.pseudoRandomBytes(count: 100_000, seed: 3)
        let server = try Self.rangeServer(content)
        let path = try Self.temporaryFile(Array(content[..<40_000]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await PorterProcess.run(["-C", "-", "-o", path, server.url("/file")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == content)
        #expect(server.requestHeads.first?.contains("Range: bytes=40000-\r\n") == true)
    }

    @Test func aCompleteFileIsLeftAlone() async throws {
        let content = TestData.pseudoRandomBytes(count: 1000, seed: 4)
        let server = try Self.rangeServer(content)
        let path = try Self.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await PorterProcess.run(["-C", "-", "-o", path, server.url("/file")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == content)
    }

    @Test func aServerThatIgnoresTheRangeDoesNotCorruptTheFile() async throws {
        let content = TestData.pseudoRandomBytes(count: 10_000, seed: 5)
        let server = try Self.rangeServer(content, honoursRanges: false)
        let partial = Array(content[..<4000])
        let path = try Self.temporaryFile(partial)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await PorterProcess.run(["-C", "-", "-o", path, server.url("/file")])
        #expect(result.status == 33)
        #expect(result.stderr.contains("ignored the range"))
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == partial)
    }

    @Test func noProgressMeterWhenStandardErrorIsNotATerminal() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let result = try await PorterProcess.run(["-#", "-o", "/dev/null", server.url("/")])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
    }
}
