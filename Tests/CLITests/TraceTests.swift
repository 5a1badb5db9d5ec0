import Foundation
import PorterTestSupport
import Testing

/// `--trace`, `--trace-ascii`, `--trace-time` and `--trace-ids`, in curl's layout.
@Suite("porter traces")
struct TraceTests {
    static let response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"

    @Test func traceAsciiShowsEachDirectionAsCurlDoes() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.response)
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "--trace-ascii", "-", server.url("/t")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let head = try #require(server.requestHeads.first)
        #expect(lines.contains("== Info: Connected to 127.0.0.1 (127.0.0.1) port \(server.port) (#0)"))
        #expect(lines.contains("=> Send header, \(head.utf8.count) bytes (0x\(String(head.utf8.count, radix: 16)))"))
        #expect(lines.contains("0000: GET /t HTTP/1.1"))
        #expect(lines.contains("<= Recv header, 38 bytes (0x26)"))
        #expect(lines.contains("0000: HTTP/1.1 200 OK"))
        #expect(lines.contains("0011: Content-Length: 5"))
        #expect(lines.contains("<= Recv data, 5 bytes (0x5)"))
        #expect(lines.contains("0000: hello"))
    }

    @Test func traceShowsTheRequestBody() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.response)
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "--trace-ascii", "-", "-d", "name=value", server.url("/")])
        #expect(result.stdoutText.contains("=> Send data, 10 bytes (0xa)\n0000: name=value\n"), "\(result.stdoutText)")
    }

    @Test func traceDumpsHexAndTextSixteenBytesALine() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.response)
        let directory = NSTemporaryDirectory() + "porter-trace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "--trace", "\(directory)/trace", server.url("/")])
        #expect(result.status == 0)
        let trace = try String(contentsOfFile: "\(directory)/trace", encoding: .utf8)
        #expect(trace.contains("\n0000: 48 54 54 50 2f 31 2e 31 20 32 30 30 20 4f 4b 0d HTTP/1.1 200 OK.\n"))
        #expect(trace.contains("\n0000: 68 65 6c 6c 6f                                  hello\n"))
    }

    /// `--trace-time` and `--trace-ids` prefix `-v` lines too; `-v` after `--trace` wins.
    @Test func prefixesApplyToVerboseLines() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.response)
        let result = try await PorterProcess.run(["-o", "/dev/null", "--trace", "/dev/null", "-v", "--trace-time", "--trace-ids", server.url("/")])
        #expect(result.status == 0)
        let line = try #require(result.stderr.split(separator: "\n").first { $0.contains("> GET / HTTP/1.1") })
        // HH:MM:SS.uuuuuu [transfer-connection] > GET / HTTP/1.1
        let parts = line.split(separator: " ")
        #expect(parts.count >= 3 && parts[0].count == 15 && parts[0].contains(":") && parts[0].contains("."), "\(line)")
        #expect(parts[1] == "[0-0]", "\(line)")
    }
}
