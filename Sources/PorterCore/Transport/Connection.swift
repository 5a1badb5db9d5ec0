/// One connection to an origin: a plain TCP socket for `http`, or a TLS
/// stream over one for `https`. Everything above this type is the same for
/// port 80 and port 443.
///
/// A connection owns a read buffer that the HTTP codec parses in place, so
/// body bytes are copied once, from the kernel (or OpenSSL) into this buffer.
/// It is used by one task at a time; the client's pool hands it between tasks.
final class Connection: @unchecked Sendable {
    /// Where the connection goes: scheme, host and port.
    let origin: String
    /// The host name or IP literal used to connect and to verify the certificate.
    let host: String
    /// The address the socket is connected to.
    let remoteAddress: SocketAddress
    /// What the TLS handshake agreed on, or nil for plain HTTP.
    let tlsSession: TLSSessionInfo?
    /// A number unique within the process, for messages (`Connection #3`).
    let id: Int
    /// How many requests this connection has carried.
    var requestCount = 0
    /// When the connection's name lookup, TCP connect and TLS handshake ended (monotonic nanoseconds).
    let establishment: Establishment

    /// Monotonic instants of the phases of opening a connection.
    struct Establishment {
        var resolved: UInt64
        var connected: UInt64
        var tlsDone: UInt64?
    }

    private let transport: any Transport

    /// The read buffer: bytes `[readStart, readEnd)` are received and not yet consumed.
    private(set) var buffer: UnsafeMutableRawBufferPointer
    private(set) var readStart = 0
    private(set) var readEnd = 0

    /// The read buffer's usual size: large enough that a fast transfer needs few system calls.
    static let bufferSize = 128 * 1024
    /// The most the buffer grows to while holding an incomplete head (the parser's head limit plus slack).
    static let maximumBufferSize = 512 * 1024

    private init(origin: String, host: String, transport: any Transport, remoteAddress: SocketAddress, tlsSession: TLSSessionInfo?, id: Int, establishment: Establishment) {
        self.establishment = establishment
        self.origin = origin
        self.host = host
        self.transport = transport
        self.remoteAddress = remoteAddress
        self.tlsSession = tlsSession
        self.id = id
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
    }

    deinit {
        transport.close()
        buffer.deallocate()
    }

    // MARK: - Opening

    /// Resolves `url`'s host, connects to each address in turn and, for `https`, runs the TLS handshake.
    static func open(
        to url: HTTPURL, routing: Routing = Routing(), tlsContext: TLSContext?, connectDeadline: Deadline?, id: Int,
        events: ((ClientEvent) -> Void)?
    ) async throws(PorterError) -> Connection {
        // Through a proxy, the TCP connection goes to the proxy; TLS still goes end to end to the origin.
        let target = routing.proxy?.url ?? url
        let addresses: [SocketAddress]
        do {
            addresses = try await Self.addresses(for: target, routing: routing)
        } catch where error.code == .cannotResolveHost && routing.proxy != nil {
            throw PorterError(.cannotResolveProxy, "could not resolve proxy \(target.host): \(error.reason)")
        }
        var establishment = Establishment(resolved: Deadline.now(), connected: 0, tlsDone: nil)
        events?(.resolved(host: target.host, addresses: addresses))
        events?(.connecting(host: target.host, addresses: addresses))
        let socket: TCPSocket
        do {
            socket = try await TCPSocket.connect(to: addresses, host: target.host, deadline: connectDeadline)
        } catch where error.code == .cannotConnect && routing.proxy != nil {
            throw PorterError(.cannotConnect, "could not connect to the proxy: \(error.reason)")
        }
        establishment.connected = Deadline.now()
        events?(.connected(host: target.host, address: socket.remoteAddress, connectionID: id))
        let key = routing.poolKey(for: url)
        guard url.isSecure else {
            return Connection(origin: key, host: url.host, transport: socket, remoteAddress: socket.remoteAddress, tlsSession: nil, id: id, establishment: establishment)
        }
        if let proxy = routing.proxy {
            try await ProxyTunnel.open(through: socket, to: url, proxy: proxy, deadline: connectDeadline, events: events)
        }
        guard let tlsContext else { preconditionFailure("https without a TLS context") }
        let stream = try await TLSStream.connect(over: socket, context: tlsContext, host: url.host, port: url.port, deadline: connectDeadline)
        establishment.tlsDone = Deadline.now()
        events?(.tlsEstablished(host: url.host, session: stream.session))
        return Connection(origin: key, host: url.host, transport: stream, remoteAddress: socket.remoteAddress, tlsSession: stream.session, id: id, establishment: establishment)
    }

    /// Where a URL's connection goes, when not simply to its host's addresses.
    struct Routing: Sendable {
        var families: AddressFamilies = .any
        var unixSocketPath: String?
        var overrides: [String: [SocketAddress]] = [:]
        var proxy: ProxyConfiguration?

        /// The key under which connections for `url` are pooled: the origin, and how it is reached.
        /// Plain requests through a proxy share the proxy's connections whatever their origin.
        func poolKey(for url: HTTPURL) -> String {
            if let proxy {
                let via = "via proxy \(proxy.url.origin) as \(proxy.credentials?.split(separator: ":").first ?? "")"
                return url.isSecure ? "\(url.origin) \(via)" : "http \(via)"
            }
            return unixSocketPath.map { "\(url.origin) via unix:\($0)" } ?? url.origin
        }

        /// Whether requests for `url` are sent to a proxy in absolute form (RFC 9112 §3.2.2).
        func usesAbsoluteForm(for url: HTTPURL) -> Bool { proxy != nil && !url.isSecure }
    }

    /// The addresses to try for `url`: the Unix socket, an override, or the resolved
    /// addresses of the families allowed.
    private static func addresses(for url: HTTPURL, routing: Routing) async throws(PorterError) -> [SocketAddress] {
        if let path = routing.unixSocketPath {
            guard let address = SocketAddress(unixPath: path) else {
                throw PorterError(.cannotConnect, "the Unix socket path \(path) is empty or too long")
            }
            return [address]
        }
        let resolved: [SocketAddress]
        if let override = routing.overrides["\(url.host):\(url.port)"] {
            resolved = override
        } else {
            resolved = try await Resolver.resolve(host: url.host, port: url.port)
        }
        let allowed = resolved.filter { address in
            switch routing.families {
            case .any: true
            case .ipv4Only: address.family == .ipv4
            case .ipv6Only: address.family == .ipv6
            }
        }
        guard !allowed.isEmpty else {
            let family = routing.families == .ipv4Only ? "IPv4" : "IPv6"
            throw PorterError(.cannotResolveHost, "could not resolve host \(url.host): it has no \(family) address")
        }
        return allowed
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
    func fill(deadline: Deadline?, awaitingReply: Bool = false) async throws(PorterError) -> Int {
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
        let count = try await transport.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[readEnd...]), deadline: deadline, awaitingReply: awaitingReply)
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
    func close() { transport.close() }
}
