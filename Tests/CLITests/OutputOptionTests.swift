import CLinuxIO
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

    /// A server for -J, -R and the ETag options: names a file, dates it, tags it, and
    /// answers 304 when the tag it is asked about matches.
    static func taggingServer() throws -> ScriptedServer {
        try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.value(forHeader: "If-None-Match") == "\"v1\"" {
                    try connection.write("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 0\r\n\r\n")
                    continue
                }
                let name = request.target.hasPrefix("/evil") ? "../../etc/evil.txt" : "report \\\"final\\\".txt"
                try connection.write("""
                    HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename="\(name)"\r\n\
                    Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\nETag: "v1"\r\nContent-Length: 4\r\n\r\nbody
                    """)
            }
        }
    }

    /// `-OJ` takes the server's name with any directory stripped, never overwrites unless
    /// `--clobber`; `-R` dates the file as the server did.
    @Test func remoteHeaderNameAndRemoteTime() async throws {
        let server = try Self.taggingServer()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await PorterProcess.run(["-sS", "-OJ", "-R", "--output-dir", directory, server.url("/download")])
        #expect(first.status == 0, "\(first.stderr)")
        let path = "\(directory)/report \"final\".txt"
        #expect(Self.read(path) == "body")
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(modified?.timeIntervalSince1970 == 784_111_777)
        let evil = try await PorterProcess.run(["-sS", "-OJ", "--output-dir", directory, server.url("/evil")])
        #expect(evil.status == 0, "\(evil.stderr)")
        #expect(Self.read("\(directory)/evil.txt") == "body")
        let again = try await PorterProcess.run(["-sS", "-OJ", "--output-dir", directory, server.url("/download")])
        #expect(again.status == 23)
        #expect(again.stderr.contains("refusing to overwrite"))
        let clobber = try await PorterProcess.run(["-sS", "-OJ", "--clobber", "--output-dir", directory, server.url("/download")])
        #expect(clobber.status == 0)
        let numbered = try await PorterProcess.run(["-sS", "-OJ", "--no-clobber", "--output-dir", directory, server.url("/download")])
        #expect(numbered.status == 0)
        #expect(Self.read("\(path).1") == "body")
    }

    /// `--etag-save` then `--etag-compare` with the same file: the second transfer is a 304.
    @Test func etagsRoundTrip() async throws {
        let server = try Self.taggingServer()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let etag = "\(directory)/etag"
        let save = try await PorterProcess.run(["-sS", "-o", "/dev/null", "--etag-save", etag, server.url("/a")])
        #expect(save.status == 0)
        #expect(Self.read(etag) == "\"v1\"\n")
        let compare = try await PorterProcess.run(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--etag-compare", etag, server.url("/a")])
        #expect(compare.stdoutText == "304")
        #expect(server.requestHeads.last?.contains("\r\nIf-None-Match: \"v1\"\r\n") == true)
        let missing = try await PorterProcess.run(["-s", "-o", "/dev/null", "--etag-compare", "\(directory)/none", server.url("/a")])
        #expect(missing.status == 0)
        #expect(server.requestHeads.last?.contains("\r\nIf-None-Match: \"\"\r\n") == true)
    }

    /// `-z`: a date, `-DATE` for before, or a file's time.
    @Test func timeConditions() async throws {
        let server = try Self.server()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await PorterProcess.run(["-s", "-z", "Sun, 06 Nov 1994 08:49:37 GMT", server.url("/a")])
        #expect(server.requestHeads.last?.contains("\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n") == true)
        _ = try await PorterProcess.run(["-s", "-z", "-2024-01-02", server.url("/b")])
        #expect(server.requestHeads.last?.contains("\r\nIf-Unmodified-Since: Tue, 02 Jan 2024 00:00:00 GMT\r\n") == true)
        let file = "\(directory)/stamp"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: file)
        _ = try await PorterProcess.run(["-s", "-z", file, server.url("/c")])
        #expect(server.requestHeads.last?.contains("\r\nIf-Modified-Since: Sun, 09 Sep 2001 01:46:40 GMT\r\n") == true)
        let neither = try await PorterProcess.run(["-S", "-o", "/dev/null", "-z", "\(directory)/none", server.url("/d")])
        #expect(neither.status == 0)
        #expect(neither.stderr.contains("neither a date nor a file"))
        #expect(server.requestHeads.last?.contains("If-Modified-Since") == false)
    }

    @Test func skipExistingOutNullAndExtendedAttributes() async throws {
        let server = try Self.server()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "old".write(toFile: "\(directory)/kept", atomically: true, encoding: .utf8)
        let before = server.requestHeads.count
        let skipped = try await PorterProcess.run(["-s", "--skip-existing", "-o", "\(directory)/kept", server.url("/new")])
        #expect(skipped.status == 0)
        #expect(Self.read("\(directory)/kept") == "old")
        #expect(server.requestHeads.count == before)
        let discarded = try await PorterProcess.run(["-s", "--out-null", server.url("/hidden"), server.url("/shown")])
        #expect(discarded.stdoutText == "shown")
        let tagged = try await PorterProcess.run(["-s", "--xattr", "-o", "\(directory)/tagged", server.url("/tagged")])
        #expect(tagged.status == 0)
        // The temporary directory's file system may have no user attributes (ENOTSUP); else the URL is there.
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = getxattr("\(directory)/tagged", "user.xdg.origin.url", &buffer, buffer.count)
        #expect(length >= 0 || errno == ENOTSUP, "getxattr: \(String(cString: strerror(errno)))")
        if length >= 0 {
            #expect(String(decoding: buffer.prefix(length), as: UTF8.self) == server.url("/tagged"))
        }
    }

    /// curl's "only if newer" idiom, `-z FILE -o FILE`: a 304, or a 200 whose Last-Modified
    /// is not newer, leaves the file as it was; no empty file is made for a new name.
    @Test func aTimeConditionNeverEmptiesTheFile() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.target == "/304" {
                    try connection.write("HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n")
                } else {
                    // Ignores If-Modified-Since and answers with an old document.
                    try connection.write("HTTP/1.1 200 OK\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 3\r\n\r\nold")
                }
            }
        }
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = "\(directory)/page"
        try "mine".write(toFile: file, atomically: true, encoding: .utf8)
        let notModified = try await PorterProcess.run(["-sS", "-z", file, "-o", file, server.url("/304")])
        #expect(notModified.status == 0)
        #expect(Self.read(file) == "mine")
        let older = try await PorterProcess.run(["-sS", "-z", file, "-o", file, server.url("/old")])
        #expect(older.status == 0)
        #expect(Self.read(file) == "mine")
        let fresh = try await PorterProcess.run(["-sS", "-z", file, "-o", "\(directory)/new", server.url("/304")])
        #expect(fresh.status == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/new"))
    }
}
