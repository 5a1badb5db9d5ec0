/// Which address families a connection may use (curl's `-4` and `-6`).
public enum AddressFamilies: Sendable, Hashable {
    /// IPv4 and IPv6, raced as RFC 8305 describes.
    case any
    /// IPv4 only.
    case ipv4Only
    /// IPv6 only.
    case ipv6Only
}
