import Foundation
import PorterTestSupport
import Testing

/// Credentials, cookies and uploads against scripted servers.
@Suite("porter credentials, cookies and uploads")
struct AuthCookiesUploadTests {
    static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "porter-\(UUID().uuidString)-\(name)"
    }

    @Test func userAndBearerCredentials() async throws {
        let server = try ScriptedServer.respondingAlways(with: Self.ok)
        _ = try await PorterProcess.run(["-s", "-u", "alice:wonder land", server.url("/a")])
        _ = try await PorterProcess.run(["-s", "--oauth2-bearer", "tok3n", server.url("/b")])
        #expect(server.requestHeads[0].contains("Authorization: Basic YWxpY2U6d29uZGVyIGxhbmQ=\r\n"))
        #expect(server.requestHeads[1].contains("Authorization: Bearer tok3n\r\n"))
    }

    @Test func aCookieJarRoundTrip() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.target == "/login" {
                    try connection.write("""
                        HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Path=/; HttpOnly\r\n\
                        Set-Cookie: theme=dark; Path=/app; Max-Age=3600\r\n\
                        Set-Cookie: gone=1; Max-Age=0\r\n\
                        Set-Cookie: onlytls=1; Secure\r\nContent-Length: 2\r\n\r\nok
                        """)
                } else {
                    try connection.write(Self.ok)
                }
            }
        }
        let jar = Self.temporaryPath("jar.txt")
        defer { try? FileManager.default.removeItem(atPath: jar) }
        let login = try await PorterProcess.run(["-s", "-c", jar, server.url("/login")])
        #expect(login.status == 0, "\(login.stderr)")
        let contents = try String(contentsOfFile: jar, encoding: .utf8)
        #expect(contents.hasPrefix("# Netscape HTTP Cookie File"))
        #expect(contents.contains("#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc"))
        #expect(contents.contains("\ttheme\tdark"))
        #expect(!contents.contains("gone") && !contents.contains("onlytls"))

        _ = try await PorterProcess.run(["-s", "-b", jar, server.url("/app/page"), server.url("/other")])
        let heads = server.requestHeads
        #expect(heads[1].contains("Cookie: theme=dark; session=abc\r\n"))
        #expect(heads[2].contains("Cookie: session=abc\r\n"))
    }

    @Test func cookiesStayWithTheirHostAcrossRedirects() async throws {
        let target = try ScriptedServer.respondingAlways(with: Self.ok)
        let origin = try ScriptedServer.respondingAlways(with: """
            HTTP/1.1 302 Found\r\nSet-Cookie: session=abc\r\nLocation: http://localhost:\(target.port)/\r\nContent-Length: 0\r\n\r\n
            """)
        let result = try await PorterProcess.run(["-s", "-L", "-b", "", "-b", "literal=1", origin.url("/")])
        #expect(result.status == 0, "\(result.stderr)")
        let landing = try #require(target.requestHeads.first)
        #expect(!landing.contains("session=abc"))
        #expect(!landing.contains("literal=1"))
        #expect(origin.requestHeads.first?.contains("Cookie: literal=1\r\n") == true)
    }

    @Test func uploadStreamsAFileWithPUT() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let digest = TestData.sha256(request.body)
                try connection.write("HTTP/1.1 201 Created\r\nContent-Length: \(digest.utf8.count)\r\n\r\n\(digest)")
            }
        }
        let path = Self.temporaryPath("upload.bin")
        let content = TestData.pseudoRandomBytes(count: 3 << 20, seed: 11)
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await PorterProcess.run(["-s", "-T", path, server.url("/files/")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == TestData.sha256(content))
        let head = try #require(server.requestHeads.first)
        #expect(head.hasPrefix("PUT /files/\(path.split(separator: "/").last!) HTTP/1.1\r\n"))
        #expect(head.contains("Content-Length: \(content.count)\r\n"))
    }

    @Test func formAndJSONBodies() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let echo = request.body
                try connection.write(Array("HTTP/1.1 200 OK\r\nContent-Length: \(echo.count)\r\n\r\n".utf8) + echo)
            }
        }
        let file = Self.temporaryPath("photo.jpg")
        try Data("JPEGDATA".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let form = try await PorterProcess.run(["-s", "-F", "name=porter", "-F", "photo=@\(file)", server.url("/form")])
        let head = try #require(server.requestHeads.first)
        let boundary = try #require(head.split(separator: "\r\n").first { $0.hasPrefix("Content-Type: multipart/form-data; boundary=") }?
            .split(separator: "=").last.map(String.init))
        #expect(form.stdoutText == """
            --\(boundary)\r\nContent-Disposition: form-data; name="name"\r\n\r\nporter\r\n\
            --\(boundary)\r\nContent-Disposition: form-data; name="photo"; filename="\(file.split(separator: "/").last!)"\r\n\
            Content-Type: image/jpeg\r\n\r\nJPEGDATA\r\n--\(boundary)--\r\n
            """)
        #expect(head.hasPrefix("POST /form HTTP/1.1\r\n"))

        let json = try await PorterProcess.run(["-s", "--json", "{\"a\":1}", server.url("/json")])
        #expect(json.stdoutText == "{\"a\":1}")
        let jsonHead = try #require(server.requestHeads.last)
        #expect(jsonHead.contains("Content-Type: application/json\r\n"))
        #expect(jsonHead.contains("Accept: application/json\r\n"))
        #expect(!jsonHead.contains("Accept: */*"))
    }
}
