internal import Foundation
internal import Glibc
import Synchronization

/// `openssl s_server` on a free loopback port, started as a child process,
/// for tests that need a TLS server Porter must refuse (an old protocol
/// version, a legacy cipher suite) or whose protocol messages they read.
///
/// Lifetime: `init` returns once the server has printed `ACCEPT` (it
/// listens); ``stop()``, also on `deinit`, kills it with `SIGKILL` and waits
/// for the exit through the process's termination handler, never with
/// `waitUntilExit`. If the test process exits first, the server is killed
/// at exit.
public final class OpenSSLProbeServer: Sendable {
    /// The port the server listens on, on 127.0.0.1.
    public let port: Int

    private let process: Mutex<Process?>
    private let exited: DispatchSemaphore
    private let output: OutputCollector

    /// Starts `openssl s_server -accept 127.0.0.1:PORT -cert … -key … -www`
    /// followed by `arguments`, e.g. `["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]`.
    ///
    /// - Throws: ``TestSupportError`` when `openssl` is missing, or the
    ///   server exits or does not listen within 10 seconds, quoting what it
    ///   printed.
    public init(certificatePath: String, keyPath: String, arguments: [String]) throws {
        let openssl = try SystemTool.openssl()
        var lastFailure = ""
        for _ in 0..<5 {
            let port = try Socket.freePort(on: "127.0.0.1")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificatePath, "-key", keyPath, "-www"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            do {
                try process.run()
            } catch {
                throw TestSupportError("cannot start \(openssl) s_server: \(error)")
            }
            let output = OutputCollector(pipe.fileHandleForReading.fileDescriptor, keeping: pipe)
            let deadline = ContinuousClock.now + .seconds(10)
            var listening = false
            while ContinuousClock.now < deadline {
                if output.text.contains("ACCEPT") {
                    listening = true
                    break
                }
                if exited.wait(timeout: .now() + .milliseconds(20)) == .success {
                    exited.signal()
                    break
                }
            }
            if listening {
                self.port = port
                self.process = Mutex(process)
                self.exited = exited
                self.output = output
                let pid = process.processIdentifier
                ExitCleanup.register { [exited] in
                    if exited.wait(timeout: .now()) == .timedOut {
                        kill(pid, SIGKILL)
                    } else {
                        exited.signal()
                    }
                }
                return
            }
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            lastFailure = output.text
            guard lastFailure.contains("in use") else { break }
        }
        throw TestSupportError("openssl s_server did not start; it printed:\n\(lastFailure)")
    }

    deinit {
        stop()
    }

    /// Everything the server printed so far (standard output and standard
    /// error together): with `-msg`, every protocol message it saw.
    public var printed: String { output.text }

    /// Kills the server and waits up to 5 seconds for it to exit. Idempotent.
    public func stop() {
        guard let process = self.process.withLock({ $0.take() }) else { return }
        kill(process.processIdentifier, SIGKILL)
        if exited.wait(timeout: .now() + 5) == .success {
            // Leave the semaphore signalled: the exit-time cleanup reads it.
            exited.signal()
        }
    }
}

/// Collects what a child writes to a pipe, on a thread of its own.
final class OutputCollector: @unchecked Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let pipe: Pipe

    init(_ descriptor: Int32, keeping pipe: Pipe) {
        self.pipe = pipe
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
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
        }
        thread.name = "OpenSSLProbeServer output"
        thread.start()
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
}
