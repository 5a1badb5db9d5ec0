internal import Foundation

/// A real SOCKS proxy on a free loopback port: Debian's Dante (`danted`) for SOCKS 4 and
/// SOCKS 5 without authentication, or microsocks for SOCKS 5 with a user name and password
/// (RFC 1929). A ``ServerProcess``: stopped by ``stop()`` or when the last reference goes.
///
/// Neither speaks SOCKS 4a (Dante answers it with 91, "rejected"), which the tests use to
/// see that a refusal is reported.
public final class SOCKSServer: Sendable {
    /// Where Dante is installed (Debian's `dante-server`).
    public static let dantePath = "/usr/sbin/danted"
    /// Where microsocks is installed (Debian's `microsocks`).
    public static let microsocksPath = "/usr/bin/microsocks"

    /// The port the proxy listens on, on 127.0.0.1.
    public var port: Int { process.port }
    private let process: ServerProcess

    /// Starts Dante, or with `credentials` (`user:password`) microsocks, which then refuses
    /// clients that do not give them.
    public init(credentials: String? = nil) throws {
        if let credentials {
            let parts = credentials.split(separator: ":", maxSplits: 1).map(String.init)
            process = try ServerProcess(name: "microsocks") { port, _ in
                (Self.microsocksPath, ["-i", "127.0.0.1", "-p", "\(port)", "-u", parts[0], "-P", parts.count > 1 ? parts[1] : ""])
            }
        } else {
            process = try ServerProcess(name: "danted") { port, directory in
                let configuration = """
                    logoutput: stderr
                    internal: 127.0.0.1 port = \(port)
                    external: 127.0.0.1
                    clientmethod: none
                    socksmethod: none
                    client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
                    socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 protocol: tcp }
                    socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 }

                    """
                let path = "\(directory)/danted.conf"
                try configuration.write(toFile: path, atomically: true, encoding: .utf8)
                return (Self.dantePath, ["-f", path, "-p", "\(directory)/danted.pid", "-N", "1"])
            }
        }
    }

    /// The proxy URL, `SCHEME://[credentials@]127.0.0.1:PORT`.
    public func url(scheme: String = "socks5", credentials: String? = nil) -> String {
        "\(scheme)://\(credentials.map { "\($0)@" } ?? "")127.0.0.1:\(port)"
    }

    /// What the proxy logged, for messages.
    public var log: String { process.output }

    /// Stops the proxy and waits for it to exit. Idempotent.
    public func stop() { process.stop() }
}
