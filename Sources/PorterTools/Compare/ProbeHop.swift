@_spi(PorterTools) import PorterCore

/// One request and response of a side's chain: a redirect, or the final answer.
public struct ProbeHop: Sendable, Hashable {
    /// The URL requested.
    public var url: HTTPURL
    /// The response's status.
    public var status: Int
    /// The response's reason phrase.
    public var reason: String
    /// The response's fields, in wire order.
    public var fields: HeaderFields
    /// The `Location` field as sent, for a redirect.
    public var location: String?
    /// Where a redirect leads, resolved against ``url``; nil for the final answer.
    public var next: HTTPURL?
    /// The address that answered.
    public var remoteAddress: SocketAddress
    /// What the TLS handshake agreed on, for `https`.
    public var tlsSession: TLSSessionInfo?
    /// When each phase of this hop ended, from its own start.
    public var timing: HopTiming

    /// Whether the response is a redirect this comparison follows (RFC 9110 §15.4).
    public static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// Whether the status is permanent (301, 308), as the preload list and search engines want.
    public var isPermanentRedirect: Bool { status == 301 || status == 308 }

    /// Whether the redirect leads to another scheme.
    public var changesScheme: Bool { next.map { $0.scheme != url.scheme } ?? false }
    /// Whether the redirect leads to another host.
    public var changesHost: Bool { next.map { $0.host != url.host } ?? false }
}
