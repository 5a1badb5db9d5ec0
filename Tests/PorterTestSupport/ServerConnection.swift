internal import Glibc

/// One accepted connection of a ``ScriptedServer``, handed to the server's
/// handler on the connection's own thread.
///
/// Threading: use it only from the handler it was given to. It is not
/// `Sendable`; every call blocks that thread, which is never one of Swift's
/// cooperative threads.
///
/// Call order: read with ``readRequest(readingBody:)``, ``readBody(of:)`` or
/// ``readBytes(count:)`` and answer with ``write(_:)`` in any order the
/// test scripts; end with one of ``close()``, ``closeWithoutNotify()`` or
/// ``reset()``. After the first of these, reads return the end of stream and
/// writes throw. A handler that returns without closing gets ``close()``.
public final class ServerConnection {
    /// The position of this connection among those the server accepted,
    /// from 0, in order of acceptance.
    public let index: Int

    private let descriptor: Int32
    private let server: ScriptedServer.State
    private var tls: TLSServerSession?
    private var pending: [UInt8] = []
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var reachedEnd = false
    private var closed = false

    /// The most bytes a request head may have before ``readRequest(readingBody:)``
    /// gives up: a runaway client must not make a test eat memory.
    public static let maximumHeadSize = 1 << 20

    init(descriptor: Int32, index: Int, server: ScriptedServer.State) {
        self.descriptor = descriptor
        self.index = index
        self.server = server
    }

    deinit {
        if !closed {
            server.closeDescriptor(descriptor)
        }
    }

    func startTLS(_ context: TLSServerContext) throws {
        let session = try TLSServerSession(context: context, descriptor: descriptor)
        try session.accept()
        tls = session
    }

    // MARK: - Reading

    /// Reads the next request head and, unless told not to, its body.
    ///
    /// The head ends at the first empty line, CRLF or bare LF; empty lines
    /// before the request line are skipped (RFC 9112 §2.2). The body is read
    /// by `Transfer-Encoding: chunked` when that is the last coding, else by
    /// `Content-Length`, else it is empty. The head is also recorded in the
    /// server's ``ScriptedServer/requestHeads``.
    ///
    /// - Parameter readingBody: pass `false` to leave the body unread, for
    ///   example to answer `Expect: 100-continue` first; read it afterwards
    ///   with ``readBody(of:)``.
    /// - Returns: the request, or `nil` if the client closed the connection
    ///   (or it was closed here) before sending another byte.
    /// - Throws: ``TestSupportError`` when the stream ends inside a head or
    ///   body, the head exceeds ``maximumHeadSize``, or a length is malformed.
    public func readRequest(readingBody: Bool = true) throws -> ReceivedRequest? {
        var scanned = 0
        var headEnd: Int?
        while headEnd == nil {
            while let first = pending.first, first == UInt8(ascii: "\r") || first == UInt8(ascii: "\n") {
                pending.removeFirst()
            }
            headEnd = Self.endOfHead(in: pending, from: scanned)
            if headEnd != nil { break }
            scanned = max(0, pending.count - 2)
            guard pending.count <= Self.maximumHeadSize else {
                throw TestSupportError("request head is longer than \(Self.maximumHeadSize) bytes")
            }
            guard try fill() else {
                if pending.isEmpty {
                    return nil
                }
                throw TestSupportError("connection closed inside a request head after \(pending.count) bytes")
            }
        }
        let headBytes = take(headEnd!)
        let request = Self.parseHead(headBytes)
        server.record(head: request.head)
        return readingBody ? try readBody(of: request) : request
    }

