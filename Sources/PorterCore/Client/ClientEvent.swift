/// Something that happened during a request, reported to ``RequestOptions/eventHandler``
/// as it happens: what a verbose command line shows, and what timing is built on.
///
/// Events are delivered on the task that runs the request, in order.
public enum ClientEvent: Sendable {
    /// The host resolved to these addresses.
    case resolved(host: String, addresses: [SocketAddress])
    /// Connecting to the host, trying these addresses in turn.
    case connecting(host: String, addresses: [SocketAddress])
    /// A TCP connection is established.
    case connected(host: String, address: SocketAddress, connectionID: Int)
    /// The TLS handshake with the origin completed.
    case tlsEstablished(host: String, session: TLSSessionInfo)
    /// The TLS handshake with an `https://` proxy completed.
    case proxyTLSEstablished(host: String, session: TLSSessionInfo)
    /// A SOCKS proxy (named as `socks5h://host:port`) opened a tunnel to the host and port.
    case socksTunnelOpened(proxy: String, host: String, port: Int)
    /// An idle connection from the pool is being reused.
    case reusingConnection(host: String, address: SocketAddress, connectionID: Int)
    /// A reused connection turned out to be closed by the server; the request is sent again on a new one.
    case retryingOnNewConnection(reason: String)
    /// The request head was sent, exactly these bytes.
    case requestHeadSent([UInt8])
    /// A request body of this many bytes was sent.
    case requestBodySent(Int)
    /// A response head arrived (interim, redirect or final).
    case responseHead(ResponseHead)
    /// An HTTP proxy answered `CONNECT` with this head.
    case proxyResponseHead(ResponseHead)
    /// A redirect is being followed to this URL.
    case redirecting(to: HTTPURL, status: Int)
    /// A redirect leads from `https` to plain `http`: credentials and cookies were dropped, and
    /// everything from now on can be read and changed on the way.
    case insecureRedirect(from: HTTPURL, to: HTTPURL)
    /// The connection was returned to the pool for reuse.
    case connectionKept(connectionID: Int, host: String)
    /// The connection was closed, and why.
    case connectionClosed(connectionID: Int, reason: String)
}

extension ClientEvent {
    /// The client's name for what an HTTP/1.1 exchange did on the wire.
    init(_ event: HTTP1Exchange.Event) {
        switch event {
        case .requestHeadSent(let bytes): self = .requestHeadSent(bytes)
        case .requestBodySent(let count): self = .requestBodySent(count)
        case .responseHead(let head): self = .responseHead(head)
        }
    }
}
