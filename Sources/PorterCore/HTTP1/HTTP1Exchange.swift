/// One request and its response on one ``Connection``: the place where the
/// sans-IO codec meets the transport, for the client's requests and for a
/// proxy's `CONNECT` alike.
///
/// Body bytes are handed to the consumer as slices of the connection's read
/// buffer, valid only during the call. Used by one task.
final class HTTP1Exchange {
    /// How an exchange reads its response, and how long it waits.
    struct Settings {
        var limits = ResponseParser.Limits()
        /// Accept a response without a status line (HTTP/0.9).
        var allowsHTTP09 = false
        /// Read the body until the connection closes, whatever `Content-Length` says.
        var ignoresContentLength = false
        /// Deliver body bytes as they arrived, framing included (curl's `--raw`).
        var deliversRaw = false
        /// The longest wait for the next bytes of the response.
        var idleTimeout: Duration?
        /// Fail when fewer than `bytes` arrive in any `period` (curl's `--speed-limit`/`--speed-time`).
        var minimumSpeed: (bytes: UInt64, period: UInt64)?
        /// The most bytes per second to receive, and to send a file body (curl's `--limit-rate`).
        var maximumSpeed: UInt64?
    }

    /// What the exchange did on the wire, as it happens.
    enum Event {
        /// The request head was sent, exactly these bytes.
        case requestHeadSent([UInt8])
        /// A request body of this many bytes was sent.
        case requestBodySent(Int)
        /// A response head arrived (interim or final).
        case responseHead(ResponseHead)
    }

    let connection: Connection
    /// Whether the connection came from the pool (a failure before any response byte may then be retried).
    let isReusedConnection: Bool
    private var parser: ResponseParser
    private let totalDeadline: Deadline?
    private let idleTimeout: Duration?
    private let minimumSpeed: (bytes: UInt64, period: UInt64)?
    /// The window the minimum speed is measured over: when it began, and the bytes received in it.
    private var speedWindowStart: UInt64 = 0
    private var speedWindowBytes: UInt64 = 0
    /// `--limit-rate`, for the response and for a file body.
    private var receiveLimiter: RateLimiter?
    private var sendLimiter: RateLimiter?
    private let events: ((Event) -> Void)?
    private(set) var receivedAnyByte = false
    private(set) var isComplete = false
    private(set) var trailers = HeaderFields()
    private(set) var bodyBytesDelivered: UInt64 = 0
    /// Monotonic instants: the exchange began (before any connecting), the request was about to be sent,
    /// the first response byte arrived, the response was complete.
    let startedAt: UInt64
    private(set) var requestSentAt: UInt64 = 0
    /// When the request, body included, was written.
    private(set) var requestCompletedAt: UInt64 = 0
    private(set) var firstByteAt: UInt64?
    private(set) var completedAt: UInt64?
    /// Bytes of response heads (interim ones included) received on this exchange.
    private(set) var headBytes = 0

    /// Whether body bytes are delivered as they arrived, framing included (curl's `--raw`).
    private let deliversRaw: Bool

    /// Set once the response's handler has returned: the connection is no longer
    /// this exchange's (it may be pooled and carrying another request, or closed).
    private(set) var isDetached = false

    init(connection: Connection, isReused: Bool, startedAt: UInt64 = Deadline.now(), settings: Settings, totalDeadline: Deadline?, events: ((Event) -> Void)?) {
        self.connection = connection
        self.startedAt = startedAt
        isReusedConnection = isReused
        parser = ResponseParser(limits: settings.limits)
        parser.allowsHTTP09 = settings.allowsHTTP09
        parser.ignoresContentLength = settings.ignoresContentLength
        deliversRaw = settings.deliversRaw
        self.totalDeadline = totalDeadline
        idleTimeout = settings.idleTimeout
        minimumSpeed = settings.minimumSpeed
        speedWindowStart = startedAt
        receiveLimiter = settings.maximumSpeed.map(RateLimiter.init)
        sendLimiter = settings.maximumSpeed.map(RateLimiter.init)
        self.events = events
    }

    private var readDeadline: Deadline? {
        Deadline.earliest(
            Deadline.earliest(totalDeadline, idleTimeout.map { Deadline.after($0, limit: "the idle timeout (\($0))") }),
            speedDeadline)
    }

    /// When a stalled read must end for the minimum speed: the end of the current window if it
    /// has too few bytes, else of the next (which then has none).
    private var speedDeadline: Deadline? {
        guard let minimumSpeed else { return nil }
        let windows: UInt64 = speedWindowBytes < minimumSpeed.bytes ? 1 : 2
        return Deadline(uptimeNanoseconds: speedWindowStart &+ windows &* minimumSpeed.period, limit: speedLimitDescription)
    }

    private var speedLimitDescription: String {
        guard let minimumSpeed else { return "" }
        let seconds = minimumSpeed.period / 1_000_000_000
        return "too slow: the minimum speed (\(minimumSpeed.bytes / max(seconds, 1)) bytes per second over \(seconds) seconds)"
    }

