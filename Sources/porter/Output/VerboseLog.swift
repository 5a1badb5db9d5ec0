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
            case .reusingConnection(let host, let address, let id):
                out.writeLine("* Re-using existing connection #\(id) with host \(host) (\(address))")
            case .retryingOnNewConnection(let reason):
                out.writeLine("* Connection died (\(reason)), retrying with a fresh connect")
            case .requestHeadSent(let bytes):
                for line in lines(of: bytes) { out.writeLine("> \(redactingCredentials(line))") }
            case .requestBodySent(let count):
                out.writeLine("* upload completely sent off: \(count) bytes")
            case .responseHead(let head):
                for line in lines(of: head.rawBytes) { out.writeLine("< \(line)") }
            case .redirecting(let url, let status):
                out.writeLine("* Issue another request to this URL: '\(url)' (after \(status))")
            case .connectionKept(let id, let host):
                out.writeLine("* Connection #\(id) to host \(host) left intact")
            case .connectionClosed(let id, let reason):
                out.writeLine("* Closing connection #\(id): \(reason)")
            }
        }
    }

    /// A request line with the credentials of `Authorization` and `Proxy-Authorization`
    /// replaced (the scheme is kept): base64 is no protection for a terminal or a log.
    static func redactingCredentials(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        let name = line[..<colon].lowercased()
        guard name == "authorization" || name == "proxy-authorization" else { return line }
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        let parts = value.split(separator: " ", maxSplits: 1)
        return parts.count == 2 ? "\(line[..<colon]): \(parts[0]) [redacted]" : "\(line[..<colon]): [redacted]"
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
