internal import Foundation

/// stunnel on a free loopback port: accepts TLS with a certificate and
/// forwards the plaintext to another loopback port, as a TLS-terminating
/// proxy in front of a server does. A ``ServerProcess``: stopped by
/// ``stop()`` or when the last reference goes.
public final class StunnelServer: Sendable {
    /// Where stunnel is installed (Debian's `stunnel4`).
    public static let executablePath = "/usr/bin/stunnel4"

    /// The port stunnel accepts TLS on, on 127.0.0.1.
    public var port: Int { process.port }
    private let process: ServerProcess

    /// Starts stunnel with the PEM chain and key, forwarding each connection to 127.0.0.1:`forwardingTo`.
    public init(certificateChainPath: String, privateKeyPath: String, forwardingTo target: Int) throws {
        process = try ServerProcess(name: "stunnel") { port, directory in
            let configuration = """
                foreground = yes
                pid =
                debug = 4
                [tls]
                accept = 127.0.0.1:\(port)
                connect = 127.0.0.1:\(target)
                cert = \(certificateChainPath)
                key = \(privateKeyPath)

                """
            let path = "\(directory)/stunnel.conf"
            try configuration.write(toFile: path, atomically: true, encoding: .utf8)
            return (Self.executablePath, [path])
        }
    }

    /// What stunnel printed so far.
    public var log: String { process.output }

    /// Stops stunnel and waits for it to exit. Idempotent.
    public func stop() { process.stop() }
}
