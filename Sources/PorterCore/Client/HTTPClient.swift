public import HTTPTypes
import Synchronization

/// An HTTP/1.1 client for `http` and `https` URLs.
///
/// Both schemes go through the same code: a ``Connection`` is a TCP socket or
/// a TLS stream over one, and one HTTP/1.1 codec serves both. Sequential
/// requests to the same origin reuse one keep-alive connection.
///
/// The client is `Sendable`: any number of tasks may use it at once, each
/// request on a connection of its own. Waiting for the network suspends the
/// task; it never blocks a thread of Swift's cooperative pool.
public final class HTTPClient: Sendable {
    /// Settings shared by every request of a client.
    public struct Configuration: Sendable {
        /// What is trusted and offered over TLS.
        public var tls: TLSConfiguration
        /// How many idle connections are kept per origin.
        public var maximumIdleConnectionsPerOrigin: Int
        /// Limits on the response head, chunk lines and field counts.
        public var parserLimits: ResponseParser.Limits
        /// The default `User-Agent` value.
        public var userAgent: String

        /// Creates a configuration with the safe TLS defaults, up to 8 idle connections per origin,
        /// and `User-Agent: porter/VERSION`.
        public init(
            tls: TLSConfiguration = TLSConfiguration(),
            maximumIdleConnectionsPerOrigin: Int = 8,
            parserLimits: ResponseParser.Limits = ResponseParser.Limits(),
            userAgent: String = "porter/\(porterVersion)"
        ) {
            self.tls = tls
            self.maximumIdleConnectionsPerOrigin = maximumIdleConnectionsPerOrigin
            self.parserLimits = parserLimits
            self.userAgent = userAgent
        }
    }

    /// The client's settings.
    public let configuration: Configuration
    private let pool: ConnectionPool
    private let tlsContextCache = Mutex<[TLSConfiguration: TLSContext]>([:])

