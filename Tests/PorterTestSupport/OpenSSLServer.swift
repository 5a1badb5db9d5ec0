/// `openssl s_server -www` on a free loopback port: a second, independent TLS
/// server for certificate scenarios, with the same ``TLSServerOptions`` as
/// ``ScriptedServer`` (OCSP stapling with `-status_file`, client certificates
/// with `-verify`/`-Verify`, weak certificates with `@SECLEVEL=0`), or with
/// s_server's own arguments for a server Porter must refuse (an old protocol
/// version, a legacy cipher suite).
///
/// s_server serves one connection at a time. It runs as a ``ServerProcess``:
/// stopped by ``stop()``, when the last reference goes away, or after
/// ``ServerProcess/lifetime`` seconds at the latest.
public final class OpenSSLServer: Sendable {
    /// The port it listens on.
    public var port: Int { process.port }
    /// The address it listens on, e.g. `127.0.0.1`.
    public var address: String { process.address }
    private let process: ServerProcess

    /// Starts s_server with the PEM `certificatePath` and `privateKeyPath`;
    /// `chainPath` holds the intermediates it sends after the leaf.
    ///
    /// - Throws: ``TestSupportError`` when openssl is missing or does not listen within 10 seconds.
    public init(
        certificatePath: String, privateKeyPath: String, chainPath: String? = nil, address: String = "127.0.0.1",
        options: TLSServerOptions = TLSServerOptions()
    ) throws {
        var arguments = ["-quiet"]
        if let chainPath { arguments += ["-cert_chain", chainPath] }
        if let ocsp = options.ocspResponsePath { arguments += ["-status_file", ocsp] }
        if let clientCA = options.clientCAPath {
            arguments += [options.requiresClientCertificate ? "-Verify" : "-verify", "1", "-CAfile", clientCA]
        }
        if let level = options.securityLevel { arguments += ["-cipher", "DEFAULT:@SECLEVEL=\(level)"] }
        // A bare connect is enough to see it listen; s_server logs the aborted handshake and goes on.
        process = try Self.start(certificatePath: certificatePath, privateKeyPath: privateKeyPath, address: address, arguments: arguments, readiness: .acceptsConnections)
    }

    /// Starts `openssl s_server -www` with the certificate and key followed by
    /// `arguments`, e.g. `["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]`, on 127.0.0.1.
    /// With `-msg`, ``log`` shows every protocol message it saw.
    public init(certificatePath: String, privateKeyPath: String, arguments: [String]) throws {
        process = try Self.start(certificatePath: certificatePath, privateKeyPath: privateKeyPath, address: "127.0.0.1", arguments: arguments, readiness: .printed("ACCEPT"))
    }

    private static func start(
        certificatePath: String, privateKeyPath: String, address: String, arguments: [String], readiness: ServerProcess.Readiness
    ) throws -> ServerProcess {
        let openssl = try SystemTool.openssl()
        let host = try SocketAddress(host: address, port: 0).urlHost
        return try ServerProcess(name: "openssl s_server", address: address, readiness: readiness) { port, _ in
            (openssl, ["s_server", "-accept", "\(host):\(port)", "-cert", certificatePath, "-key", privateKeyPath, "-www"] + arguments)
        }
    }

    /// What s_server printed so far (its errors, handshake failures, `-msg` messages).
    public var log: String { process.output }

    /// Stops s_server and waits for it to exit. Idempotent.
    public func stop() { process.stop() }
}
