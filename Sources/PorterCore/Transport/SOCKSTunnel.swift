/// A tunnel through a SOCKS proxy, asked for over the layer that reaches the proxy, before
/// the layers that go to the origin: SOCKS 4 and 4a (the de-facto protocol of NEC's
/// `SOCKS4.protocol` and `SOCKS4A.protocol`), and SOCKS 5 (RFC 1928) with no
/// authentication or with a user name and password (RFC 1929).
///
/// Once the proxy grants the tunnel, the layer below carries the origin's bytes as they
/// are. Replies are read to their exact length, so no byte of the origin is taken early.
enum SOCKSTunnel {
    /// The protocol spoken to the proxy.
    enum Version: Sendable, Hashable {
        /// SOCKS 4: the client resolves the name; IPv4 only.
        case v4
        /// SOCKS 4a: the proxy resolves the name.
        case v4a
        /// SOCKS 5: the proxy resolves the name unless an address is given.
        case v5
    }

    /// Where the tunnel goes: a name for the proxy to resolve, or an address resolved here.
    enum Destination: Sendable {
        case name(String)
        case address(SocketAddress)
    }

    /// Asks the proxy, over `transport`, for a tunnel to `destination` and `port`.
    ///
    /// - Parameters:
    ///   - credentials: the user and password for RFC 1929 (SOCKS 5), or the user ID (SOCKS 4).
    ///   - proxyName: how messages name the proxy (`host:port`).
    /// - Throws: ``PorterError/Code/proxyHandshakeFailed`` with the proxy's reason, or a transport error.
    static func open(
        over transport: any Transport, version: Version, to destination: Destination, port: Int,
        credentials: (user: String, password: String)?, proxyName: String, deadline: Deadline?
    ) async throws(PorterError) {
        let exchange = Exchange(transport: transport, proxyName: proxyName, deadline: deadline)
        switch version {
        case .v4, .v4a: try await exchange.openVersion4(to: destination, port: port, user: credentials?.user ?? "")
        case .v5: try await exchange.openVersion5(to: destination, port: port, credentials: credentials)
        }
    }

    /// The bytes of one handshake, sent and read through the transport.
    private struct Exchange {
        let transport: any Transport
        let proxyName: String
        let deadline: Deadline?

        func fail(_ reason: String) -> PorterError {
            PorterError(.proxyHandshakeFailed, "the SOCKS proxy \(proxyName) \(reason)")
        }

        func send(_ bytes: [UInt8]) async throws(PorterError) {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            defer { copy.deallocate() }
            copy.copyBytes(from: bytes)
            try await transport.write(UnsafeRawBufferPointer(copy), deadline: deadline)
        }

