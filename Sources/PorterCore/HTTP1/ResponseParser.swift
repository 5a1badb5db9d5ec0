/// An incremental HTTP/1.1 response parser: bytes in, events out, no I/O.
///
/// The parser owns no socket and no receive buffer. The caller keeps a buffer of
/// received bytes and calls ``parse(_:)`` with it; each call returns one ``Event``
/// and how many bytes at the front of the buffer were consumed. Bytes not consumed
/// must be passed again, at the start of the next call, followed by whatever arrived
/// since. A typical loop:
///
/// ```swift
/// parser.begin(requestMethod: "GET")
/// loop: while true {
///     let (event, consumed) = try buffer.withUnsafeBytes { try parser.parse($0) }
///     switch event {
///     case .needMore: /* read more bytes into buffer; at EOF call parser.finish() */
///     case .head(let head): /* interim (1xx) or final head */
///     case .body(let range): /* deliver buffer[range] before dropping it */
///     case .end(let trailers): break loop
///     }
///     buffer.removeFirst(consumed)
/// }
/// ```
///
/// Only ``Event/needMore`` asks for more bytes; after any other event call `parse`
/// again with what is left, even if that is nothing (a bodiless response reports
/// ``Event/end(trailers:)`` on the call after its ``Event/head(_:)``, consuming
/// nothing).
///
/// The head is consumed line by line as lines complete, so the caller need only keep
/// the unfinished line; the parser remembers how far it has already searched that
/// line for its end, so a head arriving one byte at a time is scanned once.
/// Body bytes are never copied: ``Event/body(_:)`` names a range of the input.
///
/// A value type with no shared state: use it from one task at a time, like any
/// `var`. It is `Sendable` so it can move between tasks with its connection.
public struct ResponseParser: Sendable {
    /// Bounds on what a server can make the parser hold or scan.
    public struct Limits: Sendable, Hashable {
        /// Default for ``maxHeadBytes``: 300 KiB, curl's `MAX_HTTP_RESP_HEADER_SIZE`.
        public static let defaultMaxHeadBytes = 300 * 1024
        /// Default for ``maxFieldCount``: 5000, curl's `MAX_HTTP_RESP_HEADER_COUNT`.
        public static let defaultMaxFieldCount = 5000
        /// Default for ``maxChunkLineBytes``: 4 KiB.
        public static let defaultMaxChunkLineBytes = 4096

        /// The largest response head, in bytes, from the status line through the empty line,
        /// line endings included. Each head (interim 1xx heads too) and the trailer section of
        /// a chunked body each have a budget of this size.
        public var maxHeadBytes: Int
        /// The most header fields in one head (and, separately, in one trailer section).
        /// A continuation (obs-fold) line does not count as a field.
        public var maxFieldCount: Int
        /// The longest chunk-size line, in bytes, extensions and line ending included.
        public var maxChunkLineBytes: Int
        /// The longest one line of a head may be (curl's `CURL_MAX_HTTP_HEADER`).
        public var maxLineBytes: Int = Limits.defaultMaxLineBytes
        /// 100 KiB.
        public static let defaultMaxLineBytes = 100 * 1024

        /// Creates limits; each defaults to its `default…` constant.
        public init(
            maxHeadBytes: Int = Limits.defaultMaxHeadBytes,
            maxFieldCount: Int = Limits.defaultMaxFieldCount,
            maxChunkLineBytes: Int = Limits.defaultMaxChunkLineBytes
        ) {
            self.maxHeadBytes = maxHeadBytes
            self.maxFieldCount = maxFieldCount
            self.maxChunkLineBytes = maxChunkLineBytes
        }
    }

    /// What one call to ``ResponseParser/parse(_:)`` or ``ResponseParser/finish()`` found.
    public enum Event: Sendable, Hashable {
        /// The input holds no complete event: receive more bytes and call again, or call
        /// ``ResponseParser/finish()`` at end of stream.
        case needMore
        /// A complete head. An interim (1xx other than 101) head is followed by another head;
        /// check ``ResponseHead/isInformational``.
        case head(ResponseHead)
        /// These bytes of the input just passed are body bytes (after chunked decoding); never
        /// empty. They are not copied: use them before dropping the consumed bytes.
        case body(Range<Int>)
        /// The response is complete. `trailers` is empty unless a chunked body ended with trailer fields.
        case end(trailers: HeaderFields)
    }

