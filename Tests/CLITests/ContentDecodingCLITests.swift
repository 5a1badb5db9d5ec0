import Foundation
import PorterTestSupport
import Testing

/// `--compressed`, `--raw` and `--max-filesize` against scripted responses.
@Suite("porter content decoding")
struct ContentDecodingCLITests {
    /// `bytes` compressed by the system's `gzip` or `zstd` command.
    static func compress(_ bytes: [UInt8], with tool: String) async throws -> [UInt8] {
        let result = try await ChildProcess.run("/usr/bin/\(tool)", ["-c"], stdin: bytes)
        #expect(result.status == 0)
        return result.stdout
    }

    static func serving(_ body: [UInt8], encoding: String) throws -> ScriptedServer {
        try ScriptedServer.respondingAlways(
            with: Array("HTTP/1.1 200 OK\r\nContent-Encoding: \(encoding)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    @Test(arguments: ["gzip", "zstd"])
    func compressedDecodesAndAsksForEveryCoding(_ tool: String) async throws {
        let original = TestData.pseudoRandomBytes(count: 300_000, seed: 7) + Array(repeating: 0x41, count: 300_000)
        let server = try Self.serving(try await Self.compress(original, with: tool), encoding: tool)
        let result = try await PorterProcess.run(["--compressed", server.url("/")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == original)
        #expect(server.requestHeads.first?.contains("Accept-Encoding: gzip, deflate, br, zstd\r\n") == true)
    }

    @Test func withoutCompressedTheBodyPassesThrough() async throws {
        let compressed = try await Self.compress(Array("hello".utf8), with: "gzip")
        let server = try Self.serving(compressed, encoding: "gzip")
        let result = try await PorterProcess.run([server.url("/")])
        #expect(result.stdout == compressed)
        #expect(server.requestHeads.first?.contains("Accept-Encoding") == false)
    }

    @Test func rawPassesTheCodedBytesThrough() async throws {
        let compressed = try await Self.compress(Array("hello".utf8), with: "gzip")
        let server = try Self.serving(compressed, encoding: "gzip")
        let result = try await PorterProcess.run(["--compressed", "--raw", server.url("/")])
        #expect(result.stdout == compressed)
    }

    @Test(arguments: [("gzip", "not gzip at all"), ("compress", "whatever")])
    func corruptOrUnknownCodingsAreExit61(_ encoding: String, _ body: String) async throws {
        let server = try Self.serving(Array(body.utf8), encoding: encoding)
        let result = try await PorterProcess.run(["-s", "-S", "--compressed", server.url("/")])
        #expect(result.status == 61, "\(result.stderr)")
        #expect(result.stderr.contains(encoding))
    }

    @Test func maxFilesizeRefusesALargerContentLengthBeforeTheBody() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + String(repeating: "x", count: 2048))
        let result = try await PorterProcess.run(["--max-filesize", "1k", server.url("/")])
        #expect(result.status == 63)
        #expect(result.stdout.isEmpty)
    }

    @Test func maxFilesizeStopsADecompressionBomb() async throws {
        let bomb = try await Self.compress(Array(repeating: 0, count: 64 << 20), with: "gzip")
        let server = try Self.serving(bomb, encoding: "gzip")
        let result = try await PorterProcess.run(["--compressed", "--max-filesize", "1M", server.url("/")])
        #expect(result.status == 63, "\(result.stderr)")
        #expect(result.stdout.count <= 1 << 20)
    }
}