        /// Reads exactly `count` bytes: the reply, and not one byte of what follows it.
        func receive(_ count: Int) async throws(PorterError) -> [UInt8] {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
            defer { buffer.deallocate() }
            var filled = 0
            while filled < count {
                let read = try await transport.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), deadline: deadline, awaitingReply: true)
                guard read > 0 else { throw fail("closed the connection in the middle of its reply") }
                filled += read
            }
            return Array(buffer)
        }

        func openVersion4(to destination: Destination, port: Int, user: String) async throws(PorterError) {
            // VN=4, CD=1 (CONNECT), DSTPORT, DSTIP, USERID, NUL; 4a: DSTIP 0.0.0.x and the name after.
            var request: [UInt8] = [4, 1, UInt8(port >> 8), UInt8(port & 0xFF)]
            var name: String?
            switch destination {
            case .address(let address):
                guard address.family == .ipv4, let octets = SocketAddress.octets(ofNumericHost: address.host) else {
                    throw fail("cannot reach \(address.host): SOCKS 4 carries IPv4 addresses only (use socks4a:// or socks5h://)")
                }
                request += octets
            case .name(let host):
                request += [0, 0, 0, 1]
                name = host
            }
            guard !user.utf8.contains(0), !(name?.utf8.contains(0) ?? false) else { throw fail("cannot be sent a NUL byte") }
            request += Array(user.utf8) + [0]
            if let name { request += Array(name.utf8) + [0] }
            try await send(request)
            // VN=0, CD (90 granted), DSTPORT, DSTIP.
            let reply = try await receive(8)
            guard reply[0] == 0 else { throw fail("answered with version \(reply[0]), not a SOCKS 4 reply") }
            switch reply[1] {
            case 90: return
            case 91: throw fail("rejected or failed the request (91)")
            case 92: throw fail("rejected the request: it cannot reach the client's identd (92)")
            case 93: throw fail("rejected the request: identd reports a different user ID (93)")
            default: throw fail("answered with the unknown code \(reply[1])")
            }
        }

        func openVersion5(to destination: Destination, port: Int, credentials: (user: String, password: String)?) async throws(PorterError) {
            // Greeting: the methods offered, 0 (none) and, with credentials, 2 (user/password).
            try await send(credentials == nil ? [5, 1, 0] : [5, 2, 0, 2])
            let choice = try await receive(2)
            guard choice[0] == 5 else { throw fail("answered with version \(choice[0]), not SOCKS 5") }
            switch choice[1] {
            case 0:
                break
            case 2:
                guard let credentials else { throw fail("asked for a user name and password that were not given") }
                try await authenticate(credentials)
            case 0xFF:
                throw fail(credentials == nil
                    ? "accepts none of the offered authentication methods: it may want a user name and password (socks5://user:password@host)"
                    : "accepts none of the offered authentication methods")
            default:
                throw fail("chose authentication method \(choice[1]), which was not offered")
            }
            // CONNECT: VER=5, CMD=1, RSV=0, ATYP (1 IPv4, 3 name, 4 IPv6), address, port.
            var request: [UInt8] = [5, 1, 0]
            switch destination {
            case .address(let address):
                guard let octets = SocketAddress.octets(ofNumericHost: address.host) else { throw fail("cannot be sent the address \(address.host)") }
                request += [octets.count == 4 ? 1 : 4] + octets
            case .name(let host):
                let bytes = Array(host.utf8)
                guard bytes.count <= 255 else { throw fail("cannot be sent a host name longer than 255 bytes") }
                request += [3, UInt8(bytes.count)] + bytes
            }
            request += [UInt8(port >> 8), UInt8(port & 0xFF)]
            try await send(request)
            let reply = try await receive(4)
            guard reply[0] == 5 else { throw fail("answered with version \(reply[0]), not SOCKS 5") }
            guard reply[1] == 0 else { throw fail(Self.replyReason(reply[1])) }
            // The bound address, whose length depends on its type, and the port.
            let length: Int
            switch reply[3] {
            case 1: length = 4
            case 4: length = 16
            case 3: length = Int(try await receive(1)[0])
            default: throw fail("answered with the unknown address type \(reply[3])")
            }
            _ = try await receive(length + 2)
        }

        /// RFC 1929: VER=1, ULEN, UNAME, PLEN, PASSWD; the status 0 is success.
        func authenticate(_ credentials: (user: String, password: String)) async throws(PorterError) {
            let user = Array(credentials.user.utf8), password = Array(credentials.password.utf8)
            guard user.count <= 255, password.count <= 255 else { throw fail("cannot be sent a user name or password longer than 255 bytes") }
            try await send([1, UInt8(user.count)] + user + [UInt8(password.count)] + password)
            let status = try await receive(2)
            guard status[1] == 0 else { throw fail("rejected the user name and password") }
        }

        /// RFC 1928 §6's reply codes.
        static func replyReason(_ code: UInt8) -> String {
            switch code {
            case 1: return "failed (general SOCKS server failure)"
            case 2: return "refused the connection: not allowed by its rules"
            case 3: return "cannot reach the network"
            case 4: return "cannot reach the host"
            case 5: return "was refused the connection by the host"
            case 6: return "timed out (TTL expired)"
            case 7: return "does not support the CONNECT command"
            case 8: return "does not support the address type"
            default: return "failed with the unknown reply \(code)"
            }
        }
    }
}
