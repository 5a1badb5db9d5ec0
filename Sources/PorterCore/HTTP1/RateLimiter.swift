/// Keeps a transfer at or under a speed (curl's `--limit-rate`): after each piece it
/// waits until the average since the start is no faster than the limit.
struct RateLimiter {
    let bytesPerSecond: UInt64
    private let start = Deadline.now()
    private var bytes: UInt64 = 0

    init(bytesPerSecond: UInt64) {
        self.bytesPerSecond = max(bytesPerSecond, 1)
    }

    /// The most to read or write in one go: a quarter of a second's worth (at least 1 KiB),
    /// so that the speed stays even instead of coming in bursts of a whole buffer.
    var pieceSize: Int { Int(clamping: max(bytesPerSecond / 4, 1024)) }

    /// Counts `count` bytes and waits as long as they came too early; a wait that would
    /// pass `deadline` ends there, with its timeout error.
    mutating func pause(after count: Int, deadline: Deadline?) async throws(PorterError) {
        bytes &+= UInt64(count)
        let due = start &+ bytes &* 1_000_000_000 / bytesPerSecond
        let now = Deadline.now()
        guard due > now else { return }
        let limit = deadline.map { $0.uptimeNanoseconds } ?? UInt64.max
        do {
            try await Task.sleep(nanoseconds: min(due, max(limit, now)) - now)
        } catch {
            throw PorterError(.cancelled, "the transfer was cancelled")
        }
        if let deadline, due > limit { throw deadline.timeoutError("waiting to keep under --limit-rate") }
    }
}
