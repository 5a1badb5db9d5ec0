import PorterCore

/// Prints the client's events to standard error in curl's `-v` form:
/// `*` for connection news, `>` for the request head, `<` for response heads.
enum VerboseLog {
    /// Writes each event's lines to standard error, with `--trace-time`/`--trace-ids` prefixes.
    static func handler(prefix: TracePrefix) -> @Sendable (ClientEvent) -> Void {
        { event in
            for line in lines(for: event) { FileOutput.standardError.writeLine(prefix.text(for: event) + line) }
        }
    }

    /// What `-v` writes for an event: `*` lines for connection news, `>` for the request
    /// head, `<` for response heads.
    static func lines(for event: ClientEvent) -> [String] {
        var out = Lines()
        switch event {
        case .resolved(let host, let addresses):
            out.writeLine("* Host \(host) resolved to \(addresses.map(\.host).joined(separator: ", "))")
        case .connecting(_, let addresses):
            for address in addresses { out.writeLine("*   Trying \(address)...") }
        case .connected(let host, let address, let id):
            out.writeLine("* Connected to \(host) (\(address.host)) port \(address.port) (#\(id))")
        case .tlsEstablished(let host, let session):
            out.writeLine("* TLS connection using \(session.version) / \(session.cipher)\(session.keyExchangeGroup.map { " / \($0)" } ?? "")")
            if session.resumed { out.writeLine("* TLS session resumed") }
            out.writeLine("* ALPN: server \(session.applicationProtocol.map { "accepted \($0)" } ?? "did not agree on a protocol")")
            if let leaf = session.peerCertificates.first.flatMap({ try? Certificate(der: $0) }) {
                for line in certificateLines(leaf, host: host) { out.writeLine(line) }
            }
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
        case .responseHead(let head), .proxyResponseHead(let head):
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
        return out.lines
    }

    /// Collects lines as `writeLine` would write them.
    private struct Lines {
        var lines: [String] = []
        mutating func writeLine(_ line: String) { lines.append(line) }
    }

    /// The server certificate as curl's `-v` shows it: subject, dates, the name that
    /// matched the host, issuer.
    static func certificateLines(_ certificate: Certificate, host: String) -> [String] {
        let names = certificate.subjectAlternativeNames ?? []
        let matched = names.first { name in
            switch name {
            case .dnsName(let pattern): return Self.dnsName(pattern, matches: host)
            case .ipAddress(let address): return SocketAddress.octets(ofNumericHost: address) == SocketAddress.octets(ofNumericHost: host)
            default: return false
            }
        }
        let match: String
        switch matched {
        case .dnsName(let name)?, .ipAddress(let name)?: match = "host \"\(host)\" matched cert's \"\(name)\""
        default: match = "no alternative name matches host \"\(host)\""
        }
        return [
            "* Server certificate:",
            "*  subject: \(certificate.subject)",
            "*  start date: \(certificate.notBefore)",
            "*  expire date: \(certificate.notAfter)",
            "*  subjectAltName: \(match)",
            "*  issuer: \(certificate.issuer)",
        ]
    }

    /// RFC 6125 §6.4: a DNS name, case-insensitively, with `*` standing for the whole leftmost label.
    private static func dnsName(_ pattern: String, matches host: String) -> Bool {
        let pattern = pattern.lowercased(), host = host.lowercased()
        guard pattern.hasPrefix("*.") else { return pattern == host }
        guard let dot = host.firstIndex(of: ".") else { return false }
        return host[dot...] == pattern.dropFirst()
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
