internal import Glibc

/// An IPv4 or IPv6 socket address parsed from a numeric host.
struct SocketAddress {
    private var storage = sockaddr_storage()
    let length: socklen_t
    let family: Int32
    let host: String

    /// Parses a numeric IPv4 or IPv6 address (`127.0.0.1`, `::1`); no name
    /// resolution happens here.
    init(host: String, port: Int) throws {
        self.host = host
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr = ipv4
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            storage = Self.storage(holding: address)
        } else if inet_pton(AF_INET6, host, &ipv6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            address.sin6_addr = ipv6
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            storage = Self.storage(holding: address)
        } else {
            throw TestSupportError("\(host) is not a numeric IPv4 or IPv6 address")
        }
    }

    private static func storage<Address>(holding address: Address) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeBytes(of: address) { source in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
        }
        return storage
    }

    /// Whether this is a loopback address (127.0.0.0/8 or ::1): the only
    /// addresses test servers may listen on.
    var isLoopback: Bool {
        var copy = storage
        return withUnsafeBytes(of: &copy) { raw in
            if family == AF_INET {
                let address = raw.load(as: sockaddr_in.self)
                return UInt32(bigEndian: address.sin_addr.s_addr) >> 24 == 127
            }
            let address = raw.load(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
            return bytes == Array(repeating: 0, count: 15) + [1]
        }
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// `host` as it appears in a URL: IPv6 in brackets.
    var urlHost: String { family == AF_INET6 ? "[\(host)]" : host }
}

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
