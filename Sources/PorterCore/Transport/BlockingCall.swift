#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a call that can only block (such as `getaddrinfo`) on a thread of its
/// own, so that it never occupies a thread of Swift's cooperative pool.
enum BlockingCall {
    fileprivate final class Job<T: Sendable>: @unchecked Sendable {
        let work: @Sendable () -> T
        let continuation: UnsafeContinuation<T, Never>
        init(work: @escaping @Sendable () -> T, continuation: UnsafeContinuation<T, Never>) {
            self.work = work
            self.continuation = continuation
        }
        func run() { continuation.resume(returning: work()) }
    }

    /// Runs `work` on a new detached thread and returns its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withUnsafeContinuation { continuation in
            let job = Unmanaged.passRetained(Job(work: work, continuation: continuation) as AnyObject)
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { context in
                let job = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue()
                (job as! JobRunner).runJob()
                return nil
            }, job.toOpaque())
            if result == 0 {
                pthread_detach(thread)
            } else {
                // No thread to be had: run it here rather than fail the request.
                let job = job.takeRetainedValue() as! JobRunner
                job.runJob()
            }
        }
    }
}

private protocol JobRunner { func runJob() }
extension BlockingCall.Job: JobRunner { func runJob() { run() } }
