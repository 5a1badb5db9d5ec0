import PorterCore

/// curl's `--retry` family: which failures are retried, and after how long.
struct RetryPolicy {
    /// How many times a transfer may be retried.
    let retries: Int
    /// `--retry-delay`: a fixed delay instead of the exponential back-off.
    let fixedDelay: Duration?
    /// `--retry-max-time`: no retry starts after this much time since the first attempt.
    let maximumTime: Duration?
    /// `--retry-all-errors`: retry every failure, and non-idempotent methods too.
    let allErrors: Bool
    /// `--retry-connrefused`: a refused connection counts as transient.
    let connectionRefused: Bool

    /// HTTP statuses that say "try again later" (curl's list).
    static let transientStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]
    /// Exit statuses of transient failures: a failed connect, a timeout, an empty reply or reset.
    static let transientExitCodes: Set<Int32> = [7, 28, 52, 55, 56]

    /// Whether a transfer with `method` may be retried at all (RFC 9110 §9.2.2).
    func allows(method: String) -> Bool {
        allErrors || ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method)
    }

    /// How long to wait before retry number `attempt + 1`, or nil when `record` is not to be retried.
    func delay(after record: TransferRecord, attempt: Int, elapsed: Duration) -> Duration? {
        guard attempt < retries, allows(method: record.method) else { return nil }
        let transient: Bool
        if record.retryableStatus {
            transient = true
        } else if record.exitCode == 0 {
            return nil
        } else if record.exitCode == 7 && !(connectionRefused || allErrors) && record.errorMessage?.contains("refused") == true {
            transient = false
        } else {
            transient = allErrors || Self.transientExitCodes.contains(record.exitCode)
        }
        guard transient else { return nil }
        var wait = fixedDelay ?? .seconds(min(600, 1 << min(attempt, 10)))
        if fixedDelay == nil, let retryAfter = record.fields["Retry-After"].flatMap({ Int($0.trimmingPrefix(" ")) }), retryAfter >= 0 {
            // RFC 9110 §10.2.3: the server says how long to wait.
            wait = .seconds(retryAfter)
        }
        if let maximumTime, elapsed + wait > maximumTime { return nil }
        return wait
    }
}
