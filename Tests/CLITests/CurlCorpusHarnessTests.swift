import Foundation
import PorterTestSupport
import Testing

/// Checks of the curl corpus harness itself, with made-up cases: the `sws` stand-in
/// (CurlTestServer) against a raw socket, the command line it builds, and the comparison.
@Suite("curl corpus harness")
struct CurlCorpusHarnessTests {
    /// A reply part: its name (`data`, `data2`, …), bytes, and the `sws` instructions.
    struct Part {
        var name: String
        var text: String
        var closeAfter = false
        var bounce = false
    }

    /// A case of test `test` built from `parts`, with `fields` overriding the defaults.
    static func corpusCase(test: Int, _ parts: [Part], fields: [String: Any] = [:]) throws -> CurlCorpusCase {
        let replies: [[String: Any]] = parts.map { part in
            let number = part.name == "data" ? test : test * 10000 + Int(part.name.dropFirst(4))!
            var reply: [String: Any] = [
                "part": part.name, "path_number": number, "bytes_b64": Data(part.text.utf8).base64EncodedString(),
                "close_after": part.closeAfter, "lf_only_headers": false,
            ]
            if part.bounce { reply["bounce"] = true }
            return reply
        }
        let url = "http://127.0.0.1:%HTTPPORT/\(test)"
        var object: [String: Any] = [
            "id": "curl-\(test)", "test": test, "name": "harness check", "keywords": [String](),
            "curl_args": [url], "urls": [url], "options": ["include": true], "requires": [String](),
            "replies": replies, "expect_stdout_b64": NSNull(), "expect_stdout_source": NSNull(),
            "expect_stdout_compare": "exact", "expect_header_dump_b64": NSNull(), "expect_exit": 0,
            "expect_exit_any": [0], "expect_request_first_line": NSNull(), "expect_request_lines": NSNull(),
            "uses_port_placeholder": false, "notes": [String](),
        ]
        object.merge(fields) { $1 }
        return try CurlCorpus.decodeCase(Array(try JSONSerialization.data(withJSONObject: object)))
    }

