internal import Foundation
internal import Glibc
import Synchronization

/// `openssl s_server -www` on a free loopback port: a second, independent TLS
/// server for certificate scenarios, with the same ``TLSServerOptions`` as
/// ``ScriptedServer`` (OCSP stapling with `-status_file`, client certificates
/// with `-verify`/`-Verify`, weak certificates with `@SECLEVEL=0`).
///
/// s_server serves one connection at a time. Stopped by ``stop()`` or when
/// the last reference goes away; it runs under `timeout`, in a process group
/// of its own, so that it dies after ``lifetime`` even if the test process
/// crashes before stopping it.
public final class OpenSSLServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The address it listens on, e.g. `127.0.0.1`.
    public let address: String
    private let process: Mutex<Process?>
    private let exited: DispatchSemaphore
    private let output: String

    /// The longest any s_server may live.
    public static let lifetime = 600

    /// Starts s_server with the PEM `certificatePath` and `privateKeyPath`;
    /// `chainPath` holds the intermediates it sends after the leaf.
    ///
    /// - Throws: ``TestSupportError`` when openssl is missing or does not listen within 10 seconds.
    public init(
        certificatePath: String, privateKeyPath: String, chainPath: String? = nil, address: String = "127.0.0.1",
        options: TLSServerOptions = TLSServerOptions()
    ) throws {
        let openssl = try SystemTool.openssl()
        let timeout = try SystemTool.path(of: "timeout", candidates: ["/usr/bin/timeout"], package: "coreutils")
        let socketAddress = try SocketAddress(host: address, port: 0)
        guard socketAddress.isLoopback else {
            throw TestSupportError("test servers listen on loopback only; \(address) is not a loopback address")
        }
        self.address = address
        output = try TemporaryDirectory.make(prefix: "porter-s_server")
        var lastError = ""
        for _ in 0..<5 {
            let port = try Socket.freePort(on: address)
            var arguments = ["s_server", "-accept", "\(socketAddress.urlHost):\(port)", "-cert", certificatePath, "-key", privateKeyPath, "-www", "-quiet"]
            if let chainPath { arguments += ["-cert_chain", chainPath] }
            if let ocsp = options.ocspResponsePath { arguments += ["-status_file", ocsp] }
            if let clientCA = options.clientCAPath {
                arguments += [options.requiresClientCertificate ? "-Verify" : "-verify", "1", "-CAfile", clientCA]
            }
            if let level = options.securityLevel { arguments += ["-cipher", "DEFAULT:@SECLEVEL=\(level)"] }
            let process = Process()
            // timeout puts itself and s_server in a new process group: stop() kills the whole group.
            process.executableURL = URL(fileURLWithPath: timeout)
            process.arguments = ["--signal=KILL", "\(Self.lifetime)", openssl] + arguments
            process.standardInput = FileHandle.nullDevice
            let log = "\(output)/s_server.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = handle
            process.standardError = handle
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            try? handle.close()
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline && process.isRunning {
                // A bare connect is enough to see it listen; s_server logs the aborted handshake and goes on.
                if let descriptor = try? Socket.connect(to: SocketAddress(host: address, port: port)) {
                    close(descriptor)
                    self.port = port
                    self.process = Mutex(process)
                    self.exited = exited
                    return
                }
                usleep(20_000)
            }
            Self.kill(process)
            _ = exited.wait(timeout: .now() + 5)
            let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            lastError = "openssl s_server did not listen on \(address) port \(port): \(said)"
        }
        try? FileManager.default.removeItem(atPath: output)
        throw TestSupportError(lastError)
    }

    /// What s_server wrote so far (its errors, handshake failures).
    public var log: String {
        (try? String(contentsOfFile: "\(output)/s_server.log", encoding: .utf8)) ?? ""
    }

    /// Stops s_server and waits for it to exit. Idempotent.
    public func stop() {
        guard let process = process.withLock({ $0.take() }) else { return }
        // s_server keeps nothing worth a clean shutdown. (Foundation's waitUntilExit spins a run loop.)
        Self.kill(process)
        _ = exited.wait(timeout: .now() + 5)
        try? FileManager.default.removeItem(atPath: output)
    }

    /// SIGKILL to `timeout`'s process group (s_server with it), and to `timeout` itself should the group not exist yet.
    private static func kill(_ process: Process) {
        let pid = process.processIdentifier
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    deinit { stop() }
}
