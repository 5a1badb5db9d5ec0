/// One connection: the top ``Transport`` of a chain of layers (a TCP socket;
/// then, as the route needs, a proxy tunnel and TLS), with the read buffer the
/// protocol codec parses in place. Everything above this type is the same for
/// port 80 and port 443, and for every chain.
///
/// Body bytes are copied once, from the kernel (or OpenSSL) into this buffer.
/// The chain is put together by the client (`Connector`); this type knows no
/// URL, proxy or TLS type. It is used by one task at a time; the client's
/// pool hands it between tasks.
final class Connection: @unchecked Sendable {
    /// Where the connection goes: scheme, host and port.
    let origin: String
    /// The host name or IP literal used to connect and to verify the certificate.
    let host: String
    /// The address the socket is connected to.
    let remoteAddress: SocketAddress
    /// The socket's own address and port, when it has one (not for Unix-domain sockets).
    let localAddress: SocketAddress?
    /// A number unique within the process, for messages (`Connection #3`).
    let id: Int
    /// When the connection's name lookup, TCP connect and TLS handshake ended (monotonic nanoseconds).
    let establishment: Establishment

    /// Monotonic instants of the phases of opening a connection.
    struct Establishment {
        var resolved: UInt64
        var connected: UInt64
        var tlsDone: UInt64?
    }

    /// The top layer of the chain.
    let transport: any Transport

    /// The read buffer: bytes `[readStart, readEnd)` are received and not yet consumed.
    private(set) var buffer: UnsafeMutableRawBufferPointer
    private(set) var readStart = 0
    private(set) var readEnd = 0

    /// The read buffer's usual size: large enough that a fast transfer needs few system calls.
    static let bufferSize = 128 * 1024
    /// The most the buffer grows to while holding an incomplete head (the parser's head limit plus slack).
    static let maximumBufferSize = 512 * 1024

    /// Whether closing (or dropping) this connection closes its chain; false for a connection
    /// that only borrows a layer for one exchange (a proxy's `CONNECT`).
    private let ownsTransport: Bool

    /// Wraps the top layer of a chain; `bufferSize` is the read buffer's first size.
    init(
        origin: String, host: String, transport: any Transport, id: Int, establishment: Establishment,
        bufferSize: Int = Connection.bufferSize, ownsTransport: Bool = true, localAddress: SocketAddress? = nil
    ) {
        self.localAddress = localAddress
        self.ownsTransport = ownsTransport
        self.establishment = establishment
        self.origin = origin
        self.host = host
        self.transport = transport
        remoteAddress = transport.remoteAddress
        self.id = id
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit {
        if ownsTransport { transport.close() }
        buffer.deallocate()
    }

    // MARK: - I/O

    /// The unconsumed received bytes.
    var unconsumed: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[readStart..<readEnd])
    }

    /// Marks `count` unconsumed bytes as consumed.
    func consume(_ count: Int) {
        readStart += count
        if readStart == readEnd {
            readStart = 0
            readEnd = 0
        }
    }

    /// Reads more bytes after the unconsumed ones. Returns how many arrived; 0 at the end of the stream.
    /// `awaitingReply`: the bytes answer a request just sent (see ``Transport/read(into:deadline:awaitingReply:)``).
    /// `limit` caps how many bytes one call reads (for a rate limit).
    func fill(deadline: Deadline?, awaitingReply: Bool = false, upTo limit: Int? = nil) async throws(PorterError) -> Int {
        if readEnd == buffer.count {
            if readStart > 0 {
                // Move the unconsumed tail to the front.
                let count = readEnd - readStart
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + readStart, byteCount: count)
                readStart = 0
                readEnd = count
            } else if buffer.count < Self.maximumBufferSize {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, Self.maximumBufferSize), alignment: 16)
                larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: readEnd)
                buffer.deallocate()
                buffer = larger
            } else {
                throw PorterError(.headerBlockTooLarge, "the response from \(host) needs more than \(Self.maximumBufferSize) bytes of buffer")
            }
        }
        let end = limit.map { min(buffer.count, readEnd + $0) } ?? buffer.count
        let count = try await transport.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[readEnd..<end]), deadline: deadline, awaitingReply: awaitingReply)
        readEnd += count
        return count
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline?) async throws(PorterError) {
        try await transport.write(bytes, deadline: deadline)
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8], deadline: Deadline?) async throws(PorterError) {
        // Array has no async withUnsafeBytes; heads are small, and bodies go through in pieces.
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: bytes)
        try await transport.write(UnsafeRawBufferPointer(copy), deadline: deadline)
    }

    /// Whether the peer closed without the transport's orderly close (TLS without `close_notify`).
    var endedWithoutNotice: Bool { transport.endedWithoutNotice }

    /// Whether an idle connection can no longer carry a request.
    var isStale: Bool { readEnd > readStart || transport.isStale }

    /// Closes the connection (TLS sends `close_notify`).
    func close() {
        if ownsTransport { transport.close() }
    }
}
