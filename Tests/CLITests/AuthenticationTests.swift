import Foundation
import PorterTestSupport
import Testing

/// `--digest`, `--anyauth`, `--basic` and `.netrc` credentials, against a server that
/// checks Digest answers itself (and accepts curl's, which proves the check right).
@Suite("porter authentication")
struct AuthenticationTests {
    @Test(arguments: ["MD5", "SHA-256"])
    func digestAnswersTheChallenge(_ algorithm: String) async throws {
        let server = try DigestAuthServer(user: "alice", password: "s3cr3t", algorithm: algorithm)
        // curl's own Digest passes the server's check (curl 7.88 speaks MD5 and SHA-256).
        let curl = try await ChildProcess.run("/usr/bin/curl", ["-s", "--digest", "-u", "alice:s3cr3t", server.url("/curl")], timeout: .seconds(30))
        #expect(String(decoding: curl.stdout, as: UTF8.self) == "authorized alice", "the test server's check rejects curl")

        let result = try await PorterProcess.run(["-sS", "-i", "--digest", "-u", "alice:s3cr3t", server.url("/dir/index.html?x=1")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), "-i shows the challenge too, as curl does")
        #expect(result.stdoutText.hasSuffix("authorized alice"))
        let answer = try #require(server.authorizations.last)
        #expect(answer.hasPrefix("Digest username=\"alice\""))
        #expect(answer.contains("uri=\"/dir/index.html?x=1\"") && answer.contains("qop=auth") && answer.contains("algorithm=\(algorithm)"))
        #expect(answer.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""))

        let wrong = try await PorterProcess.run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--digest", "-u", "alice:wrong", server.url("/")])
        #expect(wrong.status == 0)
        #expect(wrong.stdoutText == "401")
    }

    /// `--digest` sends no Basic first; `--anyauth` waits for the challenge and takes the
    /// strongest offered; plain `-u` (or `--basic`) sends Basic at once.
    @Test func schemesAreChosenAsCurlChoosesThem() async throws {
        let server = try DigestAuthServer(user: "bob", password: "pw", offersBasic: true)
        let digest = try await PorterProcess.run(["-sS", "--digest", "-u", "bob:pw", server.url("/")])
        #expect(digest.stdoutText == "authorized bob", "\(digest.stderr)")
        #expect(server.authorizations.count == 1 && server.authorizations[0].hasPrefix("Digest "))

        let any = try await PorterProcess.run(["-sS", "--anyauth", "-u", "bob:pw", server.url("/")])
        #expect(any.stdoutText == "authorized bob", "\(any.stderr)")
        #expect(server.authorizations.count == 2 && server.authorizations[1].hasPrefix("Digest "))

        let basic = try await PorterProcess.run(["-sS", "--digest", "--basic", "-u", "bob:pw", server.url("/")])
        #expect(basic.stdoutText == "authorized bob", "\(basic.stderr)")
        #expect(server.authorizations.last == "Basic Ym9iOnB3")
    }

    /// A Basic-only server with --anyauth: the first request goes without credentials.
    @Test func anyauthFallsBackToBasic() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.value(forHeader: "Authorization") == "Basic Ym9iOnB3" {
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                } else {
                    try connection.write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n")
                }
            }
        }
        let result = try await PorterProcess.run(["-sS", "--anyauth", "-u", "bob:pw", server.url("/")])
        #expect(result.stdoutText == "ok", "\(result.stderr)")
        #expect(server.requestHeads.count == 2)
        #expect(server.requestHeads.first?.contains("Authorization") == false)
    }

    /// `-u user` without a password and without a terminal: `user:` (RFC 7617), not `user`.
    @Test func aUserWithoutPasswordSendsAnEmptyOne() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let result = try await ChildProcess.run("/usr/bin/setsid", ["-w", try PorterProcess.executablePath(), "-sS", "-u", "carol", server.url("/")], timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
        // base64("carol:")
        #expect(server.requestHeads.first?.contains("Authorization: Basic Y2Fyb2w6\r\n") == true)
    }

    @Test func netrcSuppliesCredentials() async throws {
        let directory = NSTemporaryDirectory() + "porter-netrc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let netrc = directory + "/netrc"
        try """
            # a comment
            machine other.invalid login nobody password nothing
            machine 127.0.0.1
              login dave
              password "pass word\\"1"
            macdef init
            cd /pub

            default login anon password guest
            """.write(toFile: netrc, atomically: true, encoding: .utf8)
        let fromFile = try await PorterProcess.run(["-sS", "--netrc-file", netrc, server.url("/")])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let expected = Data("dave:pass word\"1".utf8).base64EncodedString()
        #expect(server.requestHeads.last?.contains("Authorization: Basic \(expected)\r\n") == true)

        // -n reads ~/.netrc ($HOME); the URL's password is ignored under -n, kept under --netrc-optional.
        try FileManager.default.copyItem(atPath: netrc, toPath: directory + "/.netrc")
        let home = ["HOME": directory]
        let required = try await PorterProcess.run(["-sS", "-n", "http://dave:url@127.0.0.1:\(server.port)/"], environment: home)
        #expect(required.status == 0, "\(required.stderr)")
        #expect(server.requestHeads.last?.contains("Authorization: Basic \(expected)\r\n") == true)
        let optional = try await PorterProcess.run(["-sS", "--netrc-optional", "http://dave:url@127.0.0.1:\(server.port)/"], environment: home)
        #expect(optional.status == 0)
        #expect(server.requestHeads.last?.contains("Authorization: Basic \(Data("dave:url".utf8).base64EncodedString())\r\n") == true)
        // -u wins over .netrc; the default entry serves other hosts.
        _ = try await PorterProcess.run(["-sS", "-n", "-u", "erin:x", server.url("/")], environment: home)
        #expect(server.requestHeads.last?.contains("Authorization: Basic \(Data("erin:x".utf8).base64EncodedString())\r\n") == true)
        _ = try await PorterProcess.run(["-sS", "-n", "http://localhost:\(server.port)/"], environment: home)
        #expect(server.requestHeads.last?.contains("Authorization: Basic \(Data("anon:guest".utf8).base64EncodedString())\r\n") == true)

        // A missing file: an error for -n (26), nothing for --netrc-optional.
        let missing = try await PorterProcess.run(["-sS", "--netrc-file", directory + "/none", server.url("/")])
        #expect(missing.status == 26)
        let optionalMissing = try await PorterProcess.run(["-sS", "--netrc-optional", server.url("/")], environment: ["HOME": directory + "/none"])
        #expect(optionalMissing.status == 0)
    }

    /// A 401 after a body from standard input has been sent: it cannot be sent again (65).
    @Test func aChallengeAfterAStreamedBodyIsReported() async throws {
        let server = try DigestAuthServer(user: "alice", password: "pw")
        let result = try await PorterProcess.run(["-sS", "--digest", "-u", "alice:pw", "-T", "-", server.url("/up")], stdin: Array("data".utf8))
        #expect(result.status == 65)
        #expect(result.stderr.contains("cannot be sent again"))
    }
}
