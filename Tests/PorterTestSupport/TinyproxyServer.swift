internal import Foundation

/// A real HTTP proxy, Debian's tinyproxy, on a free loopback port: plain
/// requests in absolute form and `CONNECT` tunnels, optionally requiring
/// Basic credentials. A ``ServerProcess``: stopped by ``stop()`` or when the
/// last reference goes.
public final class TinyproxyServer: Sendable {
    /// Where tinyproxy is installed (Debian's `tinyproxy-bin`).
    public static let executablePath = "/usr/bin/tinyproxy"

    /// The port the proxy listens on, on 127.0.0.1.
    public var port: Int { process.port }
    private let process: ServerProcess

    /// Starts tinyproxy; with `credentials` (`user:password`) it answers 407 to requests without them.
    public init(credentials: String? = nil) throws {
        process = try ServerProcess(name: "tinyproxy") { port, directory in
            var configuration = "Port \(port)\nListen 127.0.0.1\nTimeout 30\nMaxClients 100\nLogLevel Info\n"
            if let credentials {
                let parts = credentials.split(separator: ":", maxSplits: 1)
                configuration += "BasicAuth \(parts[0]) \(parts.count > 1 ? parts[1] : "")\n"
            }
            let path = "\(directory)/tinyproxy.conf"
            try configuration.write(toFile: path, atomically: true, encoding: .utf8)
            return (Self.executablePath, ["-d", "-c", path])
        }
    }

    /// The proxy URL, `http://127.0.0.1:PORT`, with `credentials` if given.
    public func url(credentials: String? = nil) -> String {
        "http://\(credentials.map { "\($0)@" } ?? "")127.0.0.1:\(port)"
    }

    /// Stops the proxy and waits for it to exit. Idempotent.
    public func stop() { process.stop() }
}
