/// Where to connect instead, for a host and port (curl's `--connect-to
/// HOST1:PORT1:HOST2:PORT2`): the request, its `Host` field and the TLS name stay those of
/// the URL; only the TCP connection goes elsewhere.
public struct ConnectToRule: Sendable, Hashable {
    /// The host the rule applies to; nil: every host.
    public var host: String?
    /// The port the rule applies to; nil: every port.
    public var port: Int?
    /// The host to connect to instead; nil: the URL's host.
    public var connectHost: String?
    /// The port to connect to instead; nil: the URL's port.
    public var connectPort: Int?

    /// Creates a rule from its four parts.
    public init(host: String?, port: Int?, connectHost: String?, connectPort: Int?) {
        self.host = host
        self.port = port
        self.connectHost = connectHost
        self.connectPort = connectPort
    }

    /// Reads `HOST1:PORT1:HOST2:PORT2`, any part empty, IPv6 literals in brackets.
    public init(parsing text: String) throws(PorterError) {
        var parts: [Substring] = []
        var rest = Substring(text)
        while parts.count < 3 {
            let part: Substring
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                part = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                part = rest.prefix { $0 != ":" }
                rest = rest.dropFirst(part.count)
            }
            guard rest.first == ":" else {
                throw PorterError(.invalidURL, "--connect-to \"\(text)\" is not HOST1:PORT1:HOST2:PORT2")
            }
            rest = rest.dropFirst()
            parts.append(part)
        }
        var last = rest
        if last.hasPrefix("[") && last.hasSuffix("]") { last = last.dropFirst().dropLast() }
        parts.append(last)
        func port(_ part: Substring) throws(PorterError) -> Int? {
            guard !part.isEmpty else { return nil }
            guard let number = Int(part), (1...65535).contains(number) else {
                throw PorterError(.invalidURL, "--connect-to \"\(text)\": \"\(part)\" is not a port number")
            }
            return number
        }
        self.init(
            host: parts[0].isEmpty ? nil : parts[0].lowercased(), port: try port(parts[1]),
            connectHost: parts[2].isEmpty ? nil : String(parts[2]), connectPort: try port(parts[3]))
    }

    /// The host and port to connect to for `host` and `port`, or nil when the rule does not apply.
    func destination(host: String, port: Int) -> (host: String, port: Int)? {
        if let ruleHost = self.host, ruleHost != host.lowercased() { return nil }
        if let rulePort = self.port, rulePort != port { return nil }
        return (connectHost ?? host, connectPort ?? port)
    }
}
