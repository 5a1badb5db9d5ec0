#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An IPv4 or IPv6 address with a port, or a Unix-domain socket path, as the kernel takes it.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable { case ipv4, ipv6, unix }

    private var storage: [UInt8]

    /// The family of this address.
    public let family: Family

    init(copying address: UnsafePointer<sockaddr>, length: socklen_t) {
        storage = Array(UnsafeRawBufferPointer(start: address, count: Int(length)))
        family = Int32(address.pointee.sa_family) == AF_INET6 ? .ipv6 : .ipv4
    }

    /// The Unix-domain socket at `path`, or with `abstract` the Linux abstract socket of
    /// that name (no file; a NUL byte before the name); nil when the path is too long for
    /// `sockaddr_un`.
    public init?(unixPath path: String, abstract: Bool = false) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = (abstract ? [0] : []) + Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !path.isEmpty, bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        // An abstract name is exactly its bytes long: the address ends there, not at a NUL.
        let length = abstract ? MemoryLayout<sa_family_t>.size + bytes.count : MemoryLayout<sockaddr_un>.size
        storage = withUnsafeBytes(of: &address) { Array($0.prefix(length)) }
        family = .unix
        unixPath = path
    }

    /// The path of a Unix-domain socket address.
    private var unixPath: String?

    /// Parses a numeric IPv4 or IPv6 address (no brackets) with a port; nil when `text` is not numeric.
    public init?(numericHost text: String, port: Int) {
        guard let octets = Self.octets(ofNumericHost: text) else { return nil }
        if octets.count == 4 {
            var v4 = sockaddr_in()
            withUnsafeMutableBytes(of: &v4.sin_addr) { $0.copyBytes(from: octets) }
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            storage = withUnsafeBytes(of: &v4) { Array($0) }
            family = .ipv4
        } else {
            var v6 = sockaddr_in6()
            withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: octets) }
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            storage = withUnsafeBytes(of: &v6) { Array($0) }
            family = .ipv6
        }
    }

    /// The 4 (IPv4) or 16 (IPv6) bytes of a numeric address in standard text form, or nil.
    /// The one place Porter parses address text (`inet_pton`).
    public static func octets(ofNumericHost text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }

    /// Calls `body` with the `sockaddr` pointer and length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
    }

    /// The numeric host, e.g. `127.0.0.1` or `::1`; the path for a Unix-domain socket.
    public var host: String {
        if let unixPath { return unixPath }
        return withSockAddr { address, _ in
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            if family == .ipv4 {
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var addr = v4.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                }
            } else {
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var addr = v6.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                }
            }
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
    }

    /// The port number; 0 for a Unix-domain socket.
    public var port: Int {
        if family == .unix { return 0 }
        return withSockAddr { address, _ in
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    public var description: String {
        switch family {
        case .ipv6: return "[\(host)]:\(port)"
        case .ipv4: return "\(host):\(port)"
        case .unix: return "unix:\(host)"
        }
    }
}

/// Turns a host name into socket addresses with `getaddrinfo`, off the cooperative pool.
@_spi(PorterTools) public enum Resolver {
    /// Every address of `host` for `port`, in the order the system prefers (RFC 6724).
    ///
    /// A numeric IPv4 or IPv6 host is returned as is, without a lookup. The special-use
    /// names of RFC 6761 are answered here, never asked of DNS: `localhost` and names under
    /// it are the loopback addresses (§6.3, as curl does since 7.85), and names under
    /// `invalid` do not exist (§6.4).
    public static func resolve(host: String, port: Int) async throws(PorterError) -> [SocketAddress] {
        if let numeric = SocketAddress(numericHost: host, port: port) { return [numeric] }
        let name = host.lowercased().hasSuffix(".") ? String(host.lowercased().dropLast()) : host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") {
            return [SocketAddress(numericHost: "127.0.0.1", port: port)!, SocketAddress(numericHost: "::1", port: port)!]
        }
        if name == "invalid" || name.hasSuffix(".invalid") {
            throw PorterError(.cannotResolveHost, "could not resolve host \(host): names under .invalid never resolve (RFC 6761)")
        }
        let result: Result<[SocketAddress], PorterError> = await BlockingCall.run {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_protocol = Int32(IPPROTO_TCP)
            // No AI_ADDRCONFIG: it drops ::1 on hosts whose only IPv6 address is loopback;
            // unreachable families just lose the Happy Eyeballs race.
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &list)
            guard status == 0, let first = list else {
                let why = status == 0 ? "no addresses" : String(cString: gai_strerror(status))
                return .failure(PorterError(.cannotResolveHost, "could not resolve host \(host): \(why)"))
            }
            defer { freeaddrinfo(first) }
            var addresses: [SocketAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let address = entry.pointee.ai_addr,
                   entry.pointee.ai_family == AF_INET || entry.pointee.ai_family == AF_INET6 {
                    let socketAddress = SocketAddress(copying: address, length: entry.pointee.ai_addrlen)
                    if !addresses.contains(socketAddress) { addresses.append(socketAddress) }
                }
                cursor = entry.pointee.ai_next
            }
            if addresses.isEmpty {
                return .failure(PorterError(.cannotResolveHost, "could not resolve host \(host): no IPv4 or IPv6 address"))
            }
            return .success(addresses)
        }
        return try result.get()
    }
}
