import Foundation
import PorterTestSupport
import Testing

/// The options that shape a request, each against a server that shows what it received:
/// query and body options, `-F` parts, header files, method rules across redirects.
@Suite("porter request options")
struct RequestOptionTests {
    /// A server that answers every request with its request line, its head, and its body.
    static func echo() throws -> ScriptedServer {
        try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let body = Array("\(request.requestLine)\n".utf8) + request.body
                try connection.write(Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            }
        }
    }

    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "porter-request-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func queryAndBodyOptionsEncodeAsCurl8Does() async throws {
        let server = try Self.echo()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "from file & more\n".write(toFile: directory + "/value", atomically: true, encoding: .utf8)
        let forms = try await PorterProcess.run([
            "-s", "--data-urlencode", "plain text", "--data-urlencode", "=a&b", "--data-urlencode", "name=x y",
            "--data-urlencode", "@\(directory)/value", "--data-urlencode", "file@\(directory)/value", "--data-raw", "@raw",
            server.url("/post"),
        ])
        #expect(forms.stdoutText == "POST /post HTTP/1.1\nplain+text&a%26b&name=x+y&from+file+%26+more%0A&file=from+file+%26+more%0A&@raw")

        let get = try await PorterProcess.run(["-s", "-G", "-d", "a=1", "--data-urlencode", "b=c d", server.url("/get?z=0")])
        #expect(get.stdoutText == "GET /get?z=0&a=1&b=c+d HTTP/1.1\n")
        let query = try await PorterProcess.run(["-s", "--url-query", "q=1 2", "--url-query", "+raw=%41", server.url("/q")])
        #expect(query.stdoutText == "GET /q?q=1+2&raw=%41 HTTP/1.1\n")
        // A query that is no valid URL text is a bad URL (3), as in curl.
        let bad = try await PorterProcess.run(["-sS", "-G", "-d", "b=2 3", server.url("/")])
        #expect(bad.status == 3)
    }

    @Test func formPartsTakeTypesNamesAndHeaders() async throws {
        let server = try Self.echo()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "<p>hi</p>".write(toFile: directory + "/page.html", atomically: true, encoding: .utf8)
        try "X-Extra: 1\n# comment\nX-Other: 2\n".write(toFile: directory + "/headers", atomically: true, encoding: .utf8)
        let result = try await PorterProcess.run([
            "-s", "-F", "page=@\(directory)/page.html", "-F", "data=@\(directory)/page.html;type=text/plain;filename=renamed.txt",
            "-F", "note=hello;headers=X-Note: yes", "-F", "more=value;headers=@\(directory)/headers",
            "-F", "quoted=\"a;b\";type=text/x-q", "--form-string", "literal=@not-a-file;type=x", "-F", "=nameless",
            server.url("/form"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let body = result.stdoutText
        #expect(body.contains("name=\"page\"; filename=\"page.html\"\r\nContent-Type: text/html\r\n\r\n<p>hi</p>"))
        #expect(body.contains("name=\"data\"; filename=\"renamed.txt\"\r\nContent-Type: text/plain\r\n\r\n<p>hi</p>"))
        #expect(body.contains("name=\"note\"\r\nX-Note: yes\r\n\r\nhello"))
        #expect(body.contains("name=\"more\"\r\nX-Extra: 1\r\nX-Other: 2\r\n\r\nvalue"))
        #expect(body.contains("name=\"quoted\"\r\nContent-Type: text/x-q\r\n\r\na;b\r\n"))
        #expect(body.contains("name=\"literal\"\r\n\r\n@not-a-file;type=x\r\n"))
        #expect(body.contains("Content-Disposition: form-data; name=\"\"\r\n\r\nnameless\r\n"))
        let bad = try await PorterProcess.run(["-F", "novalue", server.url("/")])
        #expect(bad.status == 2)
    }

    @Test func headerFilesAndAnEmptyUserAgent() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "X-One: 1\r\nX-Two: 2\n\nAccept:\n".write(toFile: directory + "/headers", atomically: true, encoding: .utf8)
        let result = try await PorterProcess.run(["-sS", "-H", "@\(directory)/headers", "-A", "", server.url("/")])
        #expect(result.status == 0, "\(result.stderr)")
        let head = try #require(server.requestHeads.first)
        #expect(head.contains("\r\nX-One: 1\r\n") && head.contains("\r\nX-Two: 2\r\n"))
        #expect(!head.contains("User-Agent") && !head.contains("Accept:"))
        let missing = try await PorterProcess.run(["-H", "@\(directory)/none", server.url("/")])
        #expect(missing.status == 26)
    }

    /// `-T -`: standard input, of unknown length, goes chunked.
    @Test func uploadFromStandardInputIsChunked() async throws {
        let server = try Self.echo()
        let result = try await PorterProcess.run(["-sS", "-T", "-", server.url("/up")], stdin: Array("line one\nline two\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "PUT /up HTTP/1.1\nline one\nline two\n")
        #expect(server.requestHeads.first?.contains("\r\nTransfer-Encoding: chunked\r\n") == true)
    }

    /// curl: -I, -F, -d and -T each ask for their own method; two of them are exit 2.
    @Test(arguments: [
        ["-F", "a=1", "-d", "b=2"], ["-d", "a=1", "-T", "/dev/null"], ["-I", "-d", "a=1"], ["-I", "-F", "a=1"], ["-F", "a=1", "-T", "/dev/null"],
    ])
    func twoRequestMethodsAreRefused(_ arguments: [String]) async throws {
        let result = try await PorterProcess.run(arguments + ["http://127.0.0.1:9/"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("You can only select one HTTP request method!"))
    }

    /// `-X` with `-L` keeps its method across 301, 302 and 303 (curl's documented rule);
    /// `-d` alone becomes GET; `--follow` changes even `-X` as the status says: a method that
    /// sent a body becomes GET after 301 and 302 as POST does (curl's tests 794 and 796), and
    /// anything after 303.
    @Test func methodsAcrossRedirects() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if let code = ["301", "302", "303"].first(where: { request.target == "/\($0)" }) {
                    try connection.write("HTTP/1.1 \(code) Moved\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n")
                } else {
                    let line = "\(request.method) \(request.body.count)"
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(line.utf8.count)\r\n\r\n\(line)")
                }
            }
        }
        for code in ["301", "302", "303"] {
            let custom = try await PorterProcess.run(["-sL", "-X", "PUT", "-d", "x", server.url("/\(code)")])
            #expect(custom.stdoutText == "PUT 0", "\(code) with -X PUT")
            let post = try await PorterProcess.run(["-sL", "-d", "x", server.url("/\(code)")])
            #expect(post.stdoutText == "GET 0", "\(code) with -d")
            let follow = try await PorterProcess.run(["-s", "--follow", "-X", "PUT", "-d", "x", server.url("/\(code)")])
            #expect(follow.stdoutText == "GET 0", "\(code) with --follow -X PUT")
        }
    }

    /// Credentials go to the first origin only, unless `--location-trusted`.
    @Test func locationTrustedSendsCredentialsToTheNextHost() async throws {
        let target = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", address: "127.0.0.2")
        let redirector = try ScriptedServer.respondingAlways(with: "HTTP/1.1 302 Found\r\nLocation: \(target.url("/"))\r\nContent-Length: 0\r\n\r\n")
        _ = try await PorterProcess.run(["-sL", "-u", "u:p", redirector.url("/")])
        #expect(target.requestHeads.last?.contains("Authorization") == false)
        _ = try await PorterProcess.run(["-sL", "--location-trusted", "-u", "u:p", redirector.url("/")])
        #expect(target.requestHeads.last?.contains("Authorization: Basic dTpw\r\n") == true)
    }

    /// `--proto` limits the URLs fetched, `--proto-redir` the redirects; an unknown name is a warning.
    @Test func protocolsLimitURLsAndRedirects() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/x\r\nContent-Length: 0\r\n\r\n")
        let refused = try await PorterProcess.run(["-sS", "--proto", "=https", server.url("/")])
        #expect(refused.status == 1)
        #expect(server.requestHeads.isEmpty)
        let redirect = try await PorterProcess.run(["-sSL", "--proto-redir", "=https", server.url("/")])
        #expect(redirect.status == 1)
        #expect(redirect.stderr.contains("not an allowed redirect protocol"))
        let unknown = try await PorterProcess.run(["-S", "--proto", "-bogus", "-o", "/dev/null", server.url("/")])
        #expect(unknown.status == 0)
        #expect(unknown.stderr.contains("warning: --proto: unrecognized protocol 'bogus'"))
    }

    @Test func requestTargetSchemeDefaultAndUserNames() async throws {
        let server = try Self.echo()
        let options = try await PorterProcess.run(["-s", "-X", "OPTIONS", "--request-target", "*", server.url("/ignored")])
        #expect(options.stdoutText == "OPTIONS * HTTP/1.1\n")
        let plain = try await PorterProcess.run(["-s", "127.0.0.1:\(server.port)/no-scheme"])
        #expect(plain.stdoutText == "GET /no-scheme HTTP/1.1\n")
        // --proto-default https: a URL without a scheme is an https one.
        let refusing = try RefusingPort()
        let secure = try await PorterProcess.run(["-s", "-w", "%{scheme} %{url_effective}", "--proto-default", "https", "127.0.0.1:\(refusing.port)/"])
        #expect(secure.status == 7)
        #expect(secure.stdoutText == "HTTPS https://127.0.0.1:\(refusing.port)/")
        let refused = try await PorterProcess.run(["-sS", "--disallow-username-in-url", "http://u:p@127.0.0.1:\(server.port)/"])
        #expect(refused.status == 67)
        #expect(!refused.stderr.contains(":p@"))
    }

    @Test func formEscapeUsesBackslashes() async throws {
        let server = try Self.echo()
        let escaped = try await PorterProcess.run(["-s", "--form-escape", "-F", "a\"b=1", server.url("/")])
        #expect(escaped.stdoutText.contains("name=\"a\\\"b\""))
        let encoded = try await PorterProcess.run(["-s", "-F", "a\"b=1", server.url("/")])
        #expect(encoded.stdoutText.contains("name=\"a%22b\""))
    }

    /// `-j` reads a cookie file without its session cookies.
    @Test func junkSessionCookiesDropsThemFromTheFile() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\ts\n127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tlasting\tl\n"
            .write(toFile: directory + "/jar", atomically: true, encoding: .utf8)
        _ = try await PorterProcess.run(["-s", "-b", directory + "/jar", server.url("/")])
        #expect(server.requestHeads.last?.contains("Cookie: session=s; lasting=l\r\n") == true || server.requestHeads.last?.contains("Cookie: lasting=l; session=s\r\n") == true)
        _ = try await PorterProcess.run(["-s", "-j", "-b", directory + "/jar", server.url("/")])
        #expect(server.requestHeads.last?.contains("Cookie: lasting=l\r\n") == true)
    }
}
