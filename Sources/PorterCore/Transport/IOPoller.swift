#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
internal import CLinuxIO

// MARK: - Threading model
//
// Which thread runs what, in one place:
//
// * Socket and TLS I/O (`recv`, `send`, `SSL_read`, `SSL_write`, `connect`)
//   runs on the calling task's thread, on non-blocking descriptors: a call
//   that can proceed costs no thread hop and no wait.
// * Only when the kernel or OpenSSL answers "would block" (EAGAIN,
//   `SSL_ERROR_WANT_READ/WRITE`) does the task suspend, in `IOPoller.wait`.
//   One dedicated poller thread per process sleeps in `epoll_wait` and
//   resumes the suspended task when its descriptor is ready or its deadline
//   passes. The cooperative pool never blocks.
// * The poller thread is also a `TaskExecutor` (`HTTPClient.ioExecutor`).
//   A task that prefers it (`withTaskExecutorPreference`) runs on the poller
//   thread between two `epoll_wait` calls: when its socket becomes ready it
//   is resumed on the same thread, with no wake-up of another one, as a
//   single-threaded `poll` loop would be. Tasks without that preference
//   are resumed on the cooperative pool. Jobs run in the order they were
//   enqueued, one batch per turn of the loop, so a busy task cannot starve
//   the others' I/O events.
// * Calls that can only block (`getaddrinfo`) run on a thread of their own
//   (`BlockingCall`), never on the cooperative pool.
// * A connection is used by one task at a time; the client's pool hands it
//   from one task to the next under a lock.

/// What a waiter needs from a descriptor.
enum IOInterest: Sendable {
    case readable
    case writable
}

/// Suspends tasks until a descriptor is ready, on one `epoll` thread.
///
/// Thread safety: all members may be called from any thread. At most one
/// task waits on a given descriptor at a time.
final class IOPoller: Sendable {
    /// The process-wide poller, started on first use.
    static let shared = IOPoller()

    private struct Waiter {
        var id: UInt64
        var continuation: UnsafeContinuation<Void, any Error>
        var deadline: Deadline?
        var what: String
        /// Whether the wait is for a reply that usually comes soon (see ``SpinPolicy``).
        var spins: Bool
    }

    private struct State {
        var nextID: UInt64 = 1
        var waiters: [Int32: Waiter] = [:]
        var cancelled: Set<UInt64> = []
        /// When the poller thread will wake by itself (nil: not before an event).
        var wakeAt: UInt64?
        /// Whether the poller thread is in, or about to enter, `epoll_wait`; only then
        /// does it need the eventfd to notice a new job or an earlier deadline.
        var sleeping = false
        /// Jobs of tasks that prefer the poller thread, in the order they were enqueued.
        var jobs: [UnownedJob] = []
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Mutex(State())

    private init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epollFD >= 0 && wakeFD >= 0, "cannot create the epoll instance: errno \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        startThread()
    }