    static func response(_ body: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    // MARK: - The server

    @Test func choosesThePartByTheNumberAfterTheLastSlash() throws {
        let server = try CurlTestServer(serving: Self.corpusCase(test: 450, [
            Part(name: "data", text: Self.response("A"), closeAfter: true),
            Part(name: "data2", text: Self.response("B"), closeAfter: true),
        ]))
        defer { server.stop() }
        let exchanges: [(String, String)] = [
            ("GET /x?y/4500002 HTTP/1.1", Self.response("B")),
            ("GET /want/450 HTTP/1.1", Self.response("A")),
            // No number after the last slash: the case's own test, as sws gets it from curl's harness.
            ("GET /?450 HTTP/1.1", Self.response("A")),
            ("GET /451 HTTP/1.1", ""),
            ("GET /4500007 HTTP/1.1", ""),
        ]
        for (requestLine, reply) in exchanges {
            let received: String = try LoopbackClient.exchange(port: server.port, sending: requestLine + "\r\n\r\n")
            #expect(received == reply, "\(requestLine)")
        }
        #expect(server.requestLines == exchanges.map(\.0))
    }

    @Test func keepsTheConnectionUntilHTTP10OrConnectionClose() throws {
        let server = try CurlTestServer(serving: Self.corpusCase(test: 7, [Part(name: "data", text: Self.response("A"))]))
        defer { server.stop() }
        let get = "GET /7 HTTP/1.1\r\n\r\n"
        let closing = "GET /7 HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n"
        let reply = Self.response("A")
        let first: String = try LoopbackClient.exchange(port: server.port, sending: get + closing + get)
        #expect(first == reply + reply)
        let second: String = try LoopbackClient.exchange(port: server.port, sending: "GET /7 HTTP/1.0\r\n\r\n" + get)
        #expect(second == reply)
        // The client's FIN ends a connection the server would keep.
        let third: String = try LoopbackClient.exchange(port: server.port, sending: get + get, halfClose: true)
        #expect(third == reply + reply)
        #expect(server.requestLines == [
            "GET /7 HTTP/1.1", "GET /7 HTTP/1.1", "GET /7 HTTP/1.0", "GET /7 HTTP/1.1", "GET /7 HTTP/1.1",
        ])
        #expect(server.acceptedConnectionCount == 3)
    }

    @Test func readsTheRequestBodyBeforeTheNextRequest() throws {
        let server = try CurlTestServer(serving: Self.corpusCase(test: 8, [Part(name: "data", text: Self.response("A"))]))
        defer { server.stop() }
        let requests = """
            POST /8 HTTP/1.1\r\nContent-Length: 8\r\n\r\nGET /9 HPOST /8 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
            4\r\nGET \r\n0\r\n\r\nGET /8 HTTP/1.1\r\n\r\n
            """
        let received: String = try LoopbackClient.exchange(port: server.port, sending: requests, halfClose: true)
        #expect(received == String(repeating: Self.response("A"), count: 3))
        #expect(server.requestLines == ["POST /8 HTTP/1.1", "POST /8 HTTP/1.1", "GET /8 HTTP/1.1"])
    }

    @Test func bounceMovesToTheNextPartOfTheSameTest() throws {
        let server = try CurlTestServer(serving: Self.corpusCase(test: 9, [
            Part(name: "data", text: Self.response("swsbounce 0"), bounce: true),
            Part(name: "data1", text: Self.response("swsbounce 1"), bounce: true),
            Part(name: "data2", text: Self.response("2"), closeAfter: true),
        ]))
        defer { server.stop() }
        let get = "GET /9 HTTP/1.1\r\n\r\n"
        let received: String = try LoopbackClient.exchange(port: server.port, sending: get + get + get + get)
        #expect(received == Self.response("swsbounce 0") + Self.response("swsbounce 1") + Self.response("2"))
        // After a part without swsbounce, the number in the target counts again.
        let again: String = try LoopbackClient.exchange(port: server.port, sending: "GET /90002 HTTP/1.1\r\n\r\n")
        #expect(again == Self.response("2"))
    }

    @Test func fillsInThePortAndSendsEmptyPartsAsNothing() throws {
        let redirect = "HTTP/1.1 301 Moved\r\nLocation: http://127.0.0.1:%HTTPPORT/100002\r\nContent-Length: 0\r\n\r\n"
        let server = try CurlTestServer(serving: Self.corpusCase(test: 10, [
            Part(name: "data", text: redirect),
            Part(name: "data2", text: ""),
        ]))
        defer { server.stop() }
        let received: String = try LoopbackClient.exchange(
            port: server.port, sending: "GET /10 HTTP/1.1\r\n\r\nGET /100002 HTTP/1.1\r\n\r\n")
        #expect(received == redirect.replacingOccurrences(of: "%HTTPPORT", with: "\(server.port)"))
        #expect(server.requestLines.count == 2)
    }

    // MARK: - The command line and the comparison

    @Test func buildsTheCommandLineAsCurlsHarnessDoes() throws {
        let corpusCase = try Self.corpusCase(test: 11, [], fields: [
            "curl_args": ["-D", "log/heads11", "http://127.0.0.1:%HTTPPORT/11"],
            "expect_stdout_source": "reply/data",
            "expect_stdout_b64": Data("x".utf8).base64EncodedString(),
            "expect_header_dump_b64": Data("h".utf8).base64EncodedString(),
        ])
        #expect(corpusCase.writesOutputFile)
        #expect(corpusCase.headerDumpPath == "log/heads11")
        #expect(CurlCaseRun.arguments(for: corpusCase, port: 8080, outputPath: "/tmp/out") == [
            "-q", "--include", "-D", "log/heads11", "http://127.0.0.1:8080/11", "--output", "/tmp/out",
        ])
    }

    @Test func reportsEachDifferenceWithWhereItStarts() throws {
        let corpusCase = try Self.corpusCase(test: 12, [], fields: [
            "expect_stdout_source": "verify/stdout",
            "expect_stdout_b64": Data("HTTP/1.1 200 OK\r\nHost: 127.0.0.1:%HTTPPORT\r\n".utf8).base64EncodedString(),
            "expect_exit_any": [0, 18],
            "expect_request_lines": ["GET /12 HTTP/1.1", "GET /120002 HTTP/1.1"],
        ])
        let matching = CurlCaseRun(
            port: 5000, arguments: [], status: 18, stdout: Array("HTTP/1.1 200 OK\r\nHost: 127.0.0.1:5000\r\n".utf8),
            stderr: "", outputFile: nil, headerDump: nil, requestLines: ["GET /12 HTTP/1.1", "GET /120002 HTTP/1.1"],
            serverErrors: [], harnessError: nil)
        #expect(CurlCaseMismatch.all(for: corpusCase, in: matching).isEmpty)

        var differing = matching
        differing.status = 8
        differing.stderr = "  % Total\r  0     0\nporter: (8) bad\n"
        differing.stdout = Array("HTTP/1.1 200 OK\n".utf8)
        differing.requestLines = ["GET /12 HTTP/1.1"]
        let mismatches = CurlCaseMismatch.all(for: corpusCase, in: differing)
        #expect(mismatches.map(\.aspect) == [.exit, .output, .requestLines])
        #expect(mismatches[0].summary == #"exit 8, expected one of 0, 18 (stderr: "porter: (8) bad")"#)
        #expect(mismatches[1].summary == """
            stdout differs at byte 15 (16 bytes, expected 39): \
            got …"\\n", expected …"\\r\\nHost: 127.0.0.1:5000\\r\\n"
            """)
        #expect(mismatches[2].summary == #"1 request lines, expected 2; missing "GET /120002 HTTP/1.1""#)
    }
}
