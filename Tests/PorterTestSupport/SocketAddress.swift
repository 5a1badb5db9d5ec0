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
