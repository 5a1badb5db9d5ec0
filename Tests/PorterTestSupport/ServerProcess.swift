internal import Foundation
internal import Glibc
import Synchronization

/// A server program (nginx, tinyproxy, `openssl s_server`, stunnel) run as a child
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
        /// A TCP connection to each of its ports succeeds.
        case acceptsConnections
        /// Its output contains this text (e.g. s_server's `ACCEPT`).
        case printed(String)
        /// Its ports accept connections and this file (relative to ``directory``) exists,
        /// e.g. nginx's pid file, written once its workers run.
        case acceptsConnectionsAndWrote(String)
    }

    /// The longest any server may live, in seconds.
    public static let lifetime = 600

    /// The port it listens on (the first, when it has several).
    public var port: Int { ports[0] }
    /// The ports it listens on, as chosen at start.
    public let ports: [Int]
    /// The numeric loopback address it listens on.
    public let address: String
    /// The private directory holding its log and whatever ``init(name:address:readiness:command:)`` wrote there.
    public let directory: String

    private let process: Mutex<Process?>
    private let exited: DispatchSemaphore
    private let stopsGracefully: Bool

    /// Starts a server on a free port of `address`, trying up to five ports.
    ///
    /// - Parameters:
    ///   - name: what the server is, for messages and the directory's name.
    ///   - readiness: how to tell that it listens; it has 10 seconds.
    ///   - command: given the port and the private directory, the executable
    ///     and its arguments (it may write configuration files into the directory).
    /// - Throws: ``TestSupportError`` quoting what the server printed when it
    ///   exits or does not listen in time.
    public convenience init(
        name: String, address: String = "127.0.0.1", readiness: Readiness = .acceptsConnections,
        command: (_ port: Int, _ directory: String) throws -> (executable: String, arguments: [String])
    ) throws {
        try self.init(name: name, address: address, readiness: readiness, ports: { [try Socket.freePort(on: address)] }) { ports, directory in
            try command(ports[0], directory)
        }
    }

    /// Starts a server on several ports, as ``init(name:address:readiness:command:)`` does.
    ///
    /// - Parameters:
    ///   - ports: picks the free ports to try (called again for each new try).
    ///   - diagnostics: a file in the directory (e.g. an error log) to quote when the server fails to start.
    ///   - stopsGracefully: ``stop()`` sends `SIGTERM` first and waits up to 5 seconds before `SIGKILL`.
    public init(
        name: String, address: String = "127.0.0.1", readiness: Readiness = .acceptsConnections,
        ports pickPorts: () throws -> [Int], diagnostics: String? = nil, stopsGracefully: Bool = false,
        command: (_ ports: [Int], _ directory: String) throws -> (executable: String, arguments: [String])
    ) throws {
        self.stopsGracefully = stopsGracefully
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
            let ports = try pickPorts()
            let (executable, arguments) = try command(ports, directory)
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
            if Self.waitUntilReady(readiness: readiness, address: address, ports: ports, directory: directory, log: log, exited: exited) {
                self.ports = ports
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
            let said = (try? String(contentsOfFile: "\(directory)/\(diagnostics ?? "output.log")", encoding: .utf8)) ?? ""
            lastError = "\(name) did not listen on \(address) port \(ports.map(String.init).joined(separator: ", ")); it said:\n\(said)"
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw TestSupportError(lastError)
    }

    private static func waitUntilReady(
        readiness: Readiness, address: String, ports: [Int], directory: String, log: String, exited: DispatchSemaphore
    ) -> Bool {
        func accepting() -> Bool {
            ports.allSatisfy { port in
                guard let descriptor = try? Socket.connect(to: SocketAddress(host: address, port: port)) else { return false }
                close(descriptor)
                return true
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            switch readiness {
            case .acceptsConnections:
                if accepting() { return true }
            case .printed(let text):
                if let printed = try? String(contentsOfFile: log, encoding: .utf8), printed.contains(text) { return true }
            case .acceptsConnectionsAndWrote(let file):
                if FileManager.default.fileExists(atPath: "\(directory)/\(file)") && accepting() { return true }
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

    /// Kills the server (after a `SIGTERM` and up to 5 seconds, when it stops gracefully),
    /// waits up to 5 seconds for it to exit and removes its directory. Idempotent.
    public func stop() {
        guard let process = process.withLock({ $0.take() }) else { return }
        var gone = false
        if stopsGracefully {
            // To the whole group, the server's own processes with timeout: each ends in its own way.
            _ = Glibc.kill(-process.processIdentifier, SIGTERM)
            gone = exited.wait(timeout: .now() + 5) == .success
        }
        if !gone {
            Self.kill(process.processIdentifier)
            gone = exited.wait(timeout: .now() + 5) == .success
        }
        if gone {
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