    /// Counts received bytes against the minimum speed, and fails once a whole window was too slow.
    private func checkSpeed(received count: Int) throws(PorterError) {
        guard let minimumSpeed else { return }
        speedWindowBytes &+= UInt64(count)
        let now = Deadline.now()
        guard now &- speedWindowStart >= minimumSpeed.period else { return }
        let elapsedWindows = (now &- speedWindowStart) / minimumSpeed.period
        if speedWindowBytes < minimumSpeed.bytes * elapsedWindows {
            throw PorterError(.timedOut, "the transfer from \(connection.host) was \(speedLimitDescription): \(speedWindowBytes) bytes in the last \((now &- speedWindowStart) / 1_000_000_000) seconds")
        }
        speedWindowStart = now
        speedWindowBytes = 0
    }

    /// The framing of the final response, known after ``readHead()``.
    var framing: ResponseParser.Framing? { parser.framing }

    /// Whether the connection may carry another request once the response is complete.
    var leavesConnectionReusable: Bool { isComplete && parser.isReusable }

    // MARK: - Sending

    /// Sends the request head and, in the same write, the body.
    func send(_ head: RequestHead, body: RequestBody?) async throws(PorterError) {
        var bytes: [UInt8] = []
        try RequestEncoder.encode(head, into: &bytes)
        let headCount = bytes.count
        if case .bytes(let content) = body { bytes += content }
        parser.begin(requestMethod: head.method)
        requestSentAt = Deadline.now()
        try await connection.write(bytes, deadline: totalDeadline)
        events?(.requestHeadSent(Array(bytes[..<headCount])))
        switch body {
        case .bytes(let content) where !content.isEmpty:
            events?(.requestBodySent(content.count))
        case .file(let path):
            // The file is sent whether or not anyone listens to events: no work inside `events?(…)`.
            let sent = try await streamFile(path, expectedLength: try body!.length() ?? 0)
            events?(.requestBodySent(sent))
        case .stream(let path):
            let sent = try await streamChunked(path)
            events?(.requestBodySent(sent))
        default:
            break
        }
        requestCompletedAt = Deadline.now()
    }

