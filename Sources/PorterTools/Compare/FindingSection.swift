@_spi(PorterTools) import PorterCore

/// The part of the report a finding belongs to.
public enum FindingSection: String, Sendable, Hashable, CaseIterable {
    /// Whether each port answered, in the protocol expected.
    case reachability
    /// Each side's redirect chain.
    case redirects
    /// `Strict-Transport-Security` and the preload list.
    case hsts
    /// The final responses' fields, security headers first.
    case headers
    /// `Set-Cookie` attributes.
    case cookies
    /// The final statuses and bodies.
    case content
    /// The HTTPS side's certificate and handshake.
    case tls
}
