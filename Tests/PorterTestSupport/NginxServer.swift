internal import Foundation
internal import Glibc
import Synchronization

/// A real nginx on loopback, started as a child process, with one plain
/// HTTP port and one HTTPS port (TLS 1.2 and 1.3, the `localhost` leaf of
/// ``TestCertificates`` sent as a full chain) serving one document root.
///
/// Both ports listen on 127.0.0.1, and on `[::1]` as well where the host
/// has IPv6 (see ``listensOnIPv6``). Keep-alive is generous
/// (`keepalive_requests 100000`, `keepalive_timeout 75s`) and every request
/// is logged in a format that shows connection reuse (``AccessLogEntry``).
///
/// Lifetime: `init` returns once both ports accept connections; ``stop()``
/// (also on `deinit`) ends nginx and deletes its directory, logs included,
/// so read ``accessLog(waitingFor:timeout:)`` first. If the test process
/// exits without stopping it, nginx is killed at exit.
///
/// nginx runs as `nginx -p PREFIX -c conf/nginx.conf -e logs/error.log` with
/// `daemon off`, one worker, and, when the tests run as root, `user root`
/// so the worker can read temporary directories made mode 0700.
public final class NginxServer: Sendable {
    /// The plain HTTP port.
    public let plainPort: Int
    /// The HTTPS port.
    public let tlsPort: Int
    /// Whether nginx also listens on `[::1]` (same ports).
    public let listensOnIPv6: Bool
    /// The directory served.
    public let documentRoot: String
    /// nginx's prefix directory: `conf/nginx.conf`, `logs/access.log`,
    /// `logs/error.log`.
    public var prefix: String { process.directory }

    /// The `log_format` of the access log; see ``AccessLogEntry``.
    public static let accessLogFormat =
        #"$connection $connection_requests $server_port $status $body_bytes_sent $request_length "$ssl_protocol" "$request" "$http_user_agent""#

    /// Where nginx is expected.
    public static let executablePath = "/usr/sbin/nginx"

    private let process: ServerProcess

    /// Starts nginx and waits (up to 10 seconds) until both ports accept
    /// connections.
    ///
    /// - Parameters:
    ///   - documentRoot: the directory to serve (see ``DocumentRoot``).
    ///   - certificates: whose leaf chain and key the HTTPS port presents.
    ///   - extraServerConfiguration: nginx directives added inside the one
    ///     `server` block both ports share, e.g.
    ///     `location = /old { return 301 /new; }` or `gzip on;`.
    /// - Throws: ``TestSupportError`` when nginx is not installed
    ///   ("nginx not found: install nginx-light …"), or exits or does not
    ///   listen in time, quoting its error log.
    public convenience init(
        documentRoot: String,
        certificates: TestCertificates,
        extraServerConfiguration: String = ""
    ) throws {
        try self.init(documentRoot: documentRoot, certificates: certificates) { _, _ in .shared(extraServerConfiguration) }
    }

    /// Which `server` blocks nginx runs, and the directives added to each.
    public enum ServerBlocks: Sendable {
        /// One block for both ports, with these directives.
        case shared(String)
        /// One block per port: `plain` for the plain HTTP port, `tls` for the
        /// HTTPS port, so that the two can answer differently.
        case separate(plain: String, tls: String)
    }

