/// Collects instants for ``TransferTimings`` as a transfer runs. Used by one task.
final class TimingRecorder {
    private let origin: UInt64
    private(set) var hops: [TransferTimings.Hop] = []

    init() { origin = Deadline.now() }

    private func offset(_ instant: UInt64) -> Duration {
        .nanoseconds(Int64(instant &- origin))
    }

    /// Records a hop whose head has arrived on `exchange`.
    func recordHop(url: HTTPURL, status: Int, exchange: HTTP1Exchange) {
        let connection = exchange.connection
        let start = offset(exchange.startedAt)
        let reused = exchange.isReusedConnection
        hops.append(TransferTimings.Hop(
            url: url, status: status, reusedConnection: reused, start: start,
            nameLookup: reused ? start : offset(connection.establishment.resolved),
            connect: reused ? start : offset(connection.establishment.connected),
            tlsHandshake: connection.establishment.tlsDone.map { reused ? start : offset($0) },
            preTransfer: offset(exchange.requestSentAt),
            postTransfer: offset(exchange.requestCompletedAt),
            startTransfer: offset(exchange.firstByteAt ?? exchange.requestSentAt),
            end: nil))
    }

    /// Marks the last hop complete now (or at the exchange's completion).
    func endLastHop(at instant: UInt64 = Deadline.now()) {
        guard !hops.isEmpty, hops[hops.count - 1].end == nil else { return }
        hops[hops.count - 1].end = offset(instant)
    }

    /// The timings so far; a hop still under way ends now.
    var snapshot: TransferTimings {
        var timings = TransferTimings(hops: hops)
        if let last = timings.hops.indices.last, timings.hops[last].end == nil {
            timings.hops[last].end = offset(Deadline.now())
        }
        return timings
    }
}
