@_spi(PorterTools) import PorterCore

/// When each phase of one hop ended, counted from the hop's start, as curl's
/// `time_*` variables count them.
public struct HopTiming: Sendable, Hashable {
    /// Whether a kept-alive connection carried the hop (no lookup, connect or handshake).
    public var reusedConnection: Bool
    /// The end of the name lookup.
    public var nameLookup: Duration
    /// The end of the TCP connect.
    public var connect: Duration
    /// The end of the TLS handshake, or nil for plain HTTP.
    public var tlsHandshake: Duration?
    /// The first byte of the response.
    public var firstByte: Duration
    /// The end of the response.
    public var total: Duration

    /// Creates a timing.
    public init(reusedConnection: Bool, nameLookup: Duration, connect: Duration, tlsHandshake: Duration?, firstByte: Duration, total: Duration) {
        self.reusedConnection = reusedConnection
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }

    init(_ timings: TransferTimings) {
        reusedConnection = timings.hops.last?.reusedConnection ?? false
        nameLookup = timings.nameLookup
        connect = timings.connect
        tlsHandshake = timings.hops.last?.tlsHandshake
        firstByte = timings.startTransfer
        total = timings.total
    }
}
