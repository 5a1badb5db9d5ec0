internal import Foundation
internal import Glibc
import Synchronization

/// A server program (tinyproxy, `openssl s_server`, stunnel) run as a child
/// on a free loopback port: the one place that starts, watches and stops the
/// external servers of the tests.
///
/// The child runs under `timeout --signal=KILL`, which puts it in a process
/// group of its own, so that it dies after ``lifetime`` seconds even if the
/// test process crashes first; ``stop()`` (also on `deinit` and at exit)
/// kills the group and waits for the exit through the termination handler,
/// never with `waitUntilExit` (which spins a run loop). What the child
/// prints goes to a log file in a private directory that ``stop()`` removes.
public final class ServerProcess: Sendable {
    /// When the server counts as started.
    public enum Readiness: Sendable {
        /// A TCP connection to its port succeeds.
        case acceptsConnections
        /// Its output contains this text (e.g. s_server's `ACCEPT`).
        case printed(String)
    }

    /// The longest any server may live, in seconds.
    public static let lifetime = 600

    /// The port it listens on.
    public let port: Int
    /// The numeric loopback address it listens on.
    public let address: String
    /// The private directory holding its log and whatever ``init(name:address:readiness:command:)`` wrote there.
    public let directory: String

    private let process: Mutex<Process?>
    private let exited: DispatchSemaphore

    /// Starts a server on a free port of `address`, trying up to five ports.
    ///
    /// - Parameters:
    ///   - name: what the server is, for messages and the directory's name.
    ///   - readiness: how to tell that it listens; it has 10 seconds.
    ///   - command: given the port and the private directory, the executable
    ///     and its arguments (it may write configuration files into the directory).
    /// - Throws: ``TestSupportError`` quoting what the server printed when it
    ///   exits or does not listen in time.
    public init(
        name: String, address: String = "127.0.0.1", readiness: Readiness = .acceptsConnections,
        command: (_ port: Int, _ directory: String) throws -> (executable: String, arguments: [String])
    ) throws {
        let socketAddress = try SocketAddress(host: address, port: 0)
        guard socketAddress.isLoopback else {
            throw TestSupportError("test servers listen on loopback only; \(address) is not a loopback address")
        }
        let timeout = try SystemTool.path(of: "timeout", candidates: ["/usr/bin/timeout"], package: "coreutils")
        self.address = address
        directory = try TemporaryDirectory.make(prefix: "porter-\(name.filter { $0.isLetter || $0.isNumber })")
        let log = "\(directory)/output.log"
        var lastError = ""
        for _ in 0..<5 {
            let port = try Socket.freePort(on: address)
            let (executable, arguments) = try command(port, directory)
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                try? FileManager.default.removeItem(atPath: directory)
                throw TestSupportError("\(name): \(executable) is not installed (scripts/install-deps installs it)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: timeout)
            process.arguments = ["--signal=KILL", "\(Self.lifetime)", executable] + arguments
            process.standardInput = FileHandle.nullDevice
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = handle
            process.standardError = handle
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            do {
                try process.run()
            } catch {
                try? handle.close()
                throw TestSupportError("cannot start \(name) (\(executable)): \(error)")
            }
            try? handle.close()
            if Self.waitUntilReady(process, readiness: readiness, address: address, port: port, log: log, exited: exited) {
                self.port = port
                self.process = Mutex(process)
                self.exited = exited
                let pid = process.processIdentifier
                ExitCleanup.register { [exited] in
                    if exited.wait(timeout: .now()) == .timedOut { Self.kill(pid) } else { exited.signal() }
                }
                return
            }
            Self.kill(process.processIdentifier)
            _ = exited.wait(timeout: .now() + 5)
            lastError = "\(name) did not listen on \(address) port \(port); it printed:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")"
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw TestSupportError(lastError)
    }

    private static func waitUntilReady(
        _ process: Process, readiness: Readiness, address: String, port: Int, log: String, exited: DispatchSemaphore
    ) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            switch readiness {
            case .acceptsConnections:
                if let descriptor = try? Socket.connect(to: SocketAddress(host: address, port: port)) {
                    close(descriptor)
                    return true
                }
            case .printed(let text):
                if let printed = try? String(contentsOfFile: log, encoding: .utf8), printed.contains(text) { return true }
            }
            if exited.wait(timeout: .now() + .milliseconds(20)) == .success {
                exited.signal()
                return false
            }
        }
        return false
    }

    /// Everything the server printed so far, standard output and standard error together.
    public var output: String {
        (try? String(contentsOfFile: "\(directory)/output.log", encoding: .utf8)) ?? ""
    }

    /// Kills the server, waits up to 5 seconds for it to exit and removes its directory. Idempotent.
    public func stop() {
        guard let process = process.withLock({ $0.take() }) else { return }
        Self.kill(process.processIdentifier)
        if exited.wait(timeout: .now() + 5) == .success {
            // Leave the semaphore signalled: the exit-time clean-up reads it.
            exited.signal()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// SIGKILL to `timeout`'s process group (the server with it), and to `timeout`
    /// itself should the group not exist yet.
    private static func kill(_ pid: Int32) {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    deinit { stop() }
}
