/// Puts a connection's chain of layers together for a URL and its route:
///
///     TCP socket (to the origin, the proxy, or a Unix socket)
///       -> [proxy tunnel: HTTP CONNECT, for https through a proxy]
///       -> [TLS to the origin, for https]
///
/// Each layer is a ``Transport`` over the one below; the protocol codec sits
/// on the top one and is the same for every chain. A new kind of layer (a
/// SOCKS tunnel, TLS to the proxy) is one more step here, not a change to
/// the codec.
enum Connector {
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

    /// Resolves the first hop's host, connects to its addresses (Happy Eyeballs), and
    /// stacks the layers the route and scheme need.
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
        var establishment = Connection.Establishment(resolved: Deadline.now(), connected: 0, tlsDone: nil)
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
        var top: any Transport = socket
        guard url.isSecure else {
            return Connection(origin: key, host: url.host, transport: top, id: id, establishment: establishment)
        }
        if let proxy = routing.proxy {
            try await openTunnel(over: top, to: url, proxy: proxy, deadline: connectDeadline, events: events)
        }
        guard let tlsContext else { preconditionFailure("https without a TLS context") }
        let stream = try await TLSStream.connect(over: top, context: tlsContext, host: url.host, port: url.port, deadline: connectDeadline)
        top = stream
        establishment.tlsDone = Deadline.now()
        events?(.tlsEstablished(host: url.host, session: stream.session))
        return Connection(origin: key, host: url.host, transport: top, id: id, establishment: establishment)
    }

    /// Asks the proxy for a tunnel to `url`'s host and port (RFC 9110 §9.3.6).
    private static func openTunnel(
        over transport: any Transport, to url: HTTPURL, proxy: ProxyConfiguration, deadline: Deadline?,
        events: ((ClientEvent) -> Void)?
    ) async throws(PorterError) {
        var fields = HeaderFields()
        if let authorization = proxy.authorization { fields.append(name: "Proxy-Authorization", value: authorization) }
        fields.append(name: "User-Agent", value: "porter/\(porterVersion)")
        try await ProxyTunnel.open(
            over: transport, authority: "\(url.bracketedHost):\(url.port)", proxyName: proxy.url.authority, fields: fields,
            deadline: deadline
        ) { event in
            switch event {
            case .requestHeadSent(let head):
                events?(.requestHeadSent(proxy.authorization == nil ? head : Self.redactingProxyCredentials(head)))
            case .responseHead(let head):
                events?(.responseHead(head))
            case .requestBodySent:
                break
            }
        }
    }

    /// The request with its proxy credentials hidden, for verbose output.
    private static func redactingProxyCredentials(_ request: [UInt8]) -> [UInt8] {
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line in
            line.lowercased().hasPrefix("proxy-authorization:") ? "Proxy-Authorization: Basic [redacted]" : String(line)
        }
        return Array(lines.joined(separator: "\r\n").utf8)
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
}
