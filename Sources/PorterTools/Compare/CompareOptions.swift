@_spi(PorterTools) import PorterCore

/// How `porter compare` connects: trust, limits and where names resolve.
public struct CompareOptions: Sendable {
    /// What is trusted over TLS (`--cacert`, `--capath`, `-k`).
    public var tls: TLSConfiguration
    /// The most redirects followed on each side before the chain is an error.
    public var maximumRedirects: Int
    /// The most time to connect (TCP and TLS) to each host.
    public var connectTimeout: Duration
    /// The most time for each request.
    public var requestTimeout: Duration
    /// Addresses to use instead of resolving, keyed `host:port` (curl's `--resolve`).
    public var addressOverrides: [String: [SocketAddress]]
    /// Whether each IPv4 and IPv6 address of the host is compared on its own.
    public var comparesEveryAddress: Bool
    /// The `User-Agent` sent.
    public var userAgent: String

    /// Creates options: 10 redirects, a 10-second connect timeout, 30 seconds per request.
    public init(
        tls: TLSConfiguration = TLSConfiguration(),
        maximumRedirects: Int = 10,
        connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30),
        addressOverrides: [String: [SocketAddress]] = [:],
        comparesEveryAddress: Bool = false,
        userAgent: String = "porter/\(porterVersion)"
    ) {
        self.tls = tls
        self.maximumRedirects = maximumRedirects
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.addressOverrides = addressOverrides
        self.comparesEveryAddress = comparesEveryAddress
        self.userAgent = userAgent
    }
}