    /// How the body of the final response is delimited (RFC 9112 §6.3).
    public enum Framing: Sendable, Hashable {
        /// No body: a response to HEAD, a 101, 204 or 304, or a 2xx to CONNECT.
        case none
        /// Exactly this many bytes follow the head.
        case contentLength(UInt64)
        /// A chunked body (RFC 9112 §7.1).
        case chunked
        /// The body runs until the server closes the connection.
        case untilClose
    }

    /// The limits this parser enforces.
    public let limits: Limits

    /// How far the parser has got in the current response.
    private enum State: Sendable, Hashable {
        /// Reading the status line and header fields of a head.
        case head
        /// Reading a body of known length.
        case contentLength(remaining: UInt64)
        /// Reading a body that ends when the connection closes.
        case untilClose
        /// Reading a chunk-size line.
        case chunkSize
        /// Reading chunk data.
        case chunkData(remaining: UInt64)
        /// Expecting the CRLF after chunk data.
        case chunkDataEnd
        /// Reading the trailer section after the last chunk.
        case trailers
        /// The message is complete; ``Event/end(trailers:)`` is not reported yet.
        case complete
        /// ``Event/end(trailers:)`` has been reported.
        case ended
    }

    /// A line found by ``findLine(_:from:maxLength:)``.
    private enum LineSearch {
        /// `content` excludes the line ending; `next` is the index just past the LF.
        case line(content: Range<Int>, next: Int)
        /// No LF yet and the line could still fit.
        case partial
        /// The line cannot fit in `maxLength` bytes.
        case tooLong
    }

    private var state: State = .head
    /// Whether an interim (1xx) head came first: what follows must be HTTP/1.x, never HTTP/0.9.
    private var sawInterimHead = false
    private var isHeadRequest = false
    private var isConnectRequest = false
    /// Bytes of the unfinished line at the front of the input already searched for LF.
    private var scanned = 0
    /// Whether any byte of this response has been seen.
    private var sawBytes = false

    // The section (head or trailers) being read.
    private var sectionBytes = 0
    private var fieldCount = 0
    private var fields = HeaderFields()
    private var rawHead: [UInt8] = []
    private var version = HTTPVersion.http1_1
    private var status = 0
    private var reason = ""

    private var reusable = false
    private var trailers = HeaderFields()

    /// How the final response's body is delimited; nil until its head is parsed.
    public private(set) var framing: Framing?

    /// Body bytes of the final response so far, after chunked decoding.
    public private(set) var bodyBytesReceived: UInt64 = 0

    /// Whether a response without a status line is taken as HTTP/0.9: the whole
    /// stream is the body, read until the connection closes (curl's `--http0.9`).
    /// Off by default: such a response is refused with ``PorterError/Code/malformedStatusLine``.
    public var allowsHTTP09 = false
    /// Whether `Content-Length` is ignored and the body read until close, or by chunked
    /// framing (curl's `--ignore-content-length`).
    public var ignoresContentLength = false
    /// The trailer section of a chunked body exactly as received, without its final empty line.
    public private(set) var rawTrailerBytes: [UInt8] = []

    /// Whether the connection may carry another request once this response has ended (RFC 9112 §9.3).
    ///
    /// False until ``Event/end(trailers:)`` has been reported, and afterwards for an HTTP/1.0
    /// response without `Connection: keep-alive`, any `Connection: close`, a body read until
    /// close, a 101 or a 2xx to CONNECT (the connection changes protocol), and a response whose
    /// framing was suspect (`Transfer-Encoding` together with `Content-Length`, or
    /// `Transfer-Encoding` in HTTP/1.0).
    public var isReusable: Bool { state == .ended && reusable }

