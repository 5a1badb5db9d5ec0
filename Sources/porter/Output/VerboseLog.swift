import PorterCore

/// Prints the client's events to standard error in curl's `-v` form:
/// `*` for connection news, `>` for the request head, `<` for response heads.
enum VerboseLog {
    static func handler() -> @Sendable (ClientEvent) -> Void {
        { event in
            let out = FileOutput.standardError
            switch event {
            case .resolved(let host, let addresses):
                out.writeLine("* Host \(host) resolved to \(addresses.map(\.host).joined(separator: ", "))")
            case .connecting(_, let addresses):
                for address in addresses { out.writeLine("*   Trying \(address)...") }
            case .connected(let host, let address, let id):
                out.writeLine("* Connected to \(host) (\(address.host)) port \(address.port) (#\(id))")
            case .tlsEstablished(_, let session):
                out.writeLine("* TLS connection using \(session.version) / \(session.cipher)\(session.keyExchangeGroup.map { " / \($0)" } ?? "")")
                if session.resumed { out.writeLine("* TLS session resumed") }
                out.writeLine("* ALPN: server \(session.applicationProtocol.map { "accepted \($0)" } ?? "did not agree on a protocol")")
                out.writeLine("* Server certificate: \(session.verified ? "verified" : "NOT verified (--insecure)")")
            case .proxyTLSEstablished(let host, let session):
                out.writeLine("* TLS connection to the proxy \(host) using \(session.version) / \(session.cipher)")
                out.writeLine("* Proxy certificate: \(session.verified ? "verified" : "NOT verified (--proxy-insecure)")")
            case .socksTunnelOpened(let proxy, let host, let port):
                out.writeLine("* SOCKS tunnel through \(proxy) to \(host):\(port) granted")
            case .reusingConnection(let host, let address, let id):
                out.writeLine("* Re-using existing connection #\(id) with host \(host) (\(address))")
            case .retryingOnNewConnection(let reason):
                out.writeLine("* Connection died (\(reason)), retrying with a fresh connect")
            case .requestHeadSent(let bytes):
                for line in lines(of: bytes) { out.writeLine("> \(redacted(line))") }
            case .requestBodySent(let count):
                out.writeLine("* upload completely sent off: \(count) bytes")
            case .responseHead(let head):
                for line in lines(of: head.rawBytes) { out.writeLine("< \(line)") }
            case .insecureRedirect:
                break  // warned about by the transfer, -v or not
            case .redirecting(let url, let status):
                out.writeLine("* Issue another request to this URL: '\(url)' (after \(status))")
            case .connectionKept(let id, let host):
                out.writeLine("* Connection #\(id) to host \(host) left intact")
            case .connectionClosed(let id, let reason):
                out.writeLine("* Closing connection #\(id): \(reason)")
            }
        }
    }

    /// A request line with credentials hidden: they must not end up in logs and bug reports.
    private static func redacted(_ line: String) -> String {
        let lower = line.lowercased()
        for name in ["authorization:", "proxy-authorization:", "cookie:"] where lower.hasPrefix(name) {
            let scheme = line.dropFirst(name.count).split(separator: " ").first.map { " \($0)" } ?? ""
            return String(line.prefix(name.count)) + (name == "cookie:" ? " [redacted]" : scheme + " [redacted]")
        }
        return line
    }

    /// The lines of a head, without line endings or the final empty line, control bytes shown as `?`.
    private static func lines(of bytes: [UInt8]) -> [String] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line in
            String(decoding: line.map { $0 < 0x20 && $0 != 0x09 ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
        }
    }
}
