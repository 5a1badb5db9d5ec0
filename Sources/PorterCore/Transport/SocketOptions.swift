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
    /// `TCP_NODELAY`: small writes go out at once (on, as in curl; `--no-tcp-nodelay`).
    public var noDelay = true
    /// The IP type of service / traffic class byte (curl's `--ip-tos`).
    public var typeOfService: Int?
    /// The socket priority, `SO_PRIORITY`, which sets the VLAN priority (curl's `--vlan-priority`).
    public var priority: Int?
    /// TCP Fast Open for the connect (`TCP_FASTOPEN_CONNECT`, curl's `--tcp-fastopen`).
    public var fastOpen = false
    /// Multipath TCP (RFC 8684), falling back to TCP where the kernel has none (curl's `--mptcp`).
    public var multipath = false
    /// How long a connection attempt has before Happy Eyeballs starts the next address
    /// (curl's `--happy-eyeballs-timeout-ms`; RFC 8305 §5 recommends 250 ms).
    public var attemptDelay: Duration = .milliseconds(250)

    /// Creates the options curl uses by default: keep-alive every 60 seconds, no binding.
    public init(localInterface: String? = nil, localPorts: ClosedRange<Int>? = nil) {
        self.localInterface = localInterface
        self.localPorts = localPorts
    }

    /// Whether the socket binds before it connects.
    var binds: Bool { localInterface != nil || localPorts != nil }

    /// Sets keep-alive and the other options on `fd` and binds it as asked, for a connection to `destination`.
    func apply(to fd: Int32, connectingTo destination: SocketAddress) throws(PorterError) {
        guard destination.family != .unix else { return }
        let size = socklen_t(MemoryLayout<Int32>.size)
        var flag: Int32 = noDelay ? 1 : 0
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &flag, size)
        if var tos = typeOfService.map(Int32.init(clamping:)) {
            if destination.family == .ipv6 {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_TCLASS, &tos, size)
            } else {
                setsockopt(fd, Int32(IPPROTO_IP), IP_TOS, &tos, size)
            }
        }
        if var priority = priority.map(Int32.init(clamping:)) { setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &priority, size) }
        if fastOpen {
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_FASTOPEN_CONNECT, &on, size)
        }
        if let interval = keepAliveInterval {
            var on: Int32 = 1, idle = Int32(clamping: interval), count = Int32(clamping: keepAliveProbes)
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
            let local = host ?? (destination.family == .ipv6 ? "::" : "0.0.0.0")
            guard let address = SocketAddress(numericHost: local, port: port) else {
                throw PorterError(.localBindFailed, "could not bind to \(local): not an IP address of this machine")
            }
            let status = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            if status == 0 { return }
            lastError = errno
            // Only a port in use is worth trying the next one for.
            guard lastError == EADDRINUSE || lastError == EACCES else { break }
        }
        let what = [localInterface.map { "interface \($0)" }, localPorts.map { "local port \($0.lowerBound)-\($0.upperBound)" }]
            .compactMap { $0 }.joined(separator: ", ")
        let reason = lastError == 0 ? "no address to bind to" : String(cString: strerror(lastError))
        throw PorterError(.localBindFailed, "could not bind to \(what): \(reason)")
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