    /// Creates a parser ready for a response to a GET; call ``begin(requestMethod:)`` before
    /// each response to name the request's method.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Starts a new response; call before parsing each response.
    ///
    /// `requestMethod` is the method of the request this response answers, compared
    /// case-sensitively (RFC 9110 §9.1): a response to `HEAD` has no body, and a 2xx to
    /// `CONNECT` turns the connection into a tunnel. Everything about the previous
    /// response is forgotten; leftover bytes stay with the caller.
    public mutating func begin(requestMethod: String) {
        state = .head
        sawInterimHead = false
        isHeadRequest = requestMethod == "HEAD"
        isConnectRequest = requestMethod == "CONNECT"
        scanned = 0
        sawBytes = false
        startSection()
        rawHead = []
        reusable = false
        trailers = HeaderFields()
        rawTrailerBytes = []
        framing = nil
        bodyBytesReceived = 0
    }

    // MARK: - Parsing

    /// Parses from the start of `input`. Returns one event and how many bytes of `input` were consumed.
    ///
    /// Contract: bytes not consumed must be passed again at the start of the next call,
    /// followed by newly received bytes. A ``Event/body(_:)`` range lies within the consumed
    /// bytes. After ``Event/end(trailers:)`` the parser consumes nothing more (it returns
    /// ``Event/needMore`` with 0) until ``begin(requestMethod:)``: bytes left over belong to
    /// the caller (a pipelined response, or stray data).
    ///
    /// The framing fields (`Content-Length`, `Transfer-Encoding`) are checked when the final
    /// head is complete; when they are invalid the head is not reported and this throws. They
    /// are not examined for a response that has no body whatever they say (HEAD, 1xx, 204, 304).
    ///
    /// - Throws: a ``PorterError`` naming the protocol violation (``PorterError/Code/malformedStatusLine``,
    ///   ``PorterError/Code/invalidChunkSize`` and the other HTTP codes). The parser is not usable
    ///   for this response afterwards and the connection must be closed.
    public mutating func parse(_ input: UnsafeRawBufferPointer) throws(PorterError) -> (event: Event, consumed: Int) {
        let bytes = input.assumingMemoryBound(to: UInt8.self)
        var pos = 0
        while true {
            switch state {
            case .head:
                if pos < bytes.count { sawBytes = true }
                if rawHead.isEmpty && sectionBytes == 0 && fieldCount == 0 && status == 0 && !sawInterimHead {
                    if let head = try http09Head(UnsafeBufferPointer(rebasing: bytes[pos...])) {
                        return (.head(head), pos)
                    }
                }
                // CVE-2023-38039 (curl): a server must not make the client buffer an endless head.
                let sectionRoom = limits.maxHeadBytes - sectionBytes
                switch findLine(bytes, from: pos, maxLength: min(sectionRoom, limits.maxLineBytes)) {
                case .partial:
                    return (.needMore, pos)
                case .tooLong where sectionRoom > limits.maxLineBytes:
                    throw PorterError(
                        .headerFieldTooLarge,
                        "a line of the response head is longer than \(limits.maxLineBytes) bytes"
                    )
                case .tooLong:
                    throw PorterError(
                        .headerBlockTooLarge,
                        "the response head is larger than \(limits.maxHeadBytes) bytes; the server sent too many or too long header fields"
                    )
                case .line(let content, let next):
                    rawHead.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<next]))
                    sectionBytes += next - pos
                    pos = next
                    if let head = try takeHeadLine(UnsafeBufferPointer(rebasing: bytes[content])) {
                        return (.head(head), pos)
                    }
                }

            case .contentLength(let remaining):
                let available = bytes.count - pos
                guard available > 0 else { return (.needMore, pos) }
                let count = available < remaining ? available : Int(remaining)
                bodyBytesReceived += UInt64(count)
                state = remaining == UInt64(count) ? .complete : .contentLength(remaining: remaining - UInt64(count))
                return (.body(pos..<pos + count), pos + count)

            case .untilClose:
                let available = bytes.count - pos
                guard available > 0 else { return (.needMore, pos) }
                bodyBytesReceived += UInt64(available)
                return (.body(pos..<bytes.count), bytes.count)

            case .chunkSize:
                // RFC 9112 §7.1: a chunk-size line is short; bound what a server can make us buffer.
                switch findLine(bytes, from: pos, maxLength: limits.maxChunkLineBytes) {
                case .partial:
                    return (.needMore, pos)
                case .tooLong:
                    throw PorterError(
                        .invalidChunkSize,
                        "a chunk-size line is longer than \(limits.maxChunkLineBytes) bytes; the chunked body is malformed"
                    )
                case .line(let content, let next):
                    let size = try Self.chunkSize(UnsafeBufferPointer(rebasing: bytes[content]))
                    pos = next
                    if size == 0 {
                        startSection()
                        state = .trailers
                    } else {
                        state = .chunkData(remaining: size)
                    }
                }

