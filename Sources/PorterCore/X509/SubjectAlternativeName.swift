/// One entry of a certificate's subject alternative names (RFC 5280 §4.2.1.6).
public enum SubjectAlternativeName: Sendable, Hashable, CustomStringConvertible {
    /// A DNS name, possibly a wildcard such as `*.example.com`, exactly as written in the certificate.
    case dnsName(String)
    /// An IPv4 or IPv6 address in its canonical text form (RFC 5952 for IPv6).
    case ipAddress(String)
    /// An e-mail address (rfc822Name).
    case email(String)
    /// A URI.
    case uri(String)
    /// A directory name, in RFC 2253 form.
    case directoryName(String)
    /// Any other kind of name (otherName, registeredID, x400Address, ediPartyName), described briefly.
    case other(String)

    /// The entry as OpenSSL and curl print it, e.g. `DNS:example.com` or `IP:127.0.0.1`.
    public var description: String {
        switch self {
        case .dnsName(let name): return "DNS:\(name)"
        case .ipAddress(let address): return "IP:\(address)"
        case .email(let address): return "email:\(address)"
        case .uri(let uri): return "URI:\(uri)"
        case .directoryName(let name): return "DirName:\(name)"
        case .other(let text): return text
        }
    }
}
