/// A `CONNECT` tunnel through an HTTP proxy (RFC 9110 §9.3.6), asked for over
/// the layer that reaches the proxy, before the layers that go to the origin.
///
/// The request and the proxy's answer go through ``HTTP1Exchange``, the same
/// codec and read loop as every request; once the proxy accepts, the layer
/// below carries the tunnel's bytes as they are.
enum ProxyTunnel {
    /// The most a proxy's answer to `CONNECT` may take, head included.
    static let maximumResponseBytes = 64 * 1024

    /// Asks the proxy for a tunnel to `authority` (`host:port`) and reads its answer.
    ///
    /// - Parameters:
    ///   - proxyName: how messages name the proxy (`host:port`).
    ///   - fields: fields to send after `Host` (credentials, `User-Agent`).
    /// - Throws: ``PorterError/Code/proxyTunnelFailed`` naming the proxy's status
    ///   (407 asks for credentials), or a transport error.
    static func open(
        over transport: any Transport, authority: String, proxyName: String, fields: HeaderFields, version: HTTPVersion = .http1_1,
        deadline: Deadline?, events: ((HTTP1Exchange.Event) -> Void)?
    ) async throws(PorterError) {
        var head = HeaderFields()
        // A Host among `fields` (curl's --proxy-header) replaces the default one.
        if !fields.contains(where: { $0.name.lowercased() == "host" }) { head.append(name: "Host", value: authority) }
        for field in fields { head.append(name: field.name, value: field.value) }
        // A small buffer and limit: the answer is a head only. The connection does not own the
        // transport beyond this exchange: the layers for the origin go on the transport itself.
        let connection = Connection(
            origin: proxyName, host: proxyName, transport: transport, id: 0,
            establishment: .init(resolved: 0, connected: 0), bufferSize: 4096, ownsTransport: false)
        var settings = HTTP1Exchange.Settings()
        settings.limits.maxHeadBytes = maximumResponseBytes
        let exchange = HTTP1Exchange(connection: connection, isReused: false, settings: settings, totalDeadline: deadline, events: events)
        try await exchange.send(RequestHead(method: "CONNECT", target: authority, version: version, fields: head), body: nil)
        let final: ResponseHead
        do {
            final = try await exchange.readHead().final
        } catch where [.emptyReply, .incompleteHead].contains(error.code) {
            throw PorterError(.proxyTunnelFailed, "the proxy \(proxyName) closed the connection instead of answering CONNECT")
        } catch where error.code == .headerBlockTooLarge {
            throw PorterError(.proxyTunnelFailed, "the proxy's answer to CONNECT is larger than \(maximumResponseBytes) bytes")
        }
        guard (200..<300).contains(final.status) else {
            let hint = final.status == 407 ? ": the proxy wants credentials (--proxy-user)" : ""
            throw PorterError(.proxyTunnelFailed, "the proxy \(proxyName) refused the tunnel to \(authority) with \(final.status) \(final.reason)\(hint)")
        }
        guard connection.unconsumed.isEmpty else {
            throw PorterError(.proxyTunnelFailed, "the proxy \(proxyName) sent data after accepting the tunnel to \(authority)")
        }
    }
}