            case .chunkData(let remaining):
                let available = bytes.count - pos
                guard available > 0 else { return (.needMore, pos) }
                let count = available < remaining ? available : Int(remaining)
                bodyBytesReceived += UInt64(count)
                state = remaining == UInt64(count) ? .chunkDataEnd : .chunkData(remaining: remaining - UInt64(count))
                return (.body(pos..<pos + count), pos + count)

            case .chunkDataEnd:
                // RFC 9112 §7.1: chunk-data is followed by CRLF (bare LF accepted, §2.2).
                guard pos < bytes.count else { return (.needMore, pos) }
                if bytes[pos] == HTTPSyntax.lf {
                    pos += 1
                } else if bytes[pos] == HTTPSyntax.cr {
                    guard pos + 1 < bytes.count else { return (.needMore, pos) }
                    guard bytes[pos + 1] == HTTPSyntax.lf else { throw Self.missingChunkEnd(bytes[pos + 1]) }
                    pos += 2
                } else {
                    throw Self.missingChunkEnd(bytes[pos])
                }
                state = .chunkSize

            case .trailers:
                switch findLine(bytes, from: pos, maxLength: limits.maxHeadBytes - sectionBytes) {
                case .partial:
                    return (.needMore, pos)
                case .tooLong:
                    throw PorterError(
                        .headerBlockTooLarge,
                        "the trailer section of the chunked body is larger than \(limits.maxHeadBytes) bytes"
                    )
                case .line(let content, let next):
                    sectionBytes += next - pos
                    if !content.isEmpty { rawTrailerBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<next])) }
                    pos = next
                    if content.isEmpty {
                        trailers = fields
                        fields = HeaderFields()
                        state = .ended
                        return (.end(trailers: trailers), pos)
                    }
                    try takeFieldLine(UnsafeBufferPointer(rebasing: bytes[content]), inTrailers: true)
                }

            case .complete:
                state = .ended
                return (.end(trailers: trailers), pos)

            case .ended:
                return (.needMore, pos)
            }
        }
    }

    /// The peer closed the connection (EOF).
    ///
    /// Returns ``Event/end(trailers:)`` when the message is complete by close (a body read
    /// until close) or was already complete. Call it once the last ``parse(_:)`` returned
    /// ``Event/needMore``: bytes passed to `parse` but not consumed count as received.
    ///
    /// - Throws: ``PorterError/Code/emptyReply`` when nothing at all arrived for this response,
    ///   ``PorterError/Code/incompleteHead`` in the middle of a head, and
    ///   ``PorterError/Code/incompleteBody`` in the middle of a body, with the bytes received and
    ///   expected when known.
    public mutating func finish() throws(PorterError) -> Event {
        switch state {
        case .head:
            guard sawBytes else {
                throw PorterError(.emptyReply, "the server closed the connection without sending any response")
            }
            throw PorterError(
                .incompleteHead,
                "the connection closed in the middle of the response head, after \(sectionBytes + scanned) bytes of it"
            )
        case .contentLength(let remaining):
            throw PorterError(
                .incompleteBody,
                "the connection closed after \(bodyBytesReceived) of \(bodyBytesReceived + remaining) body bytes; \(remaining) bytes are missing"
            )
        case .chunkSize, .chunkData, .chunkDataEnd:
            throw PorterError(
                .incompleteBody,
                "the connection closed after \(bodyBytesReceived) bytes of a chunked body, before its last chunk"
            )
        case .trailers:
            throw PorterError(
                .incompleteBody,
                "the connection closed in the trailer section after \(bodyBytesReceived) bytes of a chunked body"
            )
        case .untilClose, .complete, .ended:
            state = .ended
            return .end(trailers: trailers)
        }
    }

    // MARK: - Lines

    /// Looks for the LF ending the line that starts at `pos`, resuming where the previous
    /// call stopped searching. `maxLength` bounds the line including its ending.
    private mutating func findLine(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, maxLength: Int) -> LineSearch {
        let limit = maxLength > bytes.count - pos ? bytes.count : pos + maxLength
        var index = pos + scanned
        while index < limit {
            if bytes[index] == HTTPSyntax.lf {
                scanned = 0
                // RFC 9112 §2.2: CRLF, or a bare LF, ends a line.
                let end = index > pos && bytes[index - 1] == HTTPSyntax.cr ? index - 1 : index
                return .line(content: pos..<end, next: index + 1)
            }
            index += 1
        }
        if bytes.count - pos >= maxLength {
            scanned = 0
            return .tooLong
        }
        scanned = bytes.count - pos
        return .partial
    }

    /// Resets the per-section counters before a head or a trailer section.
    private mutating func startSection() {
        sectionBytes = 0
        fieldCount = 0
        fields = HeaderFields()
    }

    /// Takes one line of a head (without its ending); returns the head when `line` is the empty line ending it.
    private mutating func takeHeadLine(_ line: UnsafeBufferPointer<UInt8>) throws(PorterError) -> ResponseHead? {
        // A valid status is at least 100, so 0 means the status line has not come yet.
        if status == 0 {
            try takeStatusLine(line)
            return nil
        }
        guard line.isEmpty else {
            try takeFieldLine(line, inTrailers: false)
            return nil
        }
        let head = ResponseHead(version: version, status: status, reason: reason, fields: fields, rawBytes: rawHead)
        rawHead = []
        status = 0
        reason = ""
        if head.isInformational && head.status != 101 {
            // RFC 9110 §15.2: an interim response; the final one follows on the same connection.
            startSection()
            sawInterimHead = true
        } else {
            try startBody(after: head)
        }
        return head
    }

    /// At the start of a response: whether the bytes cannot begin `HTTP/`, which makes it an
    /// HTTP/0.9 response (RFC 1945 §3.1: a Simple-Response is the body alone). Returns the
    /// synthetic head of such a response when ``allowsHTTP09``; nil while it may still be HTTP/1.x.
    private mutating func http09Head(_ bytes: UnsafeBufferPointer<UInt8>) throws(PorterError) -> ResponseHead? {
        let prefix: StaticString = "HTTP/"
        let looksLikeHTTP1 = prefix.withUTF8Buffer { prefix in
            zip(bytes.prefix(prefix.count), prefix).allSatisfy { $0 == $1 }
        }
        guard !looksLikeHTTP1, !bytes.isEmpty else { return nil }
        guard allowsHTTP09 else {
            // The reason names no bytes: how many have arrived depends on how the input was cut.
            throw PorterError(
                .malformedStatusLine,
                "the response does not start with an HTTP/1.x status line; an HTTP/0.9 response is refused unless allowed"
            )
        }
        guard !isHeadRequest else {
            throw PorterError(.malformedHeaderField, "an HTTP/0.9 response cannot answer HEAD: it has no head to send")
        }
        let head = ResponseHead(version: HTTPVersion(major: 0, minor: 9), status: 200, reason: "", fields: HeaderFields(), rawBytes: [])
        reusable = false
        framing = .untilClose
        state = .untilClose
        return head
    }

    /// Parses `HTTP/1.x SP 3DIGIT [SP reason]` (RFC 9112 §4).
    private mutating func takeStatusLine(_ line: UnsafeBufferPointer<UInt8>) throws(PorterError) {
        // "HTTP/1.1 200" is the shortest valid status line.
        let prefix: StaticString = "HTTP/1."
        let valid = line.count >= 12
            && prefix.withUTF8Buffer { line.starts(with: $0) }
            && HTTPSyntax.isDigit(line[7])
            && line[8] == HTTPSyntax.sp
            && line[9] >= UInt8(ascii: "1") && line[9] <= UInt8(ascii: "9")
            && HTTPSyntax.isDigit(line[10]) && HTTPSyntax.isDigit(line[11])
            && (line.count == 12 || line[12] == HTTPSyntax.sp)
        // RFC 9112 §2.2: a bare CR, and NUL, are never part of a line.
        if valid, let bad = line.first(where: { $0 == HTTPSyntax.cr || $0 == HTTPSyntax.nul }) {
            throw PorterError(
                .malformedHeaderField,
                "the status line \"\(Self.excerpt(line))\" contains \(HTTPSyntax.describe(bad))"
            )
        }
        guard valid else {
            // After an interim response the final one must follow: anything else is a broken reply.
            throw PorterError(
                sawInterimHead ? .malformedHeaderField : .malformedStatusLine,
                "the response does not start with a valid HTTP/1.x status line: \"\(Self.excerpt(line))\""
                    + (sawInterimHead ? " (after an interim response)" : "")
            )
        }
        version = HTTPVersion(major: 1, minor: Int(line[7] - 0x30))
        status = Int(line[9] - 0x30) * 100 + Int(line[10] - 0x30) * 10 + Int(line[11] - 0x30)
        reason = line.count > 13 ? String(decoding: UnsafeBufferPointer(rebasing: line[13...]), as: UTF8.self) : ""
    }

    /// Parses `name: value`, or an obs-fold continuation of the previous field.
    private mutating func takeFieldLine(_ line: UnsafeBufferPointer<UInt8>, inTrailers: Bool) throws(PorterError) {
        let code: PorterError.Code = .malformedHeaderField
        let what = inTrailers ? "trailer line" : "header line"

        // RFC 9110 §5.5: NUL is never allowed; RFC 9112 §2.2: a CR must be followed by LF.
        if let bad = line.first(where: { $0 == HTTPSyntax.cr || $0 == HTTPSyntax.nul }) {
            let byte = bad == HTTPSyntax.cr ? "a carriage return (CR) not followed by a line feed" : HTTPSyntax.describe(bad)
            throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" contains \(byte)")
        }

        if HTTPSyntax.isWhitespace(line[0]) {
            // RFC 9112 §5.2: obs-fold. Unfold into the previous value with one SP.
            guard fieldCount > 0 else {
                // RFC 9112 §2.2: whitespace between the start-line and the first field may be
                // consumed without further processing instead of rejecting the message.
                guard inTrailers else { return }
                throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" starts with whitespace but no field precedes it to continue")
            }
            fields.unfoldLastValue(appending: Self.trimmedString(line, from: 0))
            return
        }

        var colon = 0
        while colon < line.count && line[colon] != HTTPSyntax.colon {
            guard HTTPSyntax.isTokenByte(line[colon]) else {
                if HTTPSyntax.isWhitespace(line[colon]) {
                    // RFC 9112 §5.1: no whitespace between name and colon (request smuggling, e.g. CVE-2019-16869).
                    throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has whitespace inside or after the field name")
                }
                throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has \(HTTPSyntax.describe(line[colon])) in the field name")
            }
            colon += 1
        }
        guard colon < line.count else {
            throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has no colon")
        }
        guard colon > 0 else {
            throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has an empty field name")
        }

        // curl's MAX_HTTP_RESP_HEADER_COUNT: bound the work and memory one head can cost.
        guard fieldCount < limits.maxFieldCount else {
            throw PorterError(
                .tooManyHeaderFields,
                "the response has more than \(limits.maxFieldCount) \(inTrailers ? "trailer" : "header") fields"
            )
        }
        fieldCount += 1
        let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
        fields.append(name: name, value: Self.trimmedString(line, from: colon + 1))
    }

    // MARK: - Framing

    /// Decides how the final response's body is delimited (RFC 9112 §6.3) and whether the
    /// connection persists (RFC 9112 §9.3).
    private mutating func startBody(after head: ResponseHead) throws(PorterError) {
        let headFields = head.fields
        // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
        if headFields.containsToken("close", in: "Connection") {
            reusable = false
        } else if head.version.minor >= 1 {
            reusable = true
        } else {
            reusable = headFields.containsToken("keep-alive", in: "Connection")
        }
        startSection()

        let framing: Framing
        if head.status == 101 {
            // RFC 9110 §15.2.2: after 101 the connection speaks another protocol.
            framing = .none
            reusable = false
        } else if isHeadRequest || head.status == 204 || head.status == 304 {
            // RFC 9112 §6.3 item 1: no body, whatever the framing fields say.
            framing = .none
        } else if isConnectRequest && (200..<300).contains(head.status) {
            // RFC 9112 §6.3 item 2: the connection becomes a tunnel.
            framing = .none
            reusable = false
        } else if headFields.contains("Transfer-Encoding") {
            try Self.checkTransferEncoding(headFields)
            // RFC 9112 §6.3 item 3: Transfer-Encoding overrides Content-Length, but both together
            // may be a smuggling attempt, and RFC 9112 §6.1 says the same of Transfer-Encoding in
            // HTTP/1.0: read the body as chunked, then close.
            if headFields.contains("Content-Length") || head.version.minor == 0 {
                reusable = false
            }
            framing = .chunked
        } else if !ignoresContentLength, let length = try Self.contentLength(headFields) {
            framing = .contentLength(length)
        } else {
            // RFC 9112 §6.3 item 8: no framing fields, the body ends when the connection closes.
            framing = .untilClose
            reusable = false
        }

        self.framing = framing
        switch framing {
        case .none, .contentLength(0): state = .complete
        case .contentLength(let length): state = .contentLength(remaining: length)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// Accepts `Transfer-Encoding` only when `chunked` is its final coding and appears once.
    private static func checkTransferEncoding(_ fields: HeaderFields) throws(PorterError) {
        var codings: [Substring] = []
        for value in fields.values(named: "Transfer-Encoding") {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                // RFC 9110 §5.6.1: empty list elements are ignored; RFC 9112 §7: parameters follow ";".
                let coding = (element.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                    .trimmingASCIIWhitespace()
                if !coding.isEmpty { codings.append(coding) }
            }
        }
        let chunkedCount = codings.count { HeaderFields.namesEqual($0, "chunked") }
        // RFC 9112 §6.1: chunked must not be applied more than once.
        if chunkedCount > 1 {
            throw PorterError(
                .invalidTransferEncoding,
                "Transfer-Encoding lists chunked more than once; the body length is ambiguous"
            )
        }
        // RFC 9112 §6.3 item 4: without chunked last the body could only be read until close;
        // a response that could be read two ways is refused instead.
        guard let last = codings.last, HeaderFields.namesEqual(last, "chunked") else {
            throw PorterError(
                .invalidTransferEncoding,
                "Transfer-Encoding \"\(fields.values(named: "Transfer-Encoding").joined(separator: ", "))\" does not end in chunked; the body length is ambiguous"
            )
        }
    }

    /// The body length from every `Content-Length` field, or nil when there is none (RFC 9110 §8.6).
    private static func contentLength(_ fields: HeaderFields) throws(PorterError) -> UInt64? {
        var length: UInt64?
        for field in fields where HeaderFields.namesEqual(field.name, "Content-Length") {
            // RFC 9110 §8.6: a list of identical values ("5, 5") is one value.
            for element in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                // RFC 9110 §8.6: Content-Length = 1*DIGIT; a sign, a fraction or an overflow is invalid.
                guard let value = decimal(element.trimmingASCIIWhitespace()) else {
                    throw PorterError(
                        .invalidContentLength,
                        "Content-Length \"\(field.value)\" is not a decimal number of bytes that fits in 64 bits"
                    )
                }
                // RFC 9112 §6.3 item 5: differing lengths make the framing ambiguous (request smuggling).
                if let known = length, known != value {
                    throw PorterError(
                        .conflictingContentLength,
                        "the response gives different Content-Length values (\(known) and \(value)); the body length is ambiguous"
                    )
                }
                length = value
            }
        }
        return length
    }

    /// The value of 1*DIGIT, or nil when `digits` is empty, holds anything else, or overflows.
    private static func decimal(_ digits: Substring) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits.utf8 {
            guard HTTPSyntax.isDigit(byte) else { return nil }
            let (times10, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflowed, !carried else { return nil }
            value = sum
        }
        return value
    }

    // MARK: - Chunks

    /// Parses `chunk-size [chunk-ext]` (RFC 9112 §7.1); extensions are checked, then ignored.
    private static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(PorterError) -> UInt64 {
        var size: UInt64 = 0
        var index = 0
        while index < line.count, let digit = HTTPSyntax.hexValue(line[index]) {
            // RFC 9112 §7.1: recipients must guard against integer overflow of chunk-size.
            guard size <= UInt64.max >> 4 else {
                throw PorterError(.invalidChunkSize, "chunk size \"\(excerpt(line))\" does not fit in 64 bits")
            }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else {
            throw PorterError(.invalidChunkSize, "chunk-size line \"\(excerpt(line))\" does not start with a hexadecimal size")
        }
        guard index < line.count else { return size }
        // RFC 9112 §7.1.1: only chunk extensions follow the size, and whitespace only before ";".
        // They are ignored, but one that does not parse (trailing whitespace, a bare CR or NUL, an
        // empty name, an unclosed quote) is refused: parsers that read it differently disagree
        // about where the chunk data starts (request smuggling through chunk extensions).
        guard isChunkExtensionList(line, from: index) else {
            let rest = skipWhitespace(line, from: index)
            if rest < line.count && line[rest] == UInt8(ascii: ";") {
                throw PorterError(.invalidChunkSize, "chunk-size line \"\(excerpt(line))\" has a malformed chunk extension")
            }
            throw PorterError(.invalidChunkSize, "chunk-size line \"\(excerpt(line))\" is not a hexadecimal size")
        }
        return size
    }

    /// Whether `line[start...]` is `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`
    /// (RFC 9112 §7.1.1), where a value is a token or a quoted-string.
    private static func isChunkExtensionList(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        while index < line.count {
            index = skipWhitespace(line, from: index)
            guard index < line.count && line[index] == UInt8(ascii: ";") else { return false }
            let name = skipWhitespace(line, from: index + 1)
            index = skipToken(line, from: name)
            guard index > name else { return false }
            let equals = skipWhitespace(line, from: index)
            guard equals < line.count && line[equals] == UInt8(ascii: "=") else { continue }
            let value = skipWhitespace(line, from: equals + 1)
            if value < line.count && line[value] == HTTPSyntax.dquote {
                guard let end = quotedStringEnd(line, from: value) else { return false }
                index = end
            } else {
                index = skipToken(line, from: value)
                guard index > value else { return false }
            }
        }
        return true
    }

    /// The index just past the quoted-string opening at `start` (RFC 9110 §5.6.4), or nil when
    /// it holds a control byte or is not closed on this line.
    private static func quotedStringEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        while index < line.count {
            switch line[index] {
            case HTTPSyntax.dquote:
                return index + 1
            case HTTPSyntax.backslash:
                guard index + 1 < line.count && HTTPSyntax.isQuotedTextByte(line[index + 1]) else { return nil }
                index += 2
            case let byte:
                guard HTTPSyntax.isQuotedTextByte(byte) else { return nil }
                index += 1
            }
        }
        return nil
    }

    /// The index of the first byte at or after `index` that is not SP or HTAB.
    private static func skipWhitespace(_ line: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        while index < line.count && HTTPSyntax.isWhitespace(line[index]) { index += 1 }
        return index
    }

    /// The index of the first byte at or after `index` that is not a `tchar`.
    private static func skipToken(_ line: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        while index < line.count && HTTPSyntax.isTokenByte(line[index]) { index += 1 }
        return index
    }

    private static func missingChunkEnd(_ byte: UInt8) -> PorterError {
        PorterError(.malformedChunk, "chunk data is followed by \(HTTPSyntax.describe(byte)) instead of CRLF; the chunk is longer than its size says")
    }

    // MARK: - Helpers

    /// `line[from...]` without surrounding SP and HTAB, decoded as UTF-8 (invalid bytes replaced).
    private static func trimmedString(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> String {
        var lower = start
        var upper = line.count
        while lower < upper && HTTPSyntax.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower && HTTPSyntax.isWhitespace(line[upper - 1]) { upper -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: line[lower..<upper]), as: UTF8.self)
    }

    /// Up to the first 80 bytes of a line, control bytes escaped, for an error message.
    private static func excerpt(_ line: UnsafeBufferPointer<UInt8>) -> String {
        var out = ""
        for byte in line.prefix(80) {
            if byte < 0x20 || byte >= 0x7F {
                out += "\\x" + HTTPSyntax.hex2(byte)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return line.count > 80 ? out + "…" : out
    }
}
