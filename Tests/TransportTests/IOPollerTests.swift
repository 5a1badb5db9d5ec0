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
}
