import HTTPTypes
import PorterTestSupport
import Testing
@testable import PorterCore

/// Hostile input from the caller's side, at the library: what never reaches
/// the wire, and what never appears in a message.
@Suite("HTTPClient hostile input")
struct SecurityInputTests {
    @Test func aURLLongerThanTheLimitIsRefusedWithThePosition() throws {
        let text = "http://h/" + String(repeating: "a", count: HTTPURL.maximumLength)
        #expect {
            _ = try HTTPURL(parsing: text)
        } throws: { error in
            let error = error as? PorterError
            return error?.code == .invalidURL && error?.reason.contains("position \(HTTPURL.maximumLength + 1)") == true
        }
        let longest = "http://h/" + String(repeating: "a", count: HTTPURL.maximumLength - 9)
        #expect(try HTTPURL(parsing: longest).target.utf8.count == HTTPURL.maximumLength - 8)
    }

    @Test(arguments: ["\u{0}", "\r", "\n", "\r\nX-Injected: 1"])
    func controlBytesInThePathNeverReachTheWire(_ bytes: String) async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        // Inside the target: HTTPTypes turns the bytes into spaces, which the URL parser refuses.
        // (At the very end it drops them, so they never reach the wire either.)
        for path in ["/a\(bytes)b", "/a?q=\(bytes)&r=1"] {
            let request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: path)
            await #expect(throws: PorterError(.invalidURL, "")) {
                _ = try await HTTPClientTests.fetch(try HTTPClientTests.client(), request)
            }
        }
        #expect(server.acceptedConnectionCount == 0)
    }

    @Test(arguments: ["a\u{0}b", "a\rb", "a\nb", "a\r\nX-Injected: 1"])
    func controlBytesInFieldValuesNeverReachTheWire(_ value: String) async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        var fields = HTTPFields()
        fields[HTTPField.Name("X-Test")!] = value
        _ = try? await HTTPClientTests.fetch(try HTTPClientTests.client(), HTTPClientTests.request(server, fields: fields))
        for head in server.requestHeads {
            let bytes = Array(head.utf8)
            #expect(!bytes.contains(0), "a NUL reached the wire")
            let lines = head.components(separatedBy: "\r\n")
            #expect(!lines.contains { $0.hasPrefix("X-Injected") }, "a field was injected: \(head.debugDescription)")
            #expect(!bytes.enumerated().contains { $0.element == 0x0D && ($0.offset + 1 == bytes.count || bytes[$0.offset + 1] != 0x0A) },
                    "a bare CR reached the wire: \(head.debugDescription)")
            #expect(!bytes.enumerated().contains { $0.element == 0x0A && ($0.offset == 0 || bytes[$0.offset - 1] != 0x0D) },
                    "a bare LF reached the wire: \(head.debugDescription)")
        }
    }

    @Test(arguments: [
        ("http://alice:s3cret@exa mple.com/", "http://alice:******@exa mple.com/"),
        ("https://alice:s3cret@h:99999/", "https://alice:******@h:99999/"),
        ("alice:pw@h/", "alice:**@h/"),
        ("http://alice@h/", "http://alice@h/"),
        ("http://h/a:b@c", "http://h/a:b@c"),
        ("http://u:p@ss@h/", "http://u:****@h/"),
        ("http://u:pässword@h/", "http://u:*********@h/"),
        ("not a url", "not a url"),
    ])
    func maskingAPasswordKeepsEveryPosition(_ text: String, _ masked: String) {
        let result = HTTPURL.maskingPassword(in: text)
        #expect(result == masked)
        #expect(result.utf8.count == text.utf8.count)
    }

    @Test func parseErrorsNeverQuoteThePassword() {
        for text in ["http://alice:s3cret@exa mple.com/", "http://alice:s3cret@h:0/", "http://alice:s3cret@[::1/", "http://alice:s3cret@h^/", "http://alice:s3cret@/x"] {
            #expect {
                _ = try HTTPURL(parsing: text)
            } throws: { error in
                let reason = (error as? PorterError)?.reason ?? ""
                return !reason.contains("s3cret") && reason.contains("alice")
            }
        }
    }
}