    /// Sends a file in pieces; it must still have the length announced in `Content-Length`.
    private func streamFile(_ path: String, expectedLength: Int) async throws(PorterError) -> Int {
        let file = try UploadFile(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        var sent = 0
        let pieceSize = sendLimiter?.pieceSize ?? buffer.count
        while true {
            if let totalDeadline, totalDeadline.hasPassed { throw totalDeadline.timeoutError("sending \(path)") }
            let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(pieceSize, buffer.count)]))
            if count == 0 { break }
            try await connection.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]), deadline: totalDeadline)
            sent += count
            try await sendLimiter?.pause(after: count, deadline: totalDeadline)
        }
        guard sent == expectedLength else {
            throw PorterError(.fileReadFailed, "\(path) changed while it was sent: \(sent) bytes instead of \(expectedLength)")
        }
        return sent
    }

    /// Sends what a file of unknown length gives, as chunks, then the last chunk.
    private func streamChunked(_ path: String) async throws(PorterError) -> Int {
        let file = try UploadFile(path: path, nonBlocking: true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        let pieceSize = min(sendLimiter?.pieceSize ?? buffer.count, buffer.count)
        var sent = 0
        var framed: [UInt8] = []
        while true {
            if let totalDeadline, totalDeadline.hasPassed { throw totalDeadline.timeoutError("sending \(path)") }
            let count = try await file.readWaiting(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<pieceSize]), deadline: totalDeadline)
            framed.removeAll(keepingCapacity: true)
            if count == 0 {
                RequestEncoder.encodeLastChunk(into: &framed)
                try await connection.write(framed, deadline: totalDeadline)
                return sent
            }
            RequestEncoder.encodeChunk(Array(UnsafeRawBufferPointer(rebasing: buffer[..<count])), into: &framed)
            try await connection.write(framed, deadline: totalDeadline)
            sent += count
            try await sendLimiter?.pause(after: count, deadline: totalDeadline)
        }
    }

    // MARK: - Receiving

    /// Reads until the final response head, returning the interim (1xx) heads before it.
    func readHead() async throws(PorterError) -> (interim: [ResponseHead], final: ResponseHead) {
        var interim: [ResponseHead] = []
        while true {
            let event: ResponseParser.Event
            do {
                event = try nextEvent()
            } catch where error.code == .malformedStatusLine && startsWithTLSRecord {
                throw PorterError(.malformedStatusLine, "the server at \(connection.host) port \(connection.remoteAddress.port) answered in TLS, not plain HTTP: try https://")
            } catch where error.code == .malformedStatusLine && isReusedConnection {
                // On a reused connection these bytes are no HTTP/0.9 answer but a stray tail of
                // the previous response, or a server that lost track of the framing.
                throw PorterError(.malformedHeaderField, "the answer on the reused connection to \(connection.host) is not an HTTP/1.x response: \(error.reason)")
            }
            switch event {
            case .head(let head):
                headBytes += head.rawBytes.count
                events?(.responseHead(head))
                if head.isInformational && head.status != 101 {
                    interim.append(head)
                } else {
                    return (interim, head)
                }
            case .needMore:
                do {
                    try await receive(awaitingReply: true)
                } catch where error.code == .emptyReply && connection.tlsSession == nil && !isReusedConnection
                    && connection.remoteAddress.family != .unix {
                    // A TLS server handed plain HTTP usually hangs up without a byte (OpenSSL does).
                    throw PorterError(.emptyReply, "\(error.reason); if port \(connection.remoteAddress.port) of \(connection.host) expects TLS, use https://")
                }
            case .body, .end:
                preconditionFailure("the parser produced a body before the head")
            }
        }
    }

    /// Delivers the next piece of the body to `consume`. Returns false, without
    /// calling it, once the body is complete.
    func readBodyChunk(
        isolation actor: isolated (any Actor)? = #isolation,
        _ consume: (UnsafeRawBufferPointer) throws -> Void
    ) async throws(PorterError) -> Bool {
        try checkAttached()
        while !isComplete {
            let input = connection.unconsumed
            let (event, consumed) = try parser.parse(input)
            if deliversRaw, consumed > 0 {
                // --raw: every consumed byte of the body, chunk framing and trailers included.
                try deliver(UnsafeRawBufferPointer(rebasing: input[..<consumed]), to: consume)
                connection.consume(consumed)
                if case .end(let trailers) = event {
                    self.trailers = trailers
                    markComplete()
                }
                return true
            }
            switch event {
            case .body(let range):
                try deliver(UnsafeRawBufferPointer(rebasing: input[range]), to: consume)
                connection.consume(consumed)
                return true
            case .end(let trailers):
                connection.consume(consumed)
                self.trailers = trailers
                markComplete()
            case .needMore:
                connection.consume(consumed)
                try await receive()
            case .head:
                preconditionFailure("the parser produced a head inside a body")
            }
        }
        return false
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer, to consume: (UnsafeRawBufferPointer) throws -> Void) throws(PorterError) {
        do {
            try consume(bytes)
        } catch let error as PorterError {
            throw error
        } catch {
            throw PorterError(.writeFailed, "writing the body failed: \(error)")
        }
        bodyBytesDelivered += UInt64(bytes.count)
    }

    /// The trailer section as received, once a chunked body is complete.
    var rawTrailerBytes: [UInt8] { parser.rawTrailerBytes }

    /// Reads and discards the rest of the body.
    func discardBody() async throws(PorterError) {
        while try await readBodyChunk({ _ in }) {}
    }

    /// Discards the rest of the body if it has already arrived, without
    /// waiting, so that a handler that ignored a small body still leaves the
    /// connection reusable.
    func discardReceivedBody() {
        while !isComplete && !isDetached {
            guard let (event, consumed) = try? parser.parse(connection.unconsumed) else { return }
            connection.consume(consumed)
            switch event {
            case .end(let trailers):
                self.trailers = trailers
                markComplete()
            case .body:
                continue
            case .needMore, .head:
                return
            }
        }
    }

    /// Whether the unparsed bytes look like a TLS record (handshake or alert, RFC 8446 §5.1).
    private var startsWithTLSRecord: Bool {
        let bytes = connection.unconsumed
        return bytes.count >= 2 && (bytes[0] == 0x15 || bytes[0] == 0x16) && bytes[1] == 0x03
    }

    private func nextEvent() throws(PorterError) -> ResponseParser.Event {
        let (event, consumed) = try parser.parse(connection.unconsumed)
        connection.consume(consumed)
        return event
    }

    /// Reads more bytes; at the end of the stream, lets the parser decide whether that completes the message.
    /// `awaitingReply`: the bytes are a response head, the answer to the request just sent.
    private func receive(awaitingReply: Bool = false) async throws(PorterError) {
        // The poller sees a deadline only when a read would block: a server that
        // keeps sending must not outlast the total time limit.
        if let totalDeadline, totalDeadline.hasPassed {
            throw totalDeadline.timeoutError("receiving from \(connection.remoteAddress)")
        }
        let count = try await connection.fill(deadline: readDeadline, awaitingReply: awaitingReply, upTo: receiveLimiter?.pieceSize)
        try checkSpeed(received: count)
        if count > 0 {
            try await receiveLimiter?.pause(after: count, deadline: totalDeadline)
            if firstByteAt == nil { firstByteAt = Deadline.now() }
            receivedAnyByte = true
            return
        }
        let event = try parser.finish()
        if case .end(let trailers) = event {
            if connection.endedWithoutNotice, parser.framing == .untilClose {
                // Without close_notify, an attacker could have cut a close-delimited body short.
                throw PorterError(.receiveFailed, "the TLS connection to \(connection.host) closed without close_notify during a body delimited by the connection's close: the response may be truncated")
            }
            self.trailers = trailers
            markComplete()
        }
    }

    /// Ends this exchange's claim on the connection; every later body read throws.
    func detach() { isDetached = true }

    private func checkAttached() throws(PorterError) {
        guard isDetached else { return }
        throw PorterError(.responseBodyExpired, "the body of the response from \(connection.host) was read after the handler of execute(_:) returned; read it (or collect it) inside the handler")
    }

    private func markComplete() {
        isComplete = true
        completedAt = Deadline.now()
    }
}
