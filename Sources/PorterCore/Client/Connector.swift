/// Puts a connection's chain of layers together for a URL and its route:
///
///     TCP socket (to the origin, the proxy, or a Unix socket)
///       -> [TLS to the proxy, for an https:// proxy]
///       -> [proxy tunnel: HTTP CONNECT, or a SOCKS 4/4a/5 handshake]
///       -> [TLS to the origin, for https]
///
/// Each layer is a ``Transport`` over the one below; the protocol codec sits
/// on the top one and is the same for every chain.
enum Connector {
    /// Where a URL's connection goes, when not simply to its host's addresses.
    struct Routing: Sendable {
        var families: AddressFamilies = .any
        var unixSocketPath: String?
        var overrides: [String: [SocketAddress]] = [:]
        var connectTo: [ConnectToRule] = []
        var socketOptions = SocketOptions()
        var proxy: ProxyConfiguration?
        /// Send HAProxy's PROXY protocol v1 line first, naming this address (or the
        /// connection's own when empty) as the client (curl's `--haproxy-protocol`).
        var proxyProtocolClient: String?
        /// Whether `unixSocketPath` names an abstract socket (Linux; curl's `--abstract-unix-socket`).
        var unixSocketIsAbstract = false

        /// The PROXY protocol v1 line for a new connection on `socket`, when asked for.
        func proxyProtocolHeader(from socket: TCPSocket) -> [UInt8]? {
            guard let client = proxyProtocolClient, let local = socket.localAddress else { return nil }
            let remote = socket.remoteAddress
            let source = client.isEmpty ? local.host : client
            let family = remote.family == .ipv6 ? "TCP6" : "TCP4"
            return Array("PROXY \(family) \(source) \(remote.host) \(local.port) \(remote.port)\r\n".utf8)
        }

        /// The key under which connections for `url` are pooled: the origin, and how it is reached.
        /// Plain requests to an HTTP proxy in absolute form share the proxy's connections
        /// whatever their origin; tunnels are per origin.
        func poolKey(for url: HTTPURL) -> String {
            if let proxy {
                let via = "via \(proxy.name) as \(proxy.credentials?.split(separator: ":").first ?? "")"
                return usesAbsoluteForm(for: url) ? "http \(via)" : "\(url.origin) \(via)"
            }
            if let path = unixSocketPath { return "\(url.origin) via unix:\(path)" }
            if let (host, port) = destination(for: url) { return "\(url.origin) via \(host):\(port)" }
            return url.origin
        }

        /// Where `--connect-to` sends a connection for `url` instead, if a rule applies.
        func destination(for url: HTTPURL) -> (host: String, port: Int)? {
            connectTo.lazy.compactMap { $0.destination(host: url.host, port: url.port) }.first
        }

        /// Whether requests for `url` are sent to a proxy in absolute form (RFC 9112 §3.2.2):
        /// plain ones to an HTTP or HTTPS proxy, unless it is asked to tunnel them.
        func usesAbsoluteForm(for url: HTTPURL) -> Bool {
            guard let proxy, !proxy.kind.isSOCKS else { return false }
            return !url.isSecure && !proxy.tunnelsPlainHTTP
        }
    }

    /// The TLS contexts a chain may need: one for the origin, and one for an HTTPS proxy.
    struct TLSContexts {
        var origin: TLSContext?
        var proxy: TLSContext?
    }

