import PorterTestSupport
import Testing

/// `porter`'s exit statuses and messages for failures, each against a
/// scripted loopback server: curl's numbers for the same failures.
@Suite("porter exit statuses")
struct ExitStatusTests {
    static func porter(_ arguments: [String]) async throws -> ProcessResult {
        try await PorterProcess.run(arguments, timeout: .seconds(30))
    }

    static func answering(_ response: String) throws -> ScriptedServer {
        try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write(response)
            connection.close()
        }
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 18),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 8),
        ("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", 8),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 56),
        ("", 52),
    ])
    func malformedOrShortResponses(_ response: String, _ status: Int32) async throws {
        let server = try Self.answering(response)
        let result = try await Self.porter(["-s", "-S", server.url("/")])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("porter: (\(status)) "))
    }

    @Test func shortBodyKeepsTheBytesThatArrivedAndSaysHowMany() async throws {
        let server = try Self.answering("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        let result = try await Self.porter([server.url("/")])
        #expect(result.status == 18)
        #expect(result.stdoutText == "short")
        #expect(result.stderr.contains("5") && result.stderr.contains("10"))
    }

    @Test func silentWithoutShowErrorPrintsNothing() async throws {
        let server = try Self.answering("")
        let result = try await Self.porter(["-s", server.url("/")])
        #expect(result.status == 52)
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: [
        (["http://exa mple.com/"], Int32(3), "position 11"),
        (["ftp://example.com/"], 1, "not supported"),
        (["http://127.0.0.1:99999/"], 3, "port"),
        (["--bogus-option", "http://127.0.0.1/"], 2, "bogus-option"),
        ([] as [String], 2, "no URL"),
    ])
    func usageAndURLErrors(_ arguments: [String], _ status: Int32, _ mention: String) async throws {
        let result = try await Self.porter(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
    }

    @Test(arguments: [("CR", "X-A: one\rtwo"), ("LF", "X-A: one\ntwo")])
    func headersWithLineBreaksNeverReachTheWire(_ byte: String, _ header: String) async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let result = try await Self.porter(["-H", header, server.url("/")])
        #expect(result.status == 43, "\(result.stderr.debugDescription)")
        #expect(result.stderr.contains("was not sent"), "\(result.stderr.debugDescription)")
        #expect(server.acceptedConnectionCount == 0)
    }

    @Test func connectionRefusedIs7() async throws {
        let port = try {
            let server = try ScriptedServer.respondingAlways(with: "")
            defer { server.stop() }
            return server.port
        }()
        let result = try await Self.porter(["http://127.0.0.1:\(port)/"])
        #expect(result.status == 7)
        #expect(result.stderr.contains("Connection refused"))
    }

    @Test func maxTimeIs28AndSaysWhichLimit() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            _ = try connection.readToEnd()
        }
        let result = try await Self.porter(["-m", "0.3", server.url("/")])
        #expect(result.status == 28)
        #expect(result.stderr.contains("total time limit"))
    }

    @Test func tooManyRedirectsIs47() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n")
        let result = try await Self.porter(["-L", "--max-redirs", "2", server.url("/")])
        #expect(result.status == 47)
        #expect(result.stderr.contains("maximum (2) redirects"))
        #expect(server.requestHeads.count == 3)
    }

    @Test func postDataAndMethodOverride() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let result = try await Self.porter(["-d", "a=1", "-d", "b=2", server.url("/form"), "-X", "PUT", "-A", "agent/1", "-H", "Accept:"])
        #expect(result.status == 0, "\(result.stderr)")
        let head = try #require(server.requestHeads.first)
        #expect(head.hasPrefix("PUT /form HTTP/1.1\r\n"))
        #expect(head.contains("Content-Length: 7\r\n"))
        #expect(head.contains("Content-Type: application/x-www-form-urlencoded\r\n"))
        #expect(head.contains("User-Agent: agent/1\r\n"))
        #expect(!head.contains("Accept:"))
    }

    @Test func rangeAndHTTP10() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.0 206 Partial Content\r\nContent-Length: 3\r\n\r\nabc")
        let result = try await Self.porter(["-0", "-r", "0-2", server.url("/r")])
        #expect(result.stdoutText == "abc")
        let head = try #require(server.requestHeads.first)
        #expect(head.hasPrefix("GET /r HTTP/1.0\r\n"))
        #expect(head.contains("Range: bytes=0-2\r\n"))
    }
}
