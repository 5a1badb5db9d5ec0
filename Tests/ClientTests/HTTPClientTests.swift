import HTTPTypes
import PorterTestSupport
import Testing
@testable import PorterCore

/// The client against scripted loopback servers, over plain TCP and TLS alike.
@Suite("HTTPClient")
struct HTTPClientTests {
    enum Scheme: String, CaseIterable, Sendable { case http, https }

    static func server(_ scheme: Scheme, address: String = "127.0.0.1", handler: @escaping ScriptedServer.Handler) throws -> ScriptedServer {
        try ScriptedServer(security: scheme == .https ? .tls(try TestCertificates.shared) : .plain, address: address, handler: handler)
    }

    static func client() throws -> HTTPClient {
        HTTPClient(configuration: .init(tls: TLSConfiguration(caFile: (try TestCertificates.shared).caCertificatePath)))
    }

    static func request(_ server: ScriptedServer, _ path: String = "/", method: HTTPRequest.Method = .get, fields: HTTPFields = [:]) -> HTTPRequest {
        let authority = server.address.contains(":") ? "[\(server.address)]:\(server.port)" : "\(server.address):\(server.port)"
        return HTTPRequest(method: method, scheme: server.usesTLS ? "https" : "http", authority: authority, path: path, headerFields: fields)
    }

    static func fetch(_ client: HTTPClient, _ request: HTTPRequest, body: [UInt8]? = nil, options: RequestOptions = RequestOptions()) async throws -> (HTTPClientResponse, [UInt8]) {
        try await client.execute(request, body: body, options: options) { response in
            (response, try await response.body.collect(upTo: 1 << 30))
        }
    }

    // MARK: - Requests and bodies

