/// When each phase of a transfer ended, measured on the monotonic clock
/// from the start of the transfer (the first request, before redirects).
///
/// The curl-style totals (``nameLookup``, ``connect``, ``tlsHandshake``,
/// ``preTransfer``, ``startTransfer``, ``total``) describe the final hop and,
/// like curl's `time_*` variables, count from the start of the whole
/// transfer, so they include ``redirect``, the time spent on earlier hops.
/// ``hops`` has every hop's own phases, for a waterfall.
public struct TransferTimings: Sendable, Hashable {
    /// One request and response of a transfer.
    public struct Hop: Sendable, Hashable {
        /// The URL requested.
        public var url: HTTPURL
        /// The final status of this hop (a redirect's 3xx, or the last response's status).
        public var status: Int
        /// Whether the hop reused a kept-alive connection (no lookup, connect or handshake).
        public var reusedConnection: Bool
        /// When the hop started.
        public var start: Duration
        /// When the host name was resolved (equal to ``start`` on a reused connection).
        public var nameLookup: Duration
        /// When the TCP connection was established.
        public var connect: Duration
        /// When the TLS handshake completed, or nil for plain HTTP.
        public var tlsHandshake: Duration?
        /// When the request was about to be sent.
        public var preTransfer: Duration
        /// When the request, its body included, was sent (curl's `time_posttransfer`).
        public var postTransfer: Duration
        /// When the first byte of the response arrived.
        public var startTransfer: Duration
        /// When the hop's response was complete, or nil while its body is still being read.
        public var end: Duration?
    }

    /// Every hop, the final one last.
    public var hops: [Hop]

    private var last: Hop? { hops.last }

    /// curl's `time_posttransfer`.
    public var postTransfer: Duration { last?.postTransfer ?? .zero }
    /// curl's `time_namelookup`.
    public var nameLookup: Duration { last?.nameLookup ?? .zero }
    /// curl's `time_connect`.
    public var connect: Duration { last?.connect ?? .zero }
    /// curl's `time_appconnect`: the TLS handshake's end, zero for plain HTTP.
    public var tlsHandshake: Duration { last?.tlsHandshake ?? .zero }
    /// curl's `time_pretransfer`.
    public var preTransfer: Duration { last?.preTransfer ?? .zero }
    /// curl's `time_starttransfer`: the first byte of the final response.
    public var startTransfer: Duration { last?.startTransfer ?? .zero }
    /// curl's `time_redirect`: the time spent on the hops before the final one.
    public var redirect: Duration { hops.count > 1 ? last?.start ?? .zero : .zero }
    /// curl's `time_total`, once the body is complete; until then, the time so far.
    public var total: Duration { last?.end ?? .zero }
}
