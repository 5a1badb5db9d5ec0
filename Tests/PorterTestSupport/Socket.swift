internal import Glibc

/// Thin wrappers over the BSD socket calls the test servers need. Every
/// descriptor is made close-on-exec so child processes (nginx, porter) never
/// inherit a test server's sockets.
enum Socket {
    /// A blocking TCP socket listening on `address`; returns it and the port
    /// it got (useful with port 0).
    static func listen(on address: SocketAddress, backlog: Int32 = 128) throws -> (descriptor: Int32, port: Int) {
        let descriptor = try make(family: address.family)
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.withSockaddr { bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let reason = lastError()
            Glibc.close(descriptor)
            throw TestSupportError("cannot bind to \(address.urlHost): \(reason)")
        }
        guard Glibc.listen(descriptor, backlog) == 0 else {
            let reason = lastError()
            Glibc.close(descriptor)
            throw TestSupportError("cannot listen on \(address.urlHost): \(reason)")
        }
        do {
            return (descriptor, try localPort(of: descriptor))
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    /// A blocking TCP socket connected to `address`.
    static func connect(to address: SocketAddress) throws -> Int32 {
        let descriptor = try make(family: address.family)
        let result = address.withSockaddr { Glibc.connect(descriptor, $0, $1) }
        guard result == 0 else {
            let reason = lastError()
            Glibc.close(descriptor)
            throw TestSupportError("cannot connect to \(address.urlHost): \(reason)")
        }
        return descriptor
    }

    /// A port that is free on `host` right now: bound, read back and released.
    ///
    /// Another process may take it before the caller binds it; callers that
    /// hand the port to another program retry on a bind failure.
    static func freePort(on host: String) throws -> Int {
        let (descriptor, port) = try listen(on: SocketAddress(host: host, port: 0))
        Glibc.close(descriptor)
        return port
    }

    static func localPort(of descriptor: Int32) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else {
            throw TestSupportError("getsockname failed: \(lastError())")
        }
        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: &storage) { raw in
            if family == AF_INET6 {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
        }
    }

    /// Sets `SO_LINGER` to zero so that `close` sends a TCP RST.
    static func setResetOnClose(_ descriptor: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Sends every byte, retrying short writes; never raises `SIGPIPE`.
    static func sendAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent > 0 {
                offset += sent
            } else if sent < 0 && errno == EINTR {
                continue
            } else {
                throw TestSupportError("send failed: \(lastError())")
            }
        }
    }

    /// Whether `host` can be bound at all (false for `::1` on a host with
    /// IPv6 disabled).
    static func canListen(on host: String) -> Bool {
        guard let address = try? SocketAddress(host: host, port: 0),
            let (descriptor, _) = try? listen(on: address)
        else { return false }
        Glibc.close(descriptor)
        return true
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }

    private static func make(family: Int32) throws -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw TestSupportError("cannot create a socket: \(lastError())")
        }
        return descriptor
    }
}
