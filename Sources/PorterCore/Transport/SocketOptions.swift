#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How a TCP socket is set up before it connects: where it binds locally, and its
/// keep-alive probes (curl's `--interface`, `--local-port`, `--keepalive-time`,
/// `--keepalive-cnt`, `--no-keepalive`).
public struct SocketOptions: Sendable, Hashable {
    /// The local side to bind to: an IP address, or an interface name (whose address of
    /// the destination's family is used). Nil: the kernel picks.
    public var localInterface: String?
    /// The local ports to try, in order, until one binds. Nil: the kernel picks.
    public var localPorts: ClosedRange<Int>?
    /// Idle time before the first keep-alive probe, and between probes; nil turns
    /// keep-alive off. curl's default is 60 seconds.
    public var keepAliveInterval: Int? = 60
    /// How many unanswered probes end the connection (curl's default, 9).
    public var keepAliveProbes = 9

    /// Creates the options curl uses by default: keep-alive every 60 seconds, no binding.
    public init(localInterface: String? = nil, localPorts: ClosedRange<Int>? = nil) {
        self.localInterface = localInterface
        self.localPorts = localPorts
    }

    /// Whether the socket binds before it connects.
    var binds: Bool { localInterface != nil || localPorts != nil }

    /// Sets keep-alive on `fd` and binds it as asked, for a connection to `destination`.
    func apply(to fd: Int32, connectingTo destination: SocketAddress) throws(PorterError) {
        guard destination.family != .unix else { return }
        if let interval = keepAliveInterval {
            var on: Int32 = 1, idle = Int32(clamping: interval), count = Int32(clamping: keepAliveProbes)
            let size = socklen_t(MemoryLayout<Int32>.size)
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, size)
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, size)
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &idle, size)
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, size)
        }
        guard binds else { return }
        let host = try localInterface.map { name throws(PorterError) in try Self.localAddress(named: name, family: destination.family) } ?? nil
        let ports = localPorts ?? 0...0
        var lastError: Int32 = 0
        for port in ports {
            guard let address = SocketAddress(numericHost: host ?? (destination.family == .ipv6 ? "::" : "0.0.0.0"), port: port) else { break }
            let status = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            if status == 0 { return }
            lastError = errno
            // Only a port in use is worth trying the next one for.
            guard lastError == EADDRINUSE || lastError == EACCES else { break }
        }
        let what = [localInterface.map { "interface \($0)" }, localPorts.map { "local port \($0.lowerBound)-\($0.upperBound)" }]
            .compactMap { $0 }.joined(separator: ", ")
        throw PorterError(.localBindFailed, "could not bind to \(what): \(String(cString: strerror(lastError)))")
    }

    /// The address to bind to for `name`: the name itself when it is an IP literal, else
    /// the first address of that family on the interface so named.
    static func localAddress(named name: String, family: SocketAddress.Family) throws(PorterError) -> String? {
        if SocketAddress.octets(ofNumericHost: name) != nil { return name }
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else {
            throw PorterError(.localBindFailed, "could not list the network interfaces: \(String(cString: strerror(errno)))")
        }
        defer { freeifaddrs(list) }
        var cursor = list
        var sawInterface = false
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard String(cString: entry.pointee.ifa_name) == name else { continue }
            sawInterface = true
            guard let raw = entry.pointee.ifa_addr else { continue }
            let wanted = family == .ipv6 ? AF_INET6 : AF_INET
            guard Int32(raw.pointee.sa_family) == wanted,
                  true else { continue }
            return SocketAddress(copying: raw, length: socklen_t(wanted == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)).host
        }
        throw PorterError(.localBindFailed, sawInterface
            ? "the interface \(name) has no \(family == .ipv6 ? "IPv6" : "IPv4") address"
            : "there is no network interface named \(name)")
    }
}
