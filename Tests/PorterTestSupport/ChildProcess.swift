internal import Foundation
internal import Glibc
import Synchronization

/// Runs an external program (the `porter` executable, `openssl`, `curl`) to
/// completion and collects what it wrote.
///
/// Threading: every blocking step (waiting for the exit, draining standard
/// output and standard error, feeding standard input) happens on threads
/// this type starts, never on Swift's cooperative pool. Standard output and
/// standard error are drained concurrently, so a child that writes a lot to
/// either never blocks on a full pipe.
public enum ChildProcess {
    /// Runs `executablePath` with `arguments` and returns once it has exited
    /// and both output pipes are drained.
    ///
    /// - Parameters:
    ///   - stdin: bytes written to the child's standard input, which is then
    ///     closed; `nil` gives the child `/dev/null`.
    ///   - environment: variables added to (or replacing those of) this
    ///     process's environment; `nil` passes the environment unchanged.
    ///   - workingDirectory: the child's current directory; `nil` keeps ours.
    ///   - timeout: past this the child is killed with `SIGKILL` and the call
    ///     throws, quoting what the child had written so far.
    /// - Throws: ``TestSupportError`` when the program cannot be started or
    ///   does not finish in time. A non-zero exit status is not an error.
    public static func run(
        _ executablePath: String,
        _ arguments: [String],
        stdin: [UInt8]? = nil,
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result {
                        try runBlocking(
                            executablePath, arguments, stdin: stdin, environment: environment,
                            workingDirectory: workingDirectory, timeout: timeout)
                    })
            }
            thread.name = "ChildProcess \(executablePath)"
            thread.start()
        }
    }

    /// The blocking form of ``run(_:_:stdin:environment:workingDirectory:timeout:)``
    /// for set-up code that is not `async`; it blocks the calling thread.
    public static func runBlocking(
        _ executablePath: String,
        _ arguments: [String],
        stdin: [UInt8]? = nil,
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let inputPipe = stdin == nil ? nil : Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = inputPipe ?? FileHandle.nullDevice

        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw TestSupportError("cannot start \(executablePath): \(error)")
        }

        let output = PipeDrain(outputPipe.fileHandleForReading.fileDescriptor)
        let errors = PipeDrain(errorPipe.fileHandleForReading.fileDescriptor)
        if let inputPipe, let stdin {
            feed(stdin, to: inputPipe)
        }

        var timedOut = false
        if exited.wait(timeout: .now() + timeout.timeInterval) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        // A grandchild that inherited the pipes could keep them open forever;
        // give the drains a bounded time once the child itself is gone.
        let stdoutBytes = output.finish(within: 5)
        let stderrText = String(decoding: errors.finish(within: 5), as: UTF8.self)
        withExtendedLifetime((outputPipe, errorPipe, inputPipe)) {}

        if timedOut {
            throw TestSupportError(
                """
                \(executablePath) \(arguments.joined(separator: " ")) did not finish within \(timeout); \
                killed it. stderr so far: \(stderrText.suffix(2000))
                """)
        }
        var status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            status += 128
        }
        return ProcessResult(status: status, stdout: stdoutBytes, stderr: stderrText)
    }

    /// Writes `bytes` to the pipe on a thread of its own, then closes it.
    ///
    /// The thread blocks `SIGPIPE`, so a child that exits without reading
    /// makes `write` fail with `EPIPE` instead of killing the test process;
    /// the signal left pending is discarded when the thread ends.
    private static func feed(_ bytes: [UInt8], to pipe: Pipe) {
        let descriptor = pipe.fileHandleForWriting.fileDescriptor
        let thread = Thread {
            blockSIGPIPEOnThisThread()
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                }
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            try? pipe.fileHandleForWriting.close()
        }
        thread.name = "ChildProcess stdin"
        thread.start()
    }
}

/// Reads a file descriptor to its end on a thread of its own.
final class PipeDrain: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let done = DispatchSemaphore(value: 0)

    init(_ descriptor: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    bytes.withLock { $0.append(contentsOf: buffer[0..<count]) }
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            done.signal()
        }
        thread.name = "ChildProcess output"
        thread.start()
    }

    /// Waits up to `seconds` for the end of the stream and returns what was
    /// read, complete or not.
    func finish(within seconds: Double) -> [UInt8] {
        _ = done.wait(timeout: .now() + seconds)
        return bytes.withLock { $0 }
    }
}

/// Blocks `SIGPIPE` for the calling thread only, so writes to a closed pipe
/// or socket fail with `EPIPE` rather than ending the process.
func blockSIGPIPEOnThisThread() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &set, nil)
}

extension Duration {
    /// This duration in seconds, for APIs that take a `Double`.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
