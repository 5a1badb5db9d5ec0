import Foundation
import PorterTestSupport
import Testing

/// `-w/--write-out` and `--timing` against scripted servers.
@Suite("porter write-out")
struct WriteOutTests {
    @Test func reportsStatusSizesAndConnectionReuse() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
        let result = try await PorterProcess.run([
            "-s", "-o", "/dev/null", "-o", "/dev/null",
            "-w", "%{http_code} %{num_connects} %{size_download} %{size_header} %{content_type} %{remote_ip} %{url_effective}\\n",
            server.url("/a"), server.url("/b"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let header = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n".utf8.count
        #expect(result.stdoutText == """
            200 1 5 \(header) text/plain 127.0.0.1 \(server.url("/a"))
            200 0 5 \(header) text/plain 127.0.0.1 \(server.url("/b"))

            """)
    }

    @Test func aFailedTransferIsStillReported() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")
        let result = try await PorterProcess.run(["-s", "-L", "--max-redirs", "1", "-o", "/dev/null", "-w", "%{json}", server.url("/start")])
        #expect(result.status == 47)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(object["exitcode"] as? Int == 47)
        #expect((object["errormsg"] as? String)?.contains("redirects") == true)
        #expect(object["http_code"] as? Int == 0)
    }

    @Test func jsonReportsPhasesInOrder() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "-w", "%{json}", server.url("/")])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let phases = ["time_namelookup", "time_connect", "time_pretransfer", "time_starttransfer", "time_total"]
        let times = phases.compactMap { object[$0] as? Double }
        #expect(times.count == phases.count)
        #expect(times == times.sorted())
        #expect(object["http_code"] as? Int == 200)
        #expect(object["num_connects"] as? Int == 1)
    }

    @Test func timingDrawsOneBlockPerHop() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.target == "/start" {
                    try connection.write("HTTP/1.1 301 Moved\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n")
                } else {
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                }
            }
        }
        let result = try await PorterProcess.run(["-s", "-L", "--timing", server.url("/start")])
        #expect(result.status == 0)
        #expect(result.stderr.contains("* hop 1: 301 \(server.url("/start"))"))
        #expect(result.stderr.contains("* hop 2: 200 \(server.url("/end")) (reused connection)"))
        #expect(result.stderr.contains("TCP connect"))
        #expect(result.stderr.contains("content transfer"))
    }

    /// curl warns of a variable it does not know and runs the transfer (here refused: 7).
    @Test func unknownVariablesAreWarnedOf() async throws {
        let result = try await PorterProcess.run(["-w", "%{no_such_thing}", "http://127.0.0.1:9/"])
        #expect(result.status == 7)
        #expect(result.stderr.contains("warning: unknown --write-out variable %{no_such_thing}"))
    }
}
