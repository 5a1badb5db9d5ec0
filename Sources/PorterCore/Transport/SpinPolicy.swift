#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Whether the poller looks for ready descriptors for a moment before it sleeps.
///
/// Falling asleep in `epoll_wait` and being woken costs a context switch each way; on
/// loopback or a fast LAN that is most of a request's time (on a 2-core VM, a bare
/// send/recv loop took 85 µs per 1 KiB request when it slept in `recv` and 31 µs when it
/// polled). So while a task waits for a reply (a response head, a handshake message, a
/// connect; not a body streaming in, where sleeping lets bytes gather into larger reads),
/// the poller first polls without blocking for up to ``budget``. When the answer does not
/// come in that time (a distant server), spinning was wasted: the poller then skips it for
/// the next 1, 2, 4 … up to 1024 waits, and starts again from nothing after the first spin
/// that pays off. A slow network thus costs at most one spin in a thousand waits.
struct SpinPolicy {
    /// The longest the poller polls before it sleeps.
    static let budget: UInt64 = 50_000
    /// The most waits skipped after fruitless spins.
    static let maximumSkip = 1024

    private var skip = 0
    private var backoff = 0

    /// Whether to spin before this wait.
    mutating func shouldSpin() -> Bool {
        guard skip == 0 else {
            skip -= 1
            return false
        }
        return true
    }

    /// Calls `pollOnce` (a non-blocking `epoll_wait`) until it returns other than 0 or the
    /// budget is spent, and learns from the outcome. Returns the last result.
    mutating func poll(_ pollOnce: () -> Int32) -> Int32 {
        let start = Deadline.now()
        var count: Int32
        repeat {
            count = pollOnce()
        } while count == 0 && Deadline.now() - start < Self.budget
        if count > 0 {
            backoff = 0
        } else {
            backoff = min(max(1, backoff * 2), Self.maximumSkip)
            skip = backoff
        }
        return count
    }
}
