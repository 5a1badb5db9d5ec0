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
    enum State: Sendable, Hashable {
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
    enum LineSearch {
        /// `content` excludes the line ending; `next` is the index just past the LF.
        case line(content: Range<Int>, next: Int)
        /// No LF yet and the line could still fit.
        case partial
        /// The line cannot fit in `maxLength` bytes.
        case tooLong
    }

    var state: State = .head
    /// Whether an interim (1xx) head came first: what follows must be HTTP/1.x, never HTTP/0.9.
    var sawInterimHead = false
    var isHeadRequest = false
    var isConnectRequest = false
    /// Bytes of the unfinished line at the front of the input already searched for LF.
    var scanned = 0
    /// Whether any byte of this response has been seen.
    var sawBytes = false

    // The section (head or trailers) being read.
    var sectionBytes = 0
    var fieldCount = 0
    var fields = HeaderFields()
    var rawHead: [UInt8] = []
    var version = HTTPVersion.http1_1
    var status = 0
    var reason = ""

    var reusable = false
    var trailers = HeaderFields()

    /// How the final response's body is delimited; nil until its head is parsed.
    public internal(set) var framing: Framing?

    /// Body bytes of the final response so far, after chunked decoding.
    public internal(set) var bodyBytesReceived: UInt64 = 0

    /// Whether a response without a status line is taken as HTTP/0.9: the whole
    /// stream is the body, read until the connection closes (curl's `--http0.9`).
    /// Off by default: such a response is refused with ``PorterError/Code/malformedStatusLine``.
    public var allowsHTTP09 = false
    /// Whether `Content-Length` is ignored and the body read until close, or by chunked
    /// framing (curl's `--ignore-content-length`).
    public var ignoresContentLength = false
    /// The trailer section of a chunked body exactly as received, without its final empty line.
    public internal(set) var rawTrailerBytes: [UInt8] = []

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

    // MARK: - Helpers

    /// `line[from...]` without surrounding SP and HTAB, decoded as UTF-8 (invalid bytes replaced).
    static func trimmedString(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> String {
        var lower = start
        var upper = line.count
        while lower < upper && HTTPSyntax.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower && HTTPSyntax.isWhitespace(line[upper - 1]) { upper -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: line[lower..<upper]), as: UTF8.self)
    }

    /// Up to the first 80 bytes of a line, control bytes escaped, for an error message.
    static func excerpt(_ line: UnsafeBufferPointer<UInt8>) -> String {
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
