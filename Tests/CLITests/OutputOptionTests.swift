import Foundation
import PorterTestSupport
import Testing

/// Where bodies go, and what the command's exit status says, with several URLs.
@Suite("porter output options")
struct OutputOptionTests {
    static func server() throws -> ScriptedServer {
        try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.target.hasPrefix("/missing") {
                    try connection.write("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone")
                } else if request.target.hasPrefix("/cut") {
                    // Promises 100 bytes, sends 4, closes: a partial download.
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart")
                    connection.close()
                    return
                } else {
                    let body = String(request.target.dropFirst())
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                }
            }
        }
    }

    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "porter-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func globValuesNameTheOutputs() async throws {
        let server = try Self.server()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await PorterProcess.run(["-s", "-o", "\(directory)/#2_#1.txt", server.url("/{a,b}[1-2]")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.read("\(directory)/1_a.txt") == "a1" && Self.read("\(directory)/2_b.txt") == "b2")
        // Without a glob (or with -g), #1 is a literal part of the name, as in curl.
        let literal = try await PorterProcess.run(["-s", "-o", "\(directory)/out_#1.txt", server.url("/plain")])
        #expect(literal.status == 0, "\(literal.stderr)")
        #expect(Self.read("\(directory)/out_#1.txt") == "plain")
        // urlnum is the command-line URL's number, shared by the URLs of its glob.
        let numbers = try await PorterProcess.run(["-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{urlnum}/%{xfer_id} ", server.url("/[1-2]"), server.url("/x")])
        #expect(numbers.stdoutText == "0/0 0/1 1/2 ")
    }

    @Test func directoriesRemoteNamesAndNoClobber() async throws {
        let server = try Self.server()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = try await PorterProcess.run(["-s", "--create-dirs", "-o", "\(directory)/a/b/c.txt", server.url("/deep")])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(Self.read("\(directory)/a/b/c.txt") == "deep")
        let inDirectory = try await PorterProcess.run(["-s", "--output-dir", directory, "--remote-name-all", server.url("/one"), server.url("/two")])
        #expect(inDirectory.status == 0, "\(inDirectory.stderr)")
        #expect(Self.read("\(directory)/one") == "one" && Self.read("\(directory)/two") == "two")
        for _ in 0..<2 {
            let again = try await PorterProcess.run(["-s", "--no-clobber", "--output-dir", directory, "-O", server.url("/one")])
            #expect(again.status == 0)
        }
        #expect(Self.read("\(directory)/one") == "one" && Self.read("\(directory)/one.1") == "one" && Self.read("\(directory)/one.2") == "one")
    }

    /// `--remove-on-error` removes what the failed transfer wrote, never a file it did not open.
    @Test func removeOnErrorRemovesOnlyWhatItWrote() async throws {
        let server = try Self.server()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let partial = try await PorterProcess.run(["-s", "--remove-on-error", "-o", "\(directory)/partial", server.url("/cut")])
        #expect(partial.status == 18)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/partial"))
        try "keep".write(toFile: "\(directory)/kept", atomically: true, encoding: .utf8)
        let refusing = try RefusingPort()
        let refused = try await PorterProcess.run(["-s", "--remove-on-error", "-o", "\(directory)/kept", "http://127.0.0.1:\(refusing.port)/"])
        #expect(refused.status == 7)
        let failed = try await PorterProcess.run(["-s", "-f", "--remove-on-error", "-o", "\(directory)/kept", server.url("/missing")])
        #expect(failed.status == 22)
        #expect(Self.read("\(directory)/kept") == "keep")
        let without = try await PorterProcess.run(["-s", "-o", "\(directory)/partial", server.url("/cut")])
        #expect(without.status == 18)
        #expect(Self.read("\(directory)/partial") == "part")
    }

    /// curl: one after another, the last transfer's result is the exit status; with
    /// `--fail-early` the first failure ends the command; `-Z` reports a failure.
    @Test func theExitStatusFollowsCurl() async throws {
        let server = try Self.server()
        let refusing = try RefusingPort()
        let closed = "http://127.0.0.1:\(refusing.port)/"
        let lastSucceeds = try await PorterProcess.run(["-s", "-o", "/dev/null", "-o", "/dev/null", closed, server.url("/ok")])
        #expect(lastSucceeds.status == 0)
        let lastFails = try await PorterProcess.run(["-s", "-o", "/dev/null", "-f", server.url("/ok"), server.url("/missing")])
        #expect(lastFails.status == 22)
        let early = try await PorterProcess.run(["-s", "--fail-early", closed, server.url("/after")])
        #expect(early.status == 7)
        #expect(!server.requestHeads.contains { $0.hasPrefix("GET /after ") })
        let parallel = try await PorterProcess.run(["-s", "-Z", "-o", "/dev/null", "-o", "/dev/null", closed, server.url("/ok")])
        #expect(parallel.status == 7)
    }

    /// `--stderr FILE` and `--stderr -` take the diagnostics.
    @Test func stderrRedirectsDiagnostics() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let refusing = try RefusingPort()
        let toFile = try await PorterProcess.run(["-sS", "--stderr", "\(directory)/log", "http://127.0.0.1:\(refusing.port)/"])
        #expect(toFile.status == 7)
        #expect(toFile.stderr.isEmpty)
        #expect(Self.read("\(directory)/log")?.contains("porter: (7)") == true)
        let toStdout = try await PorterProcess.run(["-sS", "--stderr", "-", "http://127.0.0.1:\(refusing.port)/"])
        #expect(toStdout.stdoutText.contains("porter: (7)"))
    }
}
