import Testing
@testable import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// The epoll thread that resumes waiting tasks: readiness, deadlines, cancellation.
@Suite("IOPoller")
struct IOPollerTests {
    /// A connected pair of non-blocking sockets.
    static func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        let result = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        precondition(result == 0)
        return (fds[0], fds[1])
    }

    @Test func resumesWhenTheDescriptorBecomesReadable() async throws {
        let (a, b) = Self.socketPair()
        defer { close(a); close(b) }
        async let waited: Void = IOPoller.shared.wait(fd: a, for: .readable, deadline: .after(.seconds(60), limit: "test"), what: "reading")
        try await Task.sleep(for: .milliseconds(50))
        var byte: UInt8 = 1
        #expect(write(b, &byte, 1) == 1)
        try await waited
        #expect(read(a, &byte, 1) == 1)
    }

    @Test func throwsTimedOutNamingTheLimit() async throws {
        let (a, b) = Self.socketPair()
        defer { close(a); close(b) }
        await #expect {
            try await IOPoller.shared.wait(fd: a, for: .readable, deadline: .after(.milliseconds(50), limit: "the idle timeout"), what: "reading")
        } throws: { error in
            (error as? PorterError)?.code == .timedOut && (error as? PorterError)?.reason == "the idle timeout reached while reading"
        }
    }

    @Test func cancellationResumesTheWaiter() async throws {
        let (a, b) = Self.socketPair()
        defer { close(a); close(b) }
        let task = Task {
            try await IOPoller.shared.wait(fd: a, for: .readable, deadline: nil, what: "reading")
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: PorterError(.cancelled, "")) { try await task.value }
    }

    @Test func manyWaitersAreResumedIndependently() async throws {
        let pairs = (0..<200).map { _ in Self.socketPair() }
        defer { pairs.forEach { close($0.0); close($0.1) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (a, _) in pairs {
                group.addTask { try await IOPoller.shared.wait(fd: a, for: .readable, deadline: .after(.seconds(60), limit: "test"), what: "reading") }
            }
            try await Task.sleep(for: .milliseconds(50))
            for (_, b) in pairs.reversed() {
                var byte: UInt8 = 1
                _ = write(b, &byte, 1)
            }
            try await group.waitForAll()
        }
    }

    // MARK: - The poller as a task executor

    /// The name of the thread running the caller.
    static func threadName() -> String {
        guard let file = fopen("/proc/thread-self/comm", "r") else { return "" }
        defer { fclose(file) }
        var name = [CChar](repeating: 0, count: 32)
        guard fgets(&name, Int32(name.count), file) != nil else { return "" }
        return String(decoding: name.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Waits for `fd` to become readable and says on which threads it ran before and after.
    @concurrent static func waitReporting(fd: Int32) async throws -> (before: String, after: String) {
        let before = threadName()
        try await IOPoller.shared.wait(fd: fd, for: .readable, deadline: .after(.seconds(60), limit: "test"), what: "reading")
        return (before, threadName())
    }

    @Test func aTaskThatPrefersThePollerRunsAndIsResumedOnItsThread() async throws {
        let pairs = (0..<50).map { _ in Self.socketPair() }
        defer { pairs.forEach { close($0.0); close($0.1) } }
        let threads = try await withTaskExecutorPreference(HTTPClient.ioExecutor) {
            try await withThrowingTaskGroup(of: (before: String, after: String).self) { group in
                for (a, _) in pairs {
                    group.addTask { try await Self.waitReporting(fd: a) }
                }
                try await Task.sleep(for: .milliseconds(50))
                for (_, b) in pairs {
                    var byte: UInt8 = 1
                    _ = write(b, &byte, 1)
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(threads.count == pairs.count)
        #expect(threads.allSatisfy { $0.before == IOPoller.threadName && $0.after == IOPoller.threadName }, "\(threads)")
    }

    @Test func aTaskWithoutThePreferenceIsResumedElsewhere() async throws {
        let (a, b) = Self.socketPair()
        defer { close(a); close(b) }
        async let threads = Self.waitReporting(fd: a)
        try await Task.sleep(for: .milliseconds(50))
        var byte: UInt8 = 1
        #expect(write(b, &byte, 1) == 1)
        #expect(try await threads.after != IOPoller.threadName)
    }

    // MARK: - Spinning before sleeping

    @Test func aFruitlessSpinIsSkippedForTwiceAsManyWaitsEachTime() {
        var policy = SpinPolicy()
        var decisions: [Bool] = []
        for _ in 0..<3 {
            let spins = policy.shouldSpin()
            let found = policy.poll { 0 }
            #expect(spins && found == 0)
            // Skipped for 1, then 2, then 4 waits.
            while !policy.shouldSpin() { decisions.append(false) }
            decisions.append(true)
        }
        #expect(decisions == [false, true, false, false, true, false, false, false, false, true])
    }

    @Test func aSpinThatFindsAnEventStartsAgainFromNothing() {
        var policy = SpinPolicy()
        _ = policy.poll { 0 }
        _ = policy.shouldSpin()
        _ = policy.poll { 0 }
        let skipped = [policy.shouldSpin(), policy.shouldSpin()]
        var calls = 0
        let found = policy.poll {
            calls += 1
            return calls == 3 ? 1 : 0
        }
        let after = [policy.shouldSpin(), policy.shouldSpin()]
        #expect(skipped == [false, false])
        #expect(found == 1 && calls == 3)
        #expect(after == [true, true])
    }

    @Test func aSpinGivesUpAfterItsBudget() {
        var policy = SpinPolicy()
        let start = Deadline.now()
        let found = policy.poll { 0 }
        let elapsed = Deadline.now() - start
        #expect(found == 0)
        #expect(elapsed >= SpinPolicy.budget)
    }
}
