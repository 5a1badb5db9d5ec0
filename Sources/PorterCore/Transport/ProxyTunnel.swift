/// A `CONNECT` tunnel through an HTTP proxy (RFC 9110 §9.3.6), set up on a
/// fresh socket to the proxy before the TLS handshake with the origin.
enum ProxyTunnel {
    /// The most a proxy's answer to `CONNECT` may take, head included.
    static let maximumResponseBytes = 64 * 1024

    /// Asks the proxy for a tunnel to `url`'s host and port and reads its answer.
    ///
    /// - Throws: ``PorterError/Code/proxyTunnelFailed`` naming the proxy's status
    ///   (407 asks for credentials), or a transport error.
    static func open(
        through socket: TCPSocket, to url: HTTPURL, proxy: ProxyConfiguration, deadline: Deadline?,
        events: ((ClientEvent) -> Void)?
    ) async throws(PorterError) {
        let authority = "\(url.bracketedHost):\(url.port)"
        var fields = HeaderFields()
        fields.append(name: "Host", value: authority)
        if let authorization = proxy.authorization { fields.append(name: "Proxy-Authorization", value: authorization) }
        fields.append(name: "User-Agent", value: "porter/\(porterVersion)")
        var request: [UInt8] = []
        try RequestEncoder.encode(RequestHead(method: "CONNECT", target: authority, fields: fields), into: &request)
        let outgoing = UnsafeMutableRawBufferPointer.allocate(byteCount: request.count, alignment: 1)
        defer { outgoing.deallocate() }
        outgoing.copyBytes(from: request)
        try await socket.write(UnsafeRawBufferPointer(outgoing), deadline: deadline)
        events?(.requestHeadSent(proxy.authorization == nil ? request : redacted(request)))

        var parser = ResponseParser()
        parser.begin(requestMethod: "CONNECT")
        var buffer: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let parsed = buffer.withUnsafeBytes { raw in
                Result { () throws(PorterError) in try parser.parse(raw) }
            }
            let (event, consumed) = try parsed.get()
            buffer.removeFirst(consumed)
            switch event {
            case .head(let head) where head.isInformational:
                continue
            case .head(let head):
                events?(.responseHead(head))
                guard (200..<300).contains(head.status) else {
                    let hint = head.status == 407 ? ": the proxy wants credentials (--proxy-user)" : ""
                    throw PorterError(.proxyTunnelFailed, "the proxy \(proxy.url.authority) refused the tunnel to \(authority) with \(head.status) \(head.reason)\(hint)")
                }
                guard buffer.isEmpty else {
                    throw PorterError(.proxyTunnelFailed, "the proxy \(proxy.url.authority) sent data after accepting the tunnel to \(authority)")
                }
                return
            case .needMore:
                guard buffer.count < maximumResponseBytes else {
                    throw PorterError(.proxyTunnelFailed, "the proxy's answer to CONNECT is larger than \(maximumResponseBytes) bytes")
                }
                let count = try await socket.read(into: chunk, deadline: deadline, awaitingReply: true)
                if count == 0 {
                    throw PorterError(.proxyTunnelFailed, "the proxy \(proxy.url.authority) closed the connection instead of answering CONNECT")
                }
                buffer += chunk[..<count]
            case .body, .end:
                throw PorterError(.proxyTunnelFailed, "the proxy \(proxy.url.authority) answered CONNECT with a body")
            }
        }
    }

    /// The request with its credentials hidden, for verbose output.
    private static func redacted(_ request: [UInt8]) -> [UInt8] {
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line in
            line.lowercased().hasPrefix("proxy-authorization:") ? "Proxy-Authorization: Basic [redacted]" : String(line)
        }
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}
