#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A connected, non-blocking TCP socket: the bottom layer of every connection.
///
/// Each call tries the system call first and waits in ``IOPoller`` only when
/// the kernel says it would block. `EINTR` is retried; `SIGPIPE` is never
/// raised (`MSG_NOSIGNAL`). Used by one task at a time.
final class TCPSocket: Transport, @unchecked Sendable {
    let fd: Int32
    /// The address this socket is connected to.
    let remoteAddress: SocketAddress

    /// The local address and port of the connection (`getsockname`), for curl's
    /// `%{local_ip}` and `%{local_port}`; nil for a Unix-domain socket.
    var localAddress: SocketAddress? {
        guard remoteAddress.family != .unix else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                getsockname(fd, address, &length) == 0 ? SocketAddress(copying: address, length: length) : nil
            }
        }
    }
    private var closed = false

    private init(fd: Int32, remoteAddress: SocketAddress) {
        self.fd = fd
        self.remoteAddress = remoteAddress
    }

    deinit { close() }

    // MARK: - Connecting

    /// Connects to one of `addresses`, racing them as RFC 8305 (Happy Eyeballs v2)
    /// describes: families interleaved, a new attempt every 250 ms while none has
    /// succeeded (or at once when one fails), the first to connect wins.
    ///
    /// - Throws: ``PorterError/Code/cannotConnect`` listing why each address
    ///   failed, or ``PorterError/Code/timedOut`` when `deadline` passes.
    static func connect(
        to addresses: [SocketAddress], host: String, deadline: Deadline?, options: SocketOptions = SocketOptions()
    ) async throws(PorterError) -> TCPSocket {
        let ordered = HappyEyeballs.interleavingFamilies(addresses)
        if ordered.count == 1 {
            do {
                return try await connect(to: ordered[0], deadline: deadline, options: options)
            } catch where error.code == .timedOut || error.code == .cancelled || error.code == .localBindFailed {
                throw PorterError(error.code, "\(error.reason) to \(host) (\(ordered[0]))")
            } catch {
                throw PorterError(.cannotConnect, "could not connect to \(host) port \(ordered[0].port): \(ordered[0]): \(error.reason)")
            }
        }
        return try await HappyEyeballs.race(ordered, host: host, deadline: deadline, options: options)
    }

    /// Connects to one address.
    static func connectOne(to address: SocketAddress, deadline: Deadline?, options: SocketOptions = SocketOptions()) async throws(PorterError) -> TCPSocket {
        try await connect(to: address, deadline: deadline, options: options)
    }

    private static func connect(to address: SocketAddress, deadline: Deadline?, options: SocketOptions) async throws(PorterError) -> TCPSocket {
        let domain = switch address.family {
        case .ipv6: AF_INET6
        case .ipv4: AF_INET
        case .unix: AF_UNIX
        }
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        // Multipath TCP where asked and the kernel has it (IPPROTO_MPTCP, 262), else TCP.
        var fd = options.multipath && address.family != .unix ? socket(domain, type, 262) : -1
        if fd < 0 { fd = socket(domain, type, 0) }
        guard fd >= 0 else { throw PorterError(.cannotConnect, "socket(): \(String(cString: strerror(errno)))") }
        let socket = TCPSocket(fd: fd, remoteAddress: address)
        try options.apply(to: fd, connectingTo: address)

        if Task.isCancelled { throw PorterError(.cancelled, "the connection attempt was cancelled") }
        var status: Int32
        repeat {
            status = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        } while status != 0 && errno == EINTR
        if status != 0 {
            // EAGAIN: a Unix-domain listener's backlog is full; wait as for a TCP connect in progress.
            guard errno == EINPROGRESS || errno == EAGAIN else { throw PorterError(.cannotConnect, String(cString: strerror(errno))) }
            // On loopback the connection is often made already: look once before handing off to the poller.
            var pollFD = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&pollFD, 1, 0) <= 0 {
                try await IOPoller.shared.wait(fd: fd, for: .writable, deadline: deadline, what: "connecting", spins: true)
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { throw PorterError(.cannotConnect, String(cString: strerror(error))) }
        }
        return socket
    }

    // MARK: - Transport

    var descriptor: Int32 { fd }

    /// Never touches the descriptor once the socket is closed: the number may
    /// already belong to another connection.
    func tryRead(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO {
        if closed { return alreadyClosed(.receiveFailed, "receiving from") }
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .endOfStream }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock(.readable)
            case let code:
                return .failed(PorterError(.receiveFailed, "receiving from \(remoteAddress) failed: \(String(cString: strerror(code)))"), systemError: code)
            }
        }
    }

    func tryWrite(_ bytes: UnsafeRawBufferPointer) -> TransportIO {
        if closed { return alreadyClosed(.sendFailed, "sending to") }
        while true {
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .transferred(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock(.writable)
            case let code:
                return .failed(PorterError(.sendFailed, "sending to \(remoteAddress) failed: \(String(cString: strerror(code)))"), systemError: code)
            }
        }
    }

    private func alreadyClosed(_ code: PorterError.Code, _ action: String) -> TransportIO {
        .failed(PorterError(code, "\(action) \(remoteAddress) failed: the connection was already closed"), systemError: EBADF)
    }

    var endedWithoutNotice: Bool { false }

    var isStale: Bool {
        if closed { return true }
        var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollFD, 1, 0) > 0 else { return false }
        // Readable while idle: either the peer closed (0) or sent bytes no request asked for.
        return true
    }

    func close() {
        guard !closed else { return }
        closed = true
        IOPoller.shared.deregister(fd: fd)
        _ = Glibc.close(fd)
    }
}
