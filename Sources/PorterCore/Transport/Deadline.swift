#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock by which an operation must finish, and the
/// name of the limit it comes from (`"connect timeout"`, `"--max-time"`), so a
/// timeout can say which limit fired.
public struct Deadline: Sendable, Hashable, Comparable {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    public var uptimeNanoseconds: UInt64
    /// The limit this deadline enforces, used in the timeout's message.
    public var limit: String

    /// Creates a deadline at an absolute monotonic time.
    public init(uptimeNanoseconds: UInt64, limit: String) {
        self.uptimeNanoseconds = uptimeNanoseconds
        self.limit = limit
    }

    /// A deadline `duration` from now.
    public static func after(_ duration: Duration, limit: String) -> Deadline {
        let (seconds, attoseconds) = duration.components
        let nanos = max(0, seconds) &* 1_000_000_000 &+ max(0, attoseconds / 1_000_000_000)
        let (sum, overflow) = now().addingReportingOverflow(UInt64(nanos))
        return Deadline(uptimeNanoseconds: overflow ? .max : sum, limit: limit)
    }

    /// Whether the deadline has passed.
    public var hasPassed: Bool { Deadline.now() >= uptimeNanoseconds }

    /// The current monotonic time in nanoseconds.
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// The earlier of two optional deadlines.
    public static func earliest(_ a: Deadline?, _ b: Deadline?) -> Deadline? {
        switch (a, b) {
        case let (a?, b?): return a < b ? a : b
        case let (a?, nil): return a
        case let (nil, b): return b
        }
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.uptimeNanoseconds < rhs.uptimeNanoseconds }

    /// The error thrown when this deadline passes while waiting for `what`.
    func timeoutError(_ what: String) -> PorterError {
        PorterError(.timedOut, "\(limit) reached while \(what)")
    }
}
