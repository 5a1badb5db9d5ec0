import Foundation
import PorterTestSupport
import Testing

/// `-Z/--parallel`: many transfers at once, each with its own output.
@Suite("porter parallel transfers")
struct ParallelTests {
    @Test func runsManyTransfersAtOnceEachToItsOwnFile() async throws {
        let body = TestData.pseudoRandomBytes(count: 64 * 1024, seed: 9)
        let server = try ScriptedServer.respondingAlways(with: Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let directory = NSTemporaryDirectory() + "porter-parallel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let count = 200
        var arguments = ["-Z", "--parallel-max", "8"]
        for index in 0..<count {
            arguments += [server.url("/\(index)"), "-o", "\(directory)/\(index).bin"]
        }
        let result = try await PorterProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(count) transfers, \(count) succeeded, 0 failed"))
        for index in 0..<count {
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(index).bin"))) == body)
        }
        // At most eight at once: the server saw no more than eight connections.
        #expect(server.acceptedConnectionCount <= 8)
        #expect(server.requestHeads.count == count)
    }

    @Test func oneFailureDoesNotStopTheOthers() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let result = try await PorterProcess.run(["-Z", "-s", "-S", server.url("/a"), "http://exa mple/", server.url("/b")])
        #expect(result.status == 3)
        #expect(result.stdoutText == "okok")
    }
}
