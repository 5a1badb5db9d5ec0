internal import Foundation
import Synchronization

/// A real HTTP proxy, Debian's tinyproxy, on a free loopback port: plain
/// requests in absolute form and `CONNECT` tunnels, optionally requiring
/// Basic credentials. Stopped by ``stop()`` or when the last reference goes.
public final class TinyproxyServer: Sendable {
    /// Where tinyproxy is installed (Debian's `tinyproxy-bin`).
    public static let executablePath = "/usr/bin/tinyproxy"

    /// The port the proxy listens on, on 127.0.0.1.
    public let port: Int
    private let process: Mutex<Process?>
    private let exited: DispatchSemaphore
    private let directory: String

    /// Starts tinyproxy; with `credentials` (`user:password`) it answers 407 to requests without them.
    public init(credentials: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executablePath) else {
            throw TestSupportError("tinyproxy not found at \(Self.executablePath): install tinyproxy-bin (apt-get install tinyproxy-bin)")
        }
        directory = try TemporaryDirectory.make(prefix: "porter-tinyproxy")
        var lastError = ""
        for _ in 0..<5 {
            let port = try Socket.freePort(on: "127.0.0.1")
            var configuration = "Port \(port)\nListen 127.0.0.1\nTimeout 30\nMaxClients 100\nLogLevel Info\n"
            if let credentials {
                let parts = credentials.split(separator: ":", maxSplits: 1)
                configuration += "BasicAuth \(parts[0]) \(parts.count > 1 ? parts[1] : "")\n"
            }
            let path = "\(directory)/tinyproxy.conf"
            try configuration.write(toFile: path, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.executablePath)
            process.arguments = ["-d", "-c", path]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline && process.isRunning {
                if let descriptor = try? Socket.connect(to: SocketAddress(host: "127.0.0.1", port: port)) {
                    close(descriptor)
                    self.port = port
                    self.process = Mutex(process)
                    self.exited = exited
                    return
                }
                usleep(20_000)
            }
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            lastError = "tinyproxy did not listen on port \(port)"
        }
        throw TestSupportError(lastError)
    }

    /// The proxy URL, `http://127.0.0.1:PORT`, with `credentials` if given.
    public func url(credentials: String? = nil) -> String {
        "http://\(credentials.map { "\($0)@" } ?? "")127.0.0.1:\(port)"
    }

    /// Stops the proxy and waits for it to exit. Idempotent.
    public func stop() {
        guard let process = process.withLock({ $0.take() }) else { return }
        // tinyproxy keeps nothing worth a clean shutdown, which waits for its client threads.
        // (Foundation's waitUntilExit spins a run loop; the termination handler does not.)
        kill(process.processIdentifier, SIGKILL)
        _ = exited.wait(timeout: .now() + 5)
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }
}
