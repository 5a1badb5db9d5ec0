import Foundation
import HTTPTypes
import PorterTestSupport
import Testing
@testable import PorterCore

/// Request bodies that are sent whatever else is configured, and response
/// bodies that cannot outlive their handler.
@Suite("Body lifetimes")
struct BodyLifetimeTests {
    typealias Scheme = HTTPClientTests.Scheme

    /// An echo server: answers each request with the number of body bytes it received and their text.
    static func echoServer(_ scheme: Scheme) throws -> ScriptedServer {
        try HTTPClientTests.server(scheme) { connection in
            while let request = try connection.readRequest() {
                let answer = "\(request.body.count):\(request.bodyText)"
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(answer.utf8.count)\r\n\r\n\(answer)")
            }
        }
    }

    // MARK: - A file body without an event handler

    @Test(arguments: Scheme.allCases)
    func aFileBodyIsSentWithoutAnEventHandler(_ scheme: Scheme) async throws {
        let root = try DocumentRoot.make()
        defer { try? root.remove() }
        let content = String(repeating: "porter ", count: 20_000)
        let path = try root.writeFile(named: "upload.txt", contents: content)
        let server = try Self.echoServer(scheme)
        var options = RequestOptions()
        options.totalTimeout = .seconds(10)
        #expect(options.eventHandler == nil)
        let client = try HTTPClientTests.client()
        let answer = try await client.execute(HTTPClientTests.request(server, method: .put), upload: .file(path: path), options: options) { response in
            String(decoding: try await response.body.collect(upTo: 1 << 20), as: UTF8.self)
        }
        #expect(answer == "\(content.utf8.count):\(content)")
        #expect(server.errors.isEmpty)
    }

    // MARK: - A body that escapes its handler

    @Test(arguments: Scheme.allCases)
    func anEscapedBodyThrowsInsteadOfReadingAnotherRequest(_ scheme: Scheme) async throws {
        // Both answers announce more than they send at first, so the escaped body has bytes left to read.
        let server = try HTTPClientTests.server(scheme) { connection in
            while let request = try connection.readRequest() {
                let text = request.target == "/first" ? "first body" : "second body"
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(text.utf8.count)\r\n\r\n\(text)")
            }
        }
        let client = try HTTPClientTests.client()
        let escaped = try await client.execute(HTTPClientTests.request(server, "/first")) { response in
            response.body
        }
        // The connection the escaped body came from now serves the next request.
        let second = try await client.execute(HTTPClientTests.request(server, "/second")) { response in
            String(decoding: try await response.body.collect(upTo: 100), as: UTF8.self)
        }
        #expect(second == "second body")
        await #expect {
            _ = try await escaped.collect(upTo: 100)
        } throws: { error in
            let error = try #require(error as? PorterError)
            return error.code == .responseBodyExpired && error.reason.contains("inside the handler")
        }
        var iterator = escaped.makeAsyncIterator()
        await #expect(throws: PorterError(.responseBodyExpired, "")) { _ = try await iterator.next() }
        // And the connection is still fine for a third request.
        let third = try await client.execute(HTTPClientTests.request(server, "/second")) { response in
            String(decoding: try await response.body.collect(upTo: 100), as: UTF8.self)
        }
        #expect(third == "second body")
    }

    @Test func anEscapedBodyOfAClosedConnectionThrowsWithoutTouchingADescriptor() async throws {
        // A close-delimited body: the connection is closed when the handler returns unread.
        let server = try HTTPClientTests.server(.http) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial")
            Thread.sleep(forTimeInterval: 0.5)
            connection.close()
        }
        let client = try HTTPClientTests.client()
        let escaped = try await client.execute(HTTPClientTests.request(server)) { response in response.body }
        await #expect(throws: PorterError(.responseBodyExpired, "")) {
            try await escaped.forEachChunk { _ in }
        }
    }

    // MARK: - A closed socket never reads

    @Test func aClosedSocketNeverReadsItsOldDescriptor() async throws {
        let server = try Self.echoServer(.http)
        let address = try #require(SocketAddress(numericHost: server.address, port: server.port))
        let socket = try await TCPSocket.connectOne(to: address, deadline: nil)
        socket.close()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        guard case .failed(_, let code) = socket.tryRead(into: buffer) else {
            Issue.record("a closed socket read from its descriptor")
            return
        }
        #expect(code == EBADF)
        await #expect(throws: PorterError(.receiveFailed, "")) {
            _ = try await socket.read(into: buffer, deadline: nil, awaitingReply: false)
        }
        await #expect(throws: PorterError(.sendFailed, "")) {
            try await socket.write(UnsafeRawBufferPointer(buffer), deadline: nil)
        }
    }
}