    /// Starts nginx with a `server` block per port, or one shared, whose
    /// directives may name the ports (e.g. `return 301
    /// https://localhost:\(tlsPort)$request_uri;` in the plain block).
    ///
    /// - Parameter serverBlocks: called with the plain and TLS ports
    ///   chosen (possibly more than once, if a port is taken meanwhile).
    /// - Throws: as ``init(documentRoot:certificates:extraServerConfiguration:)``.
    public init(
        documentRoot: String,
        certificates: TestCertificates,
        serverBlocks: (_ plainPort: Int, _ tlsPort: Int) -> ServerBlocks
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executablePath) else {
            throw TestSupportError(
                "nginx not found at \(Self.executablePath): install nginx-light (apt-get install nginx-light)")
        }
        let ipv6 = Socket.canListen(on: "::1")
        process = try ServerProcess(
            name: "nginx", readiness: .acceptsConnectionsAndWrote("logs/nginx.pid"),
            ports: { let (plain, tls) = try Self.pickPorts(ipv6: ipv6); return [plain, tls] },
            diagnostics: "logs/error.log", stopsGracefully: true
        ) { ports, prefix in
            try Self.writeConfiguration(
                prefix: prefix, plainPort: ports[0], tlsPort: ports[1], ipv6: ipv6, documentRoot: documentRoot,
                certificates: certificates, blocks: serverBlocks(ports[0], ports[1]))
            return (Self.executablePath, ["-p", "\(prefix)/", "-c", "conf/nginx.conf", "-e", "logs/error.log"])
        }
        plainPort = process.ports[0]
        tlsPort = process.ports[1]
        listensOnIPv6 = ipv6
        self.documentRoot = documentRoot
    }

    deinit {
        stop()
    }

    /// `http://HOST:plainPort/path` or, with `tls`, `https://HOST:tlsPort/path`,
    /// for a path that starts with `/`. `host` may be `127.0.0.1`,
    /// `localhost` or `[::1]`; the certificate names all three.
    public func url(_ path: String = "/", tls: Bool = false, host: String = "127.0.0.1") -> String {
        tls ? "https://\(host):\(tlsPort)\(path)" : "http://\(host):\(plainPort)\(path)"
    }

    /// The requests nginx has logged so far, oldest first.
    ///
    /// nginx logs a request only after handing the last byte of its response
    /// to the kernel, so a client can finish before the line is written.
    /// With `count`, this waits until at least that many entries exist;
    /// without, until the log has not grown for 100 ms. Either way it gives
    /// up after `timeout` and returns what there is.
    public func accessLog(waitingFor count: Int? = nil, timeout: Duration = .seconds(5)) throws -> [AccessLogEntry] {
        let deadline = ContinuousClock.now + timeout
        var previous = try readAccessLog()
        while ContinuousClock.now < deadline {
            if let count, previous.count >= count {
                return previous
            }
            usleep(count == nil ? 100_000 : 10_000)
            let current = try readAccessLog()
            if count == nil && current.count == previous.count {
                return current
            }
            previous = current
        }
        return previous
    }

    /// The whole error log (`logs/error.log`), for diagnostics.
    public func errorLog() -> String {
        Self.readErrorLog(prefix: prefix)
    }

    /// Stops nginx (`SIGTERM`, then `SIGKILL` after 5 seconds), waits for it
    /// to exit and deletes ``prefix``. Idempotent; also runs on `deinit`.
    public func stop() { process.stop() }

    // MARK: - Start-up

    private func readAccessLog() throws -> [AccessLogEntry] {
        let path = "\(prefix)/logs/access.log"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // A line is complete only once its newline is there.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return try lines.map { line in
            guard let entry = AccessLogEntry(line: String(line)) else {
                throw TestSupportError("unexpected access log line: \(line)")
            }
            return entry
        }
    }

    private static func readErrorLog(prefix: String) -> String {
        (try? String(contentsOfFile: "\(prefix)/logs/error.log", encoding: .utf8)) ?? "(no error log)"
    }

    private static func pickPorts(ipv6: Bool) throws -> (Int, Int) {
        while true {
            let plain = try Socket.freePort(on: "127.0.0.1")
            let tls = try Socket.freePort(on: "127.0.0.1")
            guard plain != tls else { continue }
            if ipv6 {
                let free = [plain, tls].allSatisfy { port in
                    guard let address = try? SocketAddress(host: "::1", port: port),
                        let (descriptor, _) = try? Socket.listen(on: address)
                    else { return false }
                    close(descriptor)
                    return true
                }
                guard free else { continue }
            }
            return (plain, tls)
        }
    }

    private static func writeConfiguration(
        prefix: String, plainPort: Int, tlsPort: Int, ipv6: Bool, documentRoot: String,
        certificates: TestCertificates, blocks: ServerBlocks
    ) throws {
        let fileManager = FileManager.default
        for directory in ["conf", "logs", "temp"] {
            try fileManager.createDirectory(atPath: "\(prefix)/\(directory)", withIntermediateDirectories: true)
        }
        var listens = [
            "listen 127.0.0.1:\(plainPort);",
            "listen 127.0.0.1:\(tlsPort) ssl;",
        ]
        if ipv6 {
            listens += ["listen [::1]:\(plainPort);", "listen [::1]:\(tlsPort) ssl;"]
        }
        func server(_ listens: [String], _ extra: String) -> String {
            """
            server {
                    \(listens.joined(separator: "\n            "))
                    server_name localhost;

                    ssl_certificate "\(certificates.leafChainPath)";
                    ssl_certificate_key "\(certificates.leafKeyPath)";
                    ssl_protocols TLSv1.2 TLSv1.3;

                    root "\(documentRoot)";

                    \(extra)
                }
            """
        }
        let servers: String
        switch blocks {
        case .shared(let extra):
            servers = server(listens, extra)
        case .separate(let plain, let tls):
            servers = server(listens.filter { !$0.hasSuffix(" ssl;") }, plain) + "\n\n                "
                + server(listens.filter { $0.hasSuffix(" ssl;") }, tls)
        }
        let user = geteuid() == 0 ? "user root;" : ""
        let configuration = """
            # Written by PorterTestSupport.NginxServer.
            daemon off;
            master_process on;
            worker_processes 1;
            \(user)
            pid logs/nginx.pid;
            error_log logs/error.log notice;

            events {
                worker_connections 512;
            }

            http {
                types {
                    text/html html htm;
                    text/plain txt;
                    text/css css;
                    application/javascript js;
                    application/json json;
                    image/png png;
                    application/octet-stream bin;
                }
                default_type application/octet-stream;

                log_format porter '\(accessLogFormat)';
                access_log logs/access.log porter;

                client_body_temp_path temp/client_body;
                proxy_temp_path temp/proxy;
                fastcgi_temp_path temp/fastcgi;
                uwsgi_temp_path temp/uwsgi;
                scgi_temp_path temp/scgi;

                sendfile on;
                keepalive_timeout 75s;
                keepalive_requests 100000;
                server_tokens off;

                \(servers)
            }

            """
        try configuration.write(toFile: "\(prefix)/conf/nginx.conf", atomically: true, encoding: .utf8)
    }
}