    @Test(arguments: Scheme.allCases)
    func sendsTheDefaultFieldsAndReadsABody(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\nhello")
            }
        }
        let (response, body) = try await Self.fetch(try Self.client(), Self.request(server, "/a?b=c"))
        #expect(response.head.status == .ok)
        #expect(body == Array("hello".utf8))
        #expect(response.wireHead.fields.fields.map(\.name) == ["Content-Length", "X-Case"])
        let head = try #require(server.requestHeads.first)
        #expect(head.hasPrefix("GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nUser-Agent: porter/\(porterVersion)\r\nAccept: */*\r\n"))
        #expect((response.tlsSession != nil) == (scheme == .https))
        #expect(server.errors.isEmpty)
    }

    @Test(arguments: Scheme.allCases)
    func readsChunkedBodiesWithTrailers(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Checksum: abc\r\n\r\n")
        }
        let client = try Self.client()
        let (body, trailers) = try await client.execute(Self.request(server)) { response in
            (try await response.body.collect(upTo: 100), response.body.trailers)
        }
        #expect(body == Array("Wikipedia".utf8))
        #expect(trailers["x-checksum"] == "abc")
    }

    @Test func sendsABodyWithContentLength() async throws {
        let server = try Self.server(.http) { connection in
            let request = try #require(try connection.readRequest())
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(request.body.count)\r\n\r\n")
            try connection.write(request.body)
        }
        let payload = Array(repeating: UInt8(ascii: "x"), count: 100_000)
        let (_, echoed) = try await Self.fetch(try Self.client(), Self.request(server, method: .post), body: payload)
        #expect(echoed == payload)
        #expect(server.requestHeads.first?.contains("Content-Length: 100000\r\n") == true)
    }

    @Test func reportsInterimResponsesBeforeTheFinalOne() async throws {
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        }
        let (response, body) = try await Self.fetch(try Self.client(), Self.request(server))
        #expect(response.precedingHeads.map(\.status) == [100, 102])
        #expect(response.wireHead.status == 200)
        #expect(body == Array("ok".utf8))
    }

    @Test(arguments: Scheme.allCases)
    func failsWhenTheBodyIsCutShort(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
            connection.close()
        }
        await #expect(throws: PorterError(.incompleteBody, "")) {
            _ = try await Self.fetch(try Self.client(), Self.request(server))
        }
    }

    @Test func emptyReplyIsItsOwnError() async throws {
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            connection.close()
        }
        await #expect(throws: PorterError(.emptyReply, "")) {
            _ = try await Self.fetch(try Self.client(), Self.request(server))
        }
    }

    @Test func closeDelimitedBodyOverTLSWithoutCloseNotifyIsReportedAsPossiblyTruncated() async throws {
        let server = try Self.server(.https) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\n\r\nsome body")
            connection.closeWithoutNotify()
        }
        await #expect {
            _ = try await Self.fetch(try Self.client(), Self.request(server))
        } throws: { error in
            (error as? PorterError)?.code == .receiveFailed && (error as? PorterError)?.reason.contains("truncated") == true
        }
    }

    @Test func closeDelimitedBodyOverTLSWithCloseNotifyIsComplete() async throws {
        let server = try Self.server(.https) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.0 200 OK\r\n\r\nsome body")
            connection.close()
        }
        let (_, body) = try await Self.fetch(try Self.client(), Self.request(server))
        #expect(body == Array("some body".utf8))
    }

    // MARK: - Keep-alive

    @Test(arguments: Scheme.allCases)
    func reusesOneConnectionForSequentialRequests(_ scheme: Scheme) async throws {
        let server = try ScriptedServer.respondingAlways(
            with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            security: scheme == .https ? .tls(try TestCertificates.shared) : .plain)
        let client = try Self.client()
        for _ in 0..<5 {
            let (_, body) = try await Self.fetch(client, Self.request(server))
            #expect(body == Array("ok".utf8))
        }
        #expect(server.acceptedConnectionCount == 1)
        #expect(server.requestHeads.count == 5)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    ])
    func doesNotReuseAConnectionTheResponseRuledOut(_ response: String) async throws {
        let server = try ScriptedServer.respondingAlways(with: response)
        let client = try Self.client()
        for _ in 0..<2 {
            let (_, body) = try await Self.fetch(client, Self.request(server))
            #expect(body == Array("ok".utf8))
        }
        #expect(server.acceptedConnectionCount == 2)
    }

    @Test func readsToCloseAndDoesNotReuse() async throws {
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\n\r\nuntil close")
            connection.close()
        }
        let client = try Self.client()
        for _ in 0..<2 {
            let (_, body) = try await Self.fetch(client, Self.request(server))
            #expect(body == Array("until close".utf8))
        }
        #expect(server.acceptedConnectionCount == 2)
    }

    @Test(arguments: Scheme.allCases)
    func retriesAnIdempotentRequestOnceWhenAReusedConnectionWasClosed(_ scheme: Scheme) async throws {
        // The server answers one request per connection, then reads the next
        // request and closes without answering, as a server whose keep-alive
        // timer fired just as the request arrived.
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            _ = try connection.readRequest()
            connection.close()
        }
        let client = try Self.client()
        for _ in 0..<2 {
            let (_, body) = try await Self.fetch(client, Self.request(server))
            #expect(body == Array("ok".utf8))
        }
        #expect(server.acceptedConnectionCount == 2)
    }

    @Test func doesNotRetryAPost() async throws {
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            _ = try connection.readRequest()
            connection.close()
        }
        let client = try Self.client()
        _ = try await Self.fetch(client, Self.request(server))
        await #expect(throws: PorterError(.emptyReply, "")) {
            _ = try await Self.fetch(client, Self.request(server, method: .post), body: Array("x".utf8))
        }
        #expect(server.acceptedConnectionCount == 1)
    }

    // MARK: - Redirects

    @Test(arguments: [(301, "GET", ""), (302, "GET", ""), (303, "GET", ""), (307, "POST", "data"), (308, "POST", "data")])
    func followsRedirectsChangingTheMethodAsRFC9110Says(_ status: Int, _ method: String, _ body: String) async throws {
        let server = try Self.server(.http) { connection in
            while let request = try connection.readRequest() {
                if request.target == "/start" {
                    try connection.write("HTTP/1.1 \(status) Moved\r\nLocation: /next\r\nContent-Length: 3\r\n\r\nbye")
                } else {
                    let echo = "\(request.method) \(request.bodyText)"
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(echo.utf8.count)\r\n\r\n\(echo)")
                }
            }
        }
        var options = RequestOptions(followsRedirects: true)
        options.maximumRedirects = 5
        let (response, echoed) = try await Self.fetch(try Self.client(), Self.request(server, "/start", method: .post), body: Array("data".utf8), options: options)
        #expect(String(decoding: echoed, as: UTF8.self) == "\(method) \(body)")
        #expect(response.redirectCount == 1)
        #expect(response.precedingHeads.map(\.status) == [status])
        #expect(response.url.target == "/next")
        #expect(server.acceptedConnectionCount == 1)
    }

    @Test func dropsCredentialsAndCookiesWhenTheOriginChanges() async throws {
        let target = try Self.server(.http) { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            }
        }
        let origin = try Self.server(.http) { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:\(target.port)/landing\r\nContent-Length: 0\r\n\r\n")
            }
        }
        var fields = HTTPFields()
        fields[.authorization] = "Basic c2VjcmV0"
        fields[.cookie] = "session=1"
        fields[HTTPField.Name("X-Kept")!] = "yes"
        _ = try await Self.fetch(try Self.client(), Self.request(origin, fields: fields), options: RequestOptions(followsRedirects: true))
        let first = try #require(origin.requestHeads.first)
        let second = try #require(target.requestHeads.first)
        #expect(first.contains("Authorization: Basic c2VjcmV0") && first.contains("Cookie: session=1"))
        #expect(!second.contains("Authorization") && !second.contains("Cookie"))
        #expect(second.contains("X-Kept: yes"))
        #expect(second.contains("Host: 127.0.0.1:\(target.port)\r\n"))
    }

    @Test func stopsAfterTheMaximumNumberOfRedirects() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")
        var options = RequestOptions(followsRedirects: true)
        options.maximumRedirects = 3
        await #expect(throws: PorterError(.tooManyRedirects, "")) {
            _ = try await Self.fetch(try Self.client(), Self.request(server), options: options)
        }
        #expect(server.requestHeads.count == 4)
    }

    @Test func doesNotFollowRedirectsUnlessAsked() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 4\r\n\r\nmove")
        let (response, body) = try await Self.fetch(try Self.client(), Self.request(server))
        #expect(response.wireHead.status == 301)
        #expect(body == Array("move".utf8))
    }

    // MARK: - Limits

    @Test func totalTimeoutFiresWhenTheServerNeverAnswers() async throws {
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            _ = try connection.readToEnd()
        }
        await #expect {
            _ = try await Self.fetch(try Self.client(), Self.request(server), options: RequestOptions(totalTimeout: .milliseconds(300)))
        } throws: { error in
            (error as? PorterError)?.code == .timedOut && (error as? PorterError)?.reason.contains("total time limit") == true
        }
    }

    @Test func refusesAHeaderThatWouldSplitTheRequest() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        // HTTPTypes replaces CR/LF in values, so inject through the path, which reaches the request line.
        let request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/a\r\nX-Injected: 1")
        await #expect(throws: PorterError(.invalidURL, "")) {
            _ = try await Self.fetch(try Self.client(), request)
        }
        #expect(server.acceptedConnectionCount == 0)
    }

    @Test func cannotConnectToAClosedPort() async throws {
        // Bind a port, note it, and close it again: nothing listens there now.
        let port = try {
            let server = try ScriptedServer.respondingAlways(with: "")
            defer { server.stop() }
            return server.port
        }()
        let request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(port)", path: "/")
        await #expect {
            _ = try await Self.fetch(try Self.client(), request)
        } throws: { error in
            (error as? PorterError)?.code == .cannotConnect && (error as? PorterError)?.reason.contains("refused") == true
        }
    }

    @Test func triesEveryAddressOfAName() async throws {
        // localhost may resolve to ::1 first; the server listens on 127.0.0.1 only.
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let request = HTTPRequest(method: .get, scheme: "http", authority: "localhost:\(server.port)", path: "/")
        let (response, body) = try await Self.fetch(try Self.client(), request)
        #expect(body == Array("ok".utf8))
        #expect(response.remoteAddress.host == "127.0.0.1")
    }

    @Test func concurrentRequestsEachGetAConnection() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let client = try Self.client()
        let request = Self.request(server)
        let bodies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<20 {
                group.addTask { try await client.data(for: request).1 }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.count == 20)
        #expect(bodies.allSatisfy { $0 == Array("ok".utf8) })
    }
}