    /// Reads the body that `request` announces and returns the request with
    /// ``ReceivedRequest/body`` and ``ReceivedRequest/rawBody`` filled.
    public func readBody(of request: ReceivedRequest) throws -> ReceivedRequest {
        var result = request
        let codings = request.values(forHeader: "Transfer-Encoding")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimming(" \t").lowercased() }
        if codings.last == "chunked" {
            (result.body, result.rawBody) = try readChunkedBody()
        } else if let length = request.value(forHeader: "Content-Length") {
            guard let count = Int(length), count >= 0 else {
                throw TestSupportError("request has an invalid Content-Length: \(length)")
            }
            result.body = try readBytes(count: count)
            result.rawBody = result.body
        }
        return result
    }

    /// Reads exactly `count` bytes, whatever they are.
    ///
    /// - Throws: ``TestSupportError`` when the stream ends first.
    public func readBytes(count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, 1 << 24))
        while bytes.count < count {
            if pending.isEmpty {
                guard try fill() else {
                    throw TestSupportError("connection closed after \(bytes.count) of \(count) bytes")
                }
            }
            bytes += take(min(count - bytes.count, pending.count))
        }
        return bytes
    }

    /// Reads until the client closes its side and returns what came, for
    /// tests of clients that send a body delimited by closing.
    public func readToEnd() throws -> [UInt8] {
        while try fill() {}
        return take(pending.count)
    }

    // MARK: - Writing

    /// Sends `bytes` exactly as given (through TLS on a TLS server).
    ///
    /// - Throws: ``TestSupportError`` when the connection is closed here or
    ///   the client has gone (`EPIPE`, `ECONNRESET`); never `SIGPIPE`.
    public func write(_ bytes: [UInt8]) throws {
        guard !closed else {
            throw TestSupportError("write on a closed connection")
        }
        try bytes.withUnsafeBytes { raw in
            if let tls {
                try tls.write(raw)
            } else {
                try Socket.sendAll(descriptor, raw)
            }
        }
    }

    /// Sends the UTF-8 bytes of `text` exactly as given; write `\r\n` line
    /// endings out in full.
    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    // MARK: - Closing

    /// Ends the connection cleanly: on TLS sends `close_notify` first, then
    /// shuts down the sending side (TCP FIN), discards whatever the client
    /// still sends for up to a second so the kernel has no reason to answer
    /// with RST, and closes. Idempotent.
    public func close() {
        finish(sendingCloseNotify: true)
    }

    /// Ends the connection with a TCP FIN but, on TLS, no `close_notify`:
    /// the truncation a client must detect. On a plain server this is the
    /// same as ``close()``.
    public func closeWithoutNotify() {
        finish(sendingCloseNotify: false)
    }

    /// Aborts the connection: `SO_LINGER` of zero, then `close`, so the
    /// client gets a TCP RST (`ECONNRESET`) instead of a FIN.
    public func reset() {
        guard !closed else { return }
        closed = true
        reachedEnd = true
        Socket.setResetOnClose(descriptor)
        server.closeDescriptor(descriptor)
    }

    // MARK: - Internals

    private func finish(sendingCloseNotify: Bool) {
        guard !closed else { return }
        closed = true
        reachedEnd = true
        if sendingCloseNotify {
            tls?.sendCloseNotify()
        }
        shutdown(descriptor, Int32(SHUT_WR))
        discardUntilEnd(seconds: 1)
        server.closeDescriptor(descriptor)
    }

    /// Reads and drops raw bytes until the client's FIN or the deadline.
    private func discardUntilEnd(seconds: Int) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var remaining = seconds * 1000
        while remaining > 0 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let started = monotonicMilliseconds()
            let ready = poll(&poller, 1, Int32(remaining))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            remaining -= monotonicMilliseconds() - started
        }
    }

    /// Reads more bytes into `pending`; false at the end of the stream.
    private func fill() throws -> Bool {
        guard !reachedEnd else { return false }
        while true {
            let count = try readBuffer.withUnsafeMutableBytes { raw -> Int in
                if let tls {
                    return try tls.read(into: raw)
                }
                return recv(descriptor, raw.baseAddress, raw.count, 0)
            }
            if count > 0 {
                pending += readBuffer[0..<count]
                return true
            }
            if count < 0 && errno == EINTR {
                continue
            }
            if count < 0 && errno != ECONNRESET && errno != ESHUTDOWN && errno != ENOTCONN {
                throw TestSupportError("recv failed: \(Socket.lastError())")
            }
            reachedEnd = true
            return false
        }
    }

    private func take(_ count: Int) -> [UInt8] {
        let taken = Array(pending[0..<count])
        pending.removeFirst(count)
        return taken
    }

    /// One line through its LF, from `pending` and the stream.
    private func readLine() throws -> [UInt8] {
        var scanned = 0
        while true {
            if let newline = pending[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                return take(newline + 1)
            }
            scanned = pending.count
            guard pending.count <= Self.maximumHeadSize else {
                throw TestSupportError("line longer than \(Self.maximumHeadSize) bytes in a chunked body")
            }
            guard try fill() else {
                throw TestSupportError("connection closed inside a chunked body")
            }
        }
    }

    // RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF chunk-data CRLF ... last-chunk trailer-section CRLF
    private func readChunkedBody() throws -> (body: [UInt8], raw: [UInt8]) {
        var body: [UInt8] = []
        var raw: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            raw += sizeLine
            let text = String(decoding: sizeLine, as: UTF8.self)
            let digits = text.prefix { $0.isHexDigit }
            guard !digits.isEmpty, let size = Int(digits, radix: 16) else {
                throw TestSupportError("invalid chunk-size line: \(text.debugDescription)")
            }
            if size == 0 {
                while true {
                    let trailer = try readLine()
                    raw += trailer
                    if trailer == [UInt8(ascii: "\n")] || trailer == Array("\r\n".utf8) {
                        return (body, raw)
                    }
                }
            }
            let data = try readBytes(count: size)
            body += data
            raw += data
            raw += try readLine()
        }
    }

    /// The offset just past the empty line ending a head, if `bytes` holds one.
    static func endOfHead(in bytes: [UInt8], from start: Int) -> Int? {
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var index = start
        while index < bytes.count {
            if bytes[index] == newline {
                if index + 1 < bytes.count, bytes[index + 1] == newline {
                    return index + 2
                }
                if index + 2 < bytes.count, bytes[index + 1] == carriageReturn, bytes[index + 2] == newline {
                    return index + 3
                }
            }
            index += 1
        }
        return nil
    }

    static func parseHead(_ bytes: [UInt8]) -> ReceivedRequest {
        // Split bytes, not Characters: Swift treats "\r\n" as one Character.
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        while lines.last?.isEmpty == true {
            lines.removeLast()
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimming(" \t")
            headers.append((name, value))
        }
        return ReceivedRequest(
            head: String(decoding: bytes, as: UTF8.self), requestLine: lines.first ?? "", headers: headers)
    }
}

extension StringProtocol {
    /// This text without leading and trailing characters from `set`.
    func trimming(_ set: String) -> String {
        let characters = Set(set)
        guard let first = firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = lastIndex { !characters.contains($0) }!
        return String(self[first...last])
    }
}

func monotonicMilliseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
}