    /// Creates a client. It holds no resources until the first request.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        pool = ConnectionPool(maximumIdlePerOrigin: configuration.maximumIdleConnectionsPerOrigin)
    }

    deinit { pool.closeAll() }

    /// The executor of the thread that waits for every connection's sockets.
    ///
    /// A task that prefers it, `withTaskExecutorPreference(HTTPClient.ioExecutor) { … }`,
    /// runs on that thread: when its socket becomes ready it goes on there, without waking
    /// a thread of the cooperative pool, which makes a sequence of requests cheapest (one
    /// thread, as a `poll` loop). Everything such a task does delays the I/O of every other
    /// connection in the process, so keep it to moving bytes; CPU-heavy or blocking work
    /// belongs on the cooperative pool. Without the preference, requests work the same and
    /// resume on the cooperative pool.
    public static var ioExecutor: any TaskExecutor { IOPoller.shared }

    /// Closes every idle connection. Requests under way are not affected.
    public func closeIdleConnections() {
        pool.closeAll()
    }

    // MARK: - Requests

    /// Sends `request` (following redirects if `options` say so) and calls
    /// `handler` with the final response, whose body the handler reads.
    ///
    /// When the handler returns, a connection whose body was read to its end
    /// goes back to the pool; otherwise it is closed. The response must not
    /// escape the handler.
    ///
    /// - Parameters:
    ///   - request: The method, URL parts (`scheme`, `authority`, `path`) and fields to send.
    ///     A `Host` field in it replaces the one made from `authority`.
    ///   - body: Bytes to send as the request body, with `Content-Length`.
    ///   - options: Redirects, timeouts and fields for this request.
    /// - Throws: ``PorterError`` for every failure, with a code per class.
    public func execute<Result>(
        _ request: HTTPRequest,
        body: [UInt8]? = nil,
        options: RequestOptions = RequestOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ handler: (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        try await execute(request, upload: body.map(RequestBody.bytes), options: options, handler)
    }

    /// Sends `request` with `upload` as its body (bytes, or a file streamed in pieces) and
    /// calls `handler` with the final response, as ``execute(_:body:options:isolation:_:)`` does.
    public func execute<Result>(
        _ request: HTTPRequest,
        upload: RequestBody?,
        options: RequestOptions = RequestOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ handler: (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        let url = try HTTPURL(
            parsing: "\(request.scheme ?? "http")://\(request.authority ?? "")\(request.path ?? "/")",
            removingDotSegments: options.removesDotSegments)
        return try await execute(request.method, url, fields: request.headerFields, upload: upload, options: options, handler)
    }

    /// Sends a request for a URL already parsed (so it is not rendered and parsed
    /// again), with `fields` and `upload` as its body, and calls `handler` with the
    /// final response, as ``execute(_:body:options:isolation:_:)`` does.
    public func execute<Result>(
        _ method: HTTPRequest.Method,
        _ url: HTTPURL,
        fields: HTTPFields = [:],
        upload: RequestBody? = nil,
        options: RequestOptions = RequestOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ handler: (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        let totalDeadline = options.totalTimeout.map { Deadline.after($0, limit: "the total time limit (\($0))") }
        let events = options.eventHandler

        var current = PendingRequest(url: url, method: method.rawValue, fields: fields, body: upload, target: options.requestTarget)
        if let authorization = options.authentication?.preemptiveAuthorization, current.fields[.authorization] == nil {
            current.fields[.authorization] = authorization
        }
        /// The URL whose 401 was answered with credentials: a second 401 for it is final.
        var answeredChallengeFor: HTTPURL?
        var precedingHeads: [ResponseHead] = []
        var redirectCount = 0
        var connectionsOpened = 0
        var headerBytes = 0
        let recorder = TimingRecorder()

        while true {
            let (exchange, interim, head) = try await send(current, options: options, totalDeadline: totalDeadline, connectionsOpened: &connectionsOpened)
            precedingHeads += interim
            headerBytes += exchange.headBytes
            options.cookieJar?.store(setCookie: head.fields.values(named: "Set-Cookie"), from: current.url)
            recorder.recordHop(url: current.url, status: head.status, exchange: exchange)

            if head.status == 401, answeredChallengeFor != current.url, options.authentication != nil, current.body?.isReplayable == false {
                exchange.connection.close()
                throw PorterError(.rewindFailed, "\(current.url.host) asked for credentials (401) after the body read from a stream was sent; it cannot be sent again (send it from a file, or use --basic)")
            }
            if head.status == 401, answeredChallengeFor != current.url, let authentication = options.authentication,
               current.url.origin == url.origin || options.sendsCredentialsOnRedirect,
               let authorization = authentication.authorization(
                   answering: AuthenticationChallenge.parse(head.fields.values(named: "WWW-Authenticate")),
                   method: current.method, target: current.url.target) {
                // The challenge is answered on the same connection when the body can be skipped.
                try await finishBeforeRedirect(exchange, events: events)
                recorder.endLastHop(at: exchange.completedAt ?? Deadline.now())
                precedingHeads.append(head)
                answeredChallengeFor = current.url
                current.fields[.authorization] = authorization
                continue
            }
            if options.followsRedirects, let next = try redirect(from: current, head: head, options: options) {
                if let maximum = options.maximumRedirects, redirectCount >= maximum {
                    exchange.connection.close()
                    throw PorterError(.tooManyRedirects, "maximum (\(maximum)) redirects followed; the next was to \(next.url)")
                }
                try await finishBeforeRedirect(exchange, events: events)
                recorder.endLastHop(at: exchange.completedAt ?? Deadline.now())
                precedingHeads.append(head)
                redirectCount += 1
                events?(.redirecting(to: next.url, status: head.status))
                current = next
                continue
            }

            let decoder: ContentDecoder?
            do {
                decoder = try makeDecoder(for: head, exchange: exchange, options: options)
            } catch {
                exchange.connection.close()
                throw error
            }
            let response = HTTPClientResponse(
                head: head.httpResponse, wireHead: head, precedingHeads: precedingHeads, url: current.url,
                redirectCount: redirectCount, connectionsOpened: connectionsOpened, headerBytes: headerBytes,
                remoteAddress: exchange.connection.remoteAddress, localAddress: exchange.connection.localAddress,
                tlsSession: exchange.connection.tlsSession,
                body: ResponseBody(exchange: exchange, decoder: decoder, recorder: recorder))
            // The response, its body with it, is the handler's only while the handler runs:
            // afterwards the connection may carry another request, so the exchange lets go of it.
            defer { exchange.detach() }
            do {
                let result = try await handler(response)
                release(exchange, events: events)
                return result
            } catch {
                exchange.connection.close()
                events?(.connectionClosed(connectionID: exchange.connection.id, reason: "the transfer failed"))
                throw error
            }
        }
    }

    /// Sends `request` and reads the whole body into memory (at most `limit` bytes).
    public func data(
        for request: HTTPRequest, body: [UInt8]? = nil, options: RequestOptions = RequestOptions(), limit: Int = 16 << 20,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> (HTTPResponse, [UInt8]) {
        try await execute(request, body: body, options: options) { response in
            (response.head, try await response.body.collect(upTo: limit))
        }
    }

    // MARK: - One hop

    private struct PendingRequest {
        var url: HTTPURL
        var method: String
        var fields: HTTPFields
        var body: RequestBody?
        /// `--request-target`: sent instead of the URL's target (first request only).
        var target: String?
    }

    /// Sends one request on a pooled or new connection, retrying once on a new
    /// connection when a reused one turns out to have been closed by the server.
    private func send(
        _ request: PendingRequest, options: RequestOptions, totalDeadline: Deadline?, connectionsOpened: inout Int
    ) async throws(PorterError) -> (HTTP1Exchange, [ResponseHead], ResponseHead) {
        let routing = Self.routing(for: request.url, options: options)
        let head = try makeHead(request, options: options, routing: routing)
        var allowRetry = Self.isIdempotent(request.method) && request.body?.isReplayable != false
        let startedAt = Deadline.now()
        while true {
            let exchange = try await makeExchange(for: request.url, routing: routing, options: options, totalDeadline: totalDeadline, startedAt: startedAt)
            if !exchange.isReusedConnection { connectionsOpened += 1 }
            do throws(PorterError) {
                try await exchange.send(head, body: Self.wireBody(request))
                let (interim, final) = try await exchange.readHead()
                // RFC 9110 §10.2.2: Location is a singleton; two of them leave the target ambiguous.
                if Set(final.fields.values(named: "Location")).count > 1 {
                    exchange.connection.close()
                    throw PorterError(.malformedHeaderField, "the response from \(request.url.host) has several Location fields that disagree")
                }
                return (exchange, interim, final)
            } catch {
                exchange.connection.close()
                let retryable: Set<PorterError.Code> = [.emptyReply, .sendFailed, .receiveFailed]
                if allowRetry, exchange.isReusedConnection, !exchange.receivedAnyByte, retryable.contains(error.code) {
                    allowRetry = false
                    options.eventHandler?(.retryingOnNewConnection(reason: error.reason))
                    continue
                }
                throw error
            }
        }
    }

    /// How `url` is reached: directly, over a Unix socket, or through the proxy the options name.
    private static func routing(for url: HTTPURL, options: RequestOptions) -> Connector.Routing {
        let proxy = options.noProxy?.matches(url) == true ? nil : options.proxy
        return Connector.Routing(
            families: options.addressFamilies, unixSocketPath: options.unixSocketPath,
            overrides: options.addressOverrides, connectTo: options.connectTo, socketOptions: options.socketOptions,
            proxy: options.unixSocketPath == nil ? proxy : nil, proxyProtocolClient: options.proxyProtocolClient,
            unixSocketIsAbstract: options.unixSocketIsAbstract)
    }

    private func makeExchange(
        for url: HTTPURL, routing: Connector.Routing, options: RequestOptions, totalDeadline: Deadline?, startedAt: UInt64
    ) async throws(PorterError) -> HTTP1Exchange {
        let events = options.eventHandler
        let settings = HTTP1Exchange.Settings(
            limits: configuration.parserLimits, allowsHTTP09: options.allowsHTTP09, ignoresContentLength: options.ignoresContentLength,
            deliversRaw: options.deliversRawBody, idleTimeout: options.idleTimeout,
            minimumSpeed: options.minimumSpeed.map { ($0.bytesPerSecond * UInt64($0.period.components.seconds), UInt64($0.period.components.seconds) * 1_000_000_000) },
            maximumSpeed: options.maximumSpeed)
        let exchangeEvents = events.map { events in { (event: HTTP1Exchange.Event) in events(ClientEvent(event)) } }
        if let connection = pool.checkOut(origin: routing.poolKey(for: url)) {
            events?(.reusingConnection(host: url.host, address: connection.remoteAddress, connectionID: connection.id))
            return HTTP1Exchange(connection: connection, isReused: true, startedAt: startedAt, settings: settings, totalDeadline: totalDeadline, events: exchangeEvents)
        }
        let connectDeadline = Deadline.earliest(
            totalDeadline, options.connectTimeout.map { Deadline.after($0, limit: "the connect timeout (\($0))") })
        var contexts = Connector.TLSContexts()
        if url.isSecure { contexts.origin = try tlsContext(for: configuration.tls) }
        if let proxy = routing.proxy, proxy.kind == .https { contexts.proxy = try tlsContext(for: proxy.tls) }
        let connection = try await Connector.open(
            to: url, routing: routing, tls: contexts, connectDeadline: connectDeadline, id: pool.makeConnectionID(), events: events)
        return HTTP1Exchange(connection: connection, isReused: false, startedAt: startedAt, settings: settings, totalDeadline: totalDeadline, events: exchangeEvents)
    }

    /// The context for a configuration, made once: the origin's, and an HTTPS proxy's.
    private func tlsContext(for tls: TLSConfiguration) throws(PorterError) -> TLSContext {
        if let context = tlsContextCache.withLock({ $0[tls] }) { return context }
        let context = try TLSContext(configuration: tls)
        tlsContextCache.withLock { $0[tls] = context }
        return context
    }

    /// Returns the connection to the pool when the response was read to its end and allows reuse.
    private func release(_ exchange: HTTP1Exchange, events: ((ClientEvent) -> Void)?) {
        let connection = exchange.connection
        exchange.discardReceivedBody()
        if exchange.leavesConnectionReusable && pool.checkIn(connection) {
            events?(.connectionKept(connectionID: connection.id, host: connection.host))
        } else {
            connection.close()
            events?(.connectionClosed(connectionID: connection.id, reason: exchange.isComplete ? "the server will not reuse it" : "the body was not read to its end"))
        }
    }

    /// A redirect's own body is small, or not worth reading: read up to 64 KiB of it, else close.
    private func finishBeforeRedirect(_ exchange: HTTP1Exchange, events: ((ClientEvent) -> Void)?) async throws(PorterError) {
        if case .contentLength(let length) = exchange.framing, length > 64 * 1024 {
            exchange.connection.close()
            return
        }
        if exchange.framing == .untilClose {
            exchange.connection.close()
            return
        }
        do {
            try await exchange.discardBody()
            release(exchange, events: events)
        } catch {
            exchange.connection.close()
        }
    }

    // MARK: - Bodies

    /// The decoder the options and the response call for, or nil when the body passes through as is.
    ///
    /// - Throws: ``PorterError/Code/maximumFileSizeExceeded`` when `Content-Length`
    ///   already exceeds the limit; ``PorterError/Code/unsupportedContentEncoding``.
    private func makeDecoder(for head: ResponseHead, exchange: HTTP1Exchange, options: RequestOptions) throws(PorterError) -> ContentDecoder? {
        if let limit = options.maximumBodyBytes, case .contentLength(let length) = exchange.framing, length > limit {
            throw PorterError(.maximumFileSizeExceeded, "the body is \(length) bytes, more than the \(limit) allowed")
        }
        var codings: [String] = []
        if options.decodesContent {
            codings += Self.codingList(head.fields.values(named: "Content-Encoding"))
        }
        if options.decodesTransferCodings {
            codings += Self.codingList(head.fields.values(named: "Transfer-Encoding")).filter { $0.lowercased() != "chunked" }
        }
        guard !codings.isEmpty || options.maximumBodyBytes != nil else { return nil }
        return try ContentDecoder(codings: codings, maximumOutputBytes: options.maximumBodyBytes)
    }

    private static func codingList(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { String($0.trimmingASCIIWhitespace()) }.filter { !$0.isEmpty }
    }

    // MARK: - Request heads

    private func makeHead(_ request: PendingRequest, options: RequestOptions, routing: Connector.Routing) throws(PorterError) -> RequestHead {
        var fields = HeaderFields()
        let omitted = Set(options.omittedFields.map { $0.lowercased() })
        func isSet(_ name: String) -> Bool {
            request.fields.contains { $0.name.canonicalName == name } || omitted.contains(name)
        }
        if !isSet("host") { fields.append(name: "Host", value: request.url.authority) }
        if !isSet("user-agent") { fields.append(name: "User-Agent", value: configuration.userAgent) }
        if !isSet("accept") { fields.append(name: "Accept", value: "*/*") }
        if options.decodesContent && !isSet("accept-encoding") {
            fields.append(name: "Accept-Encoding", value: ContentDecoder.acceptEncodingValue)
        }
        if options.decodesTransferCodings && !isSet("te") {
            // RFC 9110 §10.1.4: TE is a hop-by-hop field, so Connection must name it.
            fields.append(name: "TE", value: "gzip")
            if !isSet("connection") { fields.append(name: "Connection", value: "TE") }
        }
        for field in request.fields {
            fields.append(name: field.name.rawName, value: field.value)
        }
        if let jarCookies = options.cookieJar?.cookieHeader(for: request.url) {
            fields.append(name: "Cookie", value: jarCookies)
        }
        if let body = request.body, !request.fields.contains(where: { $0.name == .contentLength }), !Self.isChunked(request) {
            if let length = try body.length() {
                fields.append(name: "Content-Length", value: String(length))
            } else {
                fields.append(name: "Transfer-Encoding", value: "chunked")
            }
        }
        var target = request.target ?? request.url.target
        if request.target == nil, routing.usesAbsoluteForm(for: request.url) {
            // RFC 9112 §3.2.2: a proxy gets the absolute URI; it needs the credentials too.
            target = "\(request.url.scheme)://\(request.url.authority)\(request.url.target)"
            let proxyHeaders = routing.proxy?.headers ?? []
            if let authorization = routing.proxy?.authorization, !isSet("proxy-authorization"),
               !proxyHeaders.contains(where: { $0.name.lowercased() == "proxy-authorization" }) {
                fields.append(name: "Proxy-Authorization", value: authorization)
            }
            // curl's --proxy-header goes to the proxy: on CONNECT, and here on absolute-form requests.
            for field in proxyHeaders where !field.value.isEmpty && !isSet(field.name.lowercased()) {
                fields.append(name: field.name, value: field.value)
            }
        }
        return RequestHead(method: request.method, target: target, version: options.version, fields: fields)
    }

    /// Whether the caller asked for a chunked request body with its own `Transfer-Encoding: chunked`.
    private static func isChunked(_ request: PendingRequest) -> Bool {
        request.fields[values: .transferEncoding].contains { $0.lowercased().contains("chunked") }
    }

    /// The body as sent: chunk-framed (RFC 9112 §7.1) when the request says `Transfer-Encoding: chunked`.
    private static func wireBody(_ request: PendingRequest) -> RequestBody? {
        guard case .bytes(let body) = request.body, isChunked(request) else { return request.body }
        var framed: [UInt8] = []
        RequestEncoder.encodeChunk(body, into: &framed)
        RequestEncoder.encodeLastChunk(into: &framed)
        return .bytes(framed)
    }

    /// RFC 9110 §9.2.2.
    private static func isIdempotent(_ method: String) -> Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method)
    }

    // MARK: - Redirects

    /// The next request when `head` is a redirect to follow, or nil.
    ///
    /// RFC 9110 §15.4: 301 and 302 turn POST into GET (as every browser and
    /// curl do), 303 turns anything but HEAD into GET, 307 and 308 keep the
    /// method and body. Credentials and cookies are dropped when the origin changes.
    private func redirect(from request: PendingRequest, head: ResponseHead, options: RequestOptions) throws(PorterError) -> PendingRequest? {
        guard [301, 302, 303, 307, 308].contains(head.status) else { return nil }
        // An empty Location names no target (RFC 9110 §10.2.2): nothing to follow.
        guard let location = head.fields["Location"], !location.isEmpty else { return nil }
        var next = request
        next.target = nil
        next.url = try request.url.resolving(location)
        guard options.allowedRedirectSchemes.contains(next.url.scheme) else {
            throw PorterError(.unsupportedScheme, "the redirect from \(request.url) to \(next.url) was refused: \(next.url.scheme) is not an allowed redirect protocol")
        }
        let isPOSTLike = request.method == "POST" || (options.redirectsBodyMethodsLikePOST && request.body != nil)
            || (options.keepsMethodOnRedirect && request.body != nil)
        let keepsPOST = isPOSTLike && options.postKeptAfterRedirects.contains(head.status)
        let becomesGet = keepsPOST ? false
            : (head.status == 301 || head.status == 302) ? isPOSTLike
            : head.status == 303 ? request.method != "HEAD" : false
        if becomesGet {
            // curl's -X: the body goes as for POST, but the method given stays.
            if !options.keepsMethodOnRedirect { next.method = "GET" }
            next.body = nil
        }
        if next.body == nil {
            next.fields[.contentLength] = nil
            next.fields[.contentType] = nil
        } else if next.body?.isReplayable == false {
            throw PorterError(.rewindFailed, "the \(head.status) redirect to \(next.url) needs the request body sent again, and it was read from a stream that cannot be read twice")
        }
        if options.setsRefererOnRedirect {
            next.fields[.referer] = request.url.description
        }
        let downgrade = request.url.isSecure && !next.url.isSecure
        if downgrade {
            options.eventHandler?(.insecureRedirect(from: request.url, to: next.url))
        }
        if (next.url.origin != request.url.origin || downgrade) && !options.sendsCredentialsOnRedirect {
            next.fields[.authorization] = nil
            next.fields[.cookie] = nil
            next.fields[.proxyAuthorization] = nil
            if let host = HTTPField.Name("Host") { next.fields[host] = nil }
        }
        return next
    }
}