    /// Resolves the first hop's host, connects to its addresses (Happy Eyeballs), and
    /// stacks the layers the route and scheme need.
    static func open(
        to url: HTTPURL, routing: Routing = Routing(), tls: TLSContexts, connectDeadline: Deadline?, id: Int,
        events: ((ClientEvent) -> Void)?
    ) async throws(PorterError) -> Connection {
        // Through a proxy, the TCP connection goes to the proxy (or its SOCKS pre-proxy); TLS
        // still goes end to end to the origin.
        let preproxy = routing.proxy?.preproxy?.configuration
        let target = preproxy?.url ?? routing.proxy?.url ?? url
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
            socket = try await TCPSocket.connect(to: addresses, host: target.host, deadline: connectDeadline, options: routing.socketOptions)
        } catch where error.code == .cannotConnect && routing.proxy != nil {
            throw PorterError(.cannotConnect, "could not connect to the proxy: \(error.reason)")
        }
        establishment.connected = Deadline.now()
        events?(.connected(host: target.host, address: socket.remoteAddress, connectionID: id))
        let key = routing.poolKey(for: url)
        var top: any Transport = socket
        if let header = routing.proxyProtocolHeader(from: socket) {
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: header.count, alignment: 1)
            defer { bytes.deallocate() }
            bytes.copyBytes(from: header)
            try await top.write(UnsafeRawBufferPointer(bytes), deadline: connectDeadline)
        }
        if let preproxy, let proxy = routing.proxy {
            try await openSOCKSTunnel(over: top, to: proxy.url, proxy: preproxy, routing: routing, deadline: connectDeadline, events: events)
        }
        if let proxy = routing.proxy {
            if proxy.kind == .https {
                guard let context = tls.proxy else { preconditionFailure("an https:// proxy without a TLS context") }
                let stream = try await TLSStream.connect(over: top, context: context, host: proxy.url.host, port: proxy.url.port, deadline: connectDeadline)
                events?(.proxyTLSEstablished(host: proxy.url.host, session: stream.session))
                top = stream
            }
            if proxy.kind.isSOCKS {
                try await openSOCKSTunnel(over: top, to: url, proxy: proxy, routing: routing, deadline: connectDeadline, events: events)
            } else if !routing.usesAbsoluteForm(for: url) {
                try await openTunnel(over: top, to: url, proxy: proxy, deadline: connectDeadline, events: events)
            }
        }
        let localAddress = socket.localAddress
        guard url.isSecure else {
            return Connection(origin: key, host: url.host, transport: top, id: id, establishment: establishment, localAddress: localAddress)
        }
        guard let context = tls.origin else { preconditionFailure("https without a TLS context") }
        let stream = try await TLSStream.connect(over: top, context: context, host: url.host, port: url.port, deadline: connectDeadline)
        top = stream
        establishment.tlsDone = Deadline.now()
        events?(.tlsEstablished(host: url.host, session: stream.session))
        return Connection(origin: key, host: url.host, transport: top, id: id, establishment: establishment, localAddress: localAddress)
    }

    /// Asks the proxy for a tunnel to `url`'s host and port (RFC 9110 §9.3.6).
    private static func openTunnel(
        over transport: any Transport, to url: HTTPURL, proxy: ProxyConfiguration, deadline: Deadline?,
        events: ((ClientEvent) -> Void)?
    ) async throws(PorterError) {
        var fields = HeaderFields()
        let named = Set(proxy.headers.map { $0.name.lowercased() })
        if let authorization = proxy.authorization, !named.contains("proxy-authorization") {
            fields.append(name: "Proxy-Authorization", value: authorization)
        }
        if !named.contains("user-agent"), proxy.userAgent != "" {
            fields.append(name: "User-Agent", value: proxy.userAgent ?? "porter/\(porterVersion)")
        }
        // As curl asks HTTP/1.0 proxies to keep the tunnel's connection.
        if !named.contains("proxy-connection") { fields.append(name: "Proxy-Connection", value: "Keep-Alive") }
        // curl's --proxy-header: "Name:" removes a field, other values are added.
        for field in proxy.headers where !field.value.isEmpty { fields.append(name: field.name, value: field.value) }
        try await ProxyTunnel.open(
            over: transport, authority: "\(url.bracketedHost):\(url.port)", proxyName: proxy.url.authority, fields: fields,
            version: proxy.connectsWithHTTP10 ? .http1_0 : .http1_1, deadline: deadline
        ) { event in
            switch event {
            case .requestHeadSent(let head):
                events?(.requestHeadSent(proxy.authorization == nil ? head : Self.redactingProxyCredentials(head)))
            case .responseHead(let head):
                events?(.proxyResponseHead(head))
            case .requestBodySent:
                break
            }
        }
    }

    /// Asks a SOCKS proxy for a tunnel to `url`'s host and port. `socks4` and `socks5`
    /// resolve the name here (with `--resolve` and the address families as for a direct
    /// connection); `socks4a` and `socks5h` hand the name to the proxy.
    private static func openSOCKSTunnel(
        over transport: any Transport, to url: HTTPURL, proxy: ProxyConfiguration, routing: Routing, deadline: Deadline?,
        events: ((ClientEvent) -> Void)?
    ) async throws(PorterError) {
        let version: SOCKSTunnel.Version
        let destination: SOCKSTunnel.Destination
        switch proxy.kind {
        case .socks4 where url.isIPv6Literal:
            throw PorterError(.proxyHandshakeFailed, "the SOCKS 4 proxy \(proxy.url.authority) cannot reach \(url.bracketedHost): SOCKS 4 carries IPv4 addresses only (use socks4a:// or socks5h://)")
        case .socks4, .socks5:
            var local = routing
            local.proxy = nil
            // SOCKS 4 carries IPv4 addresses only.
            if proxy.kind == .socks4 && local.families == .any { local.families = .ipv4Only }
            let addresses = try await Self.addresses(for: url, routing: local)
            destination = .address(addresses[0])
            version = proxy.kind == .socks4 ? .v4 : .v5
        case .socks4a:
            // As curl: the proxy resolves every host, IP literals included.
            destination = .name(url.host)
            version = .v4a
        default:
            destination = SocketAddress(numericHost: url.host, port: url.port).map { .address($0) } ?? .name(url.host)
            version = .v5
        }
        try await SOCKSTunnel.open(
            over: transport, version: version, to: destination, port: url.port, credentials: proxy.userAndPassword,
            proxyName: "\(proxy.url.bracketedHost):\(proxy.url.port)", deadline: deadline)
        events?(.socksTunnelOpened(proxy: proxy.name, host: url.host, port: url.port))
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
            guard let address = SocketAddress(unixPath: path, abstract: routing.unixSocketIsAbstract) else {
                throw PorterError(.cannotConnect, "the Unix socket path \(path) is empty or too long")
            }
            return [address]
        }
        // --connect-to first (to the proxy, when there is one, as in curl), then --resolve.
        let (host, port) = routing.destination(for: url) ?? (url.host, url.port)
        let resolved: [SocketAddress]
        if let override = routing.overrides["\(host):\(port)"] {
            resolved = override
        } else {
            resolved = try await Resolver.resolve(host: host, port: port)
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
            throw PorterError(.cannotResolveHost, "could not resolve host \(host): it has no \(family) address")
        }
        return allowed
    }
}