    /// Suspends until `fd` is ready for `interest`, or throws ``PorterError/Code/timedOut``
    /// when `deadline` passes first, or ``PorterError/Code/cancelled`` when the task is cancelled.
    ///
    /// Readiness is a hint: the caller retries its system call and may wait again.
    /// `spins`: the wait is for a reply that usually comes within microseconds on a fast
    /// network (a response head, a handshake message, a connect), so the poller may poll
    /// for a moment before it sleeps (see ``SpinPolicy``); a streaming body waits without.
    func wait(fd: Int32, for interest: IOInterest, deadline: Deadline?, what: String, spins: Bool = false) async throws(PorterError) {
        if let deadline, deadline.hasPassed { throw deadline.timeoutError(what) }
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        do {
            try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                    register(fd: fd, interest: interest, waiter: Waiter(id: id, continuation: continuation, deadline: deadline, what: what, spins: spins))
                }
            } onCancel: {
                cancel(fd: fd, id: id)
            }
        } catch let error as PorterError {
            throw error
        } catch {
            throw PorterError(.receiveFailed, "waiting for the socket failed: \(error)")
        }
    }

    private func register(fd: Int32, interest: IOInterest, waiter: Waiter) {
        var needsWake = false
        let resumeNow: PorterError? = state.withLock { state in
            if state.cancelled.remove(waiter.id) != nil {
                return PorterError(.cancelled, "the request was cancelled while \(waiter.what)")
            }
            precondition(state.waiters[fd] == nil, "two tasks wait on descriptor \(fd)")
            state.waiters[fd] = waiter
            // Wake the poller only when it sleeps and this deadline comes before the one it
            // sleeps until: a wake-up is a thread hop, and most deadlines (a 300 s connect
            // timeout) are far. A poller that is awake computes its timeout before it sleeps.
            if let deadline = waiter.deadline, deadline.uptimeNanoseconds < (state.wakeAt ?? .max) {
                state.wakeAt = deadline.uptimeNanoseconds
                needsWake = state.sleeping
                state.sleeping = false
            }
            return nil
        }
        if let resumeNow {
            waiter.continuation.resume(throwing: resumeNow)
            return
        }
        var event = epoll_event()
        event.events = (interest == .readable ? EPOLLIN.rawValue : EPOLLOUT.rawValue)
            | EPOLLONESHOT.rawValue | EPOLLRDHUP.rawValue
        event.data.fd = fd
        if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) != 0 {
            if errno == ENOENT { epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) }
        }
        if needsWake { wake() }
    }

    private func cancel(fd: Int32, id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            if let waiter = state.waiters[fd], waiter.id == id {
                state.waiters[fd] = nil
                return waiter
            }
            state.cancelled.insert(id)
            return nil
        }
        waiter?.continuation.resume(throwing: PorterError(.cancelled, "the request was cancelled while \(waiter!.what)"))
    }

    /// Forgets a descriptor that is about to be closed.
    func deregister(fd: Int32) {
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    // MARK: - The poller thread

    private func startThread() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let poller = Unmanaged<IOPoller>.fromOpaque(context!).takeRetainedValue()
            poller.run()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "cannot start the I/O poller thread: \(result)")
        pthread_detach(thread)
    }

    /// The poller thread's name, as `top -H`, `perf` and debuggers show it.
    static let threadName = "porter-io"

    private func run() {
        _ = CLinuxIO_set_thread_name(Self.threadName)
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        let executor = asUnownedTaskExecutor()
        var spin = SpinPolicy()
        while true {
            let jobs = state.withLock { state in
                defer { state.jobs = [] }
                return state.jobs
            }
            for job in jobs {
                job.runSynchronously(on: executor)
            }
            let (timeout, awaitsReply) = state.withLock { state -> (Int32, Bool) in
                let next = state.waiters.values.lazy.compactMap({ $0.deadline?.uptimeNanoseconds }).min()
                state.wakeAt = next
                // Jobs enqueued meanwhile run after a look at the descriptors, without sleeping.
                if !state.jobs.isEmpty { return (0, true) }
                let timeout: Int32
                if let next {
                    let now = Deadline.now()
                    timeout = next <= now ? 0 : Int32(clamping: (next - now + 999_999) / 1_000_000)
                } else {
                    timeout = -1
                }
                state.sleeping = timeout != 0
                return (timeout, state.waiters.values.contains { $0.spins })
            }
            var count: Int32 = 0
            if timeout != 0 && awaitsReply && spin.shouldSpin() {
                count = spin.poll { epoll_wait(epollFD, events, Int32(capacity), 0) }
            }
            if count == 0 {
                count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            }
            var ready: [(UnsafeContinuation<Void, any Error>, PorterError?)] = []
            state.withLock { state in
                state.sleeping = false
                if count > 0 {
                    for index in 0..<Int(count) {
                        let fd = events[index].data.fd
                        if fd == wakeFD { continue }
                        if let waiter = state.waiters.removeValue(forKey: fd) {
                            ready.append((waiter.continuation, nil))
                        }
                    }
                }
                let now = Deadline.now()
                for (fd, waiter) in state.waiters {
                    if let deadline = waiter.deadline, deadline.uptimeNanoseconds <= now {
                        state.waiters[fd] = nil
                        ready.append((waiter.continuation, deadline.timeoutError(waiter.what)))
                    }
                }
            }
            if count > 0 {
                for index in 0..<Int(count) where events[index].data.fd == wakeFD {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                }
            }
            for (continuation, error) in ready {
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
    }
}

extension IOPoller: TaskExecutor {
    /// Runs `job` on the poller thread, waking it if it sleeps in `epoll_wait`.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let mustWake = state.withLock { state in
            state.jobs.append(job)
            defer { state.sleeping = false }
            return state.sleeping
        }
        if mustWake { wake() }
    }
}
