internal import Dispatch
internal import Foundation
internal import Glibc
import Synchronization

/// A loopback HTTP server whose every byte is scripted by the test: plain
/// TCP or TLS (OpenSSL, server side), IPv4 or IPv6.
///
/// Each accepted connection runs `handler` on a thread of its own (never on
/// Swift's cooperative pool); TLS connections finish the handshake before
/// the handler sees them. A typical handler loops:
///
/// ```swift
/// let server = try ScriptedServer { connection in
///     while let request = try connection.readRequest() {
///         try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
///     }
/// }
/// ```
///
/// Errors a handler throws, and failed TLS handshakes, end that connection
/// and are kept in ``errors`` for the test to check; they never crash the
/// test process.
///
/// Lifetime: the server listens from `init` until ``stop()``, which also
/// runs when the last reference goes away. A handler that captures the
/// server keeps it alive: call ``stop()`` explicitly then.
public final class ScriptedServer: Sendable {
    /// Whether connections speak TLS, and with which certificate.
    public enum Security: Sendable {
        /// Plain TCP.
        case plain
        /// TLS 1.2 or 1.3 with the given PEM certificate chain (leaf first)
        /// and private key.
        case tls(certificateChainPath: String, privateKeyPath: String)

        /// TLS with the `localhost` leaf of `certificates`, sent as a full chain.
        public static func tls(_ certificates: TestCertificates) -> Security {
            .tls(certificateChainPath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath)
        }
    }

    /// What a connection thread does with its connection.
    public typealias Handler = @Sendable (ServerConnection) throws -> Void

    /// The port the server listens on, chosen by the kernel.
    public let port: Int
    /// The numeric address the server listens on, e.g. `127.0.0.1` or `::1`.
    public let address: String
    /// Whether the server speaks TLS.
    public let usesTLS: Bool

    private let urlHost: String
    private let state: State

    /// Starts listening at once on `address`, a loopback address, on a free
    /// port.
    ///
    /// - Parameters:
    ///   - security: plain TCP or TLS with a certificate and key.
    ///   - address: `127.0.0.1` (default), another 127.0.0.0/8 address, or `::1`.
    ///   - tlsOptions: OCSP stapling, client certificates, weak certificates (TLS only).
    ///   - handler: run once per accepted connection, on that connection's thread.
    /// - Throws: ``TestSupportError`` when `address` is not loopback, the
    ///   socket cannot be bound, or the certificate or key cannot be loaded.
    public init(
        security: Security = .plain,
        address: String = "127.0.0.1",
        tlsOptions: TLSServerOptions = TLSServerOptions(),
        handler: @escaping Handler
    ) throws {
        let socketAddress = try SocketAddress(host: address, port: 0)
        guard socketAddress.isLoopback else {
            throw TestSupportError("test servers listen on loopback only; \(address) is not a loopback address")
        }
        var tlsContext: TLSServerContext?
        if case .tls(let chain, let key) = security {
            tlsContext = try TLSServerContext(certificateChainPath: chain, privateKeyPath: key, options: tlsOptions)
        }
        let (listener, port) = try Socket.listen(on: socketAddress)
        self.port = port
        self.address = address
        self.usesTLS = tlsContext != nil
        self.urlHost = socketAddress.urlHost
        self.state = State(listener: listener, tls: tlsContext, handler: handler)
        let state = self.state
        let thread = Thread { state.acceptLoop() }
        thread.name = "ScriptedServer accept :\(port)"
        thread.start()
    }

    deinit {
        stop()
    }

    /// A server that answers every request on every connection with the
    /// same `response` and keeps each connection open for the next request
    /// (HTTP keep-alive), until the client closes it.
    public static func respondingAlways(
        with response: [UInt8],
        security: Security = .plain,
        address: String = "127.0.0.1"
    ) throws -> ScriptedServer {
        try ScriptedServer(security: security, address: address) { connection in
            while try connection.readRequest() != nil {
                try connection.write(response)
            }
        }
    }

    /// The same as the byte form, with the UTF-8 bytes of `response`.
    public static func respondingAlways(
        with response: String,
        security: Security = .plain,
        address: String = "127.0.0.1"
    ) throws -> ScriptedServer {
        try respondingAlways(with: Array(response.utf8), security: security, address: address)
    }

    /// `http://127.0.0.1:PORT/path` (or `https`, or `[::1]`) for a path that
    /// starts with `/`.
    public func url(_ path: String = "/") -> String {
        "\(usesTLS ? "https" : "http")://\(urlHost):\(port)\(path)"
    }

    /// How many connections the server has accepted so far (counted before
    /// any TLS handshake).
    public var acceptedConnectionCount: Int {
        state.fields.withLock { $0.acceptedCount }
    }

    /// Every request head read through ``ServerConnection/readRequest(readingBody:)``
    /// on any connection, in the order read, as exact text.
    public var requestHeads: [String] {
        state.fields.withLock { $0.heads }
    }

    /// What went wrong on connections so far, in order: errors thrown by the
    /// handler, and failed TLS handshakes (`"connection 2: TLS handshake
    /// failed: …"`). A test that expects a clean run checks this is empty.
    public var errors: [String] {
        state.fields.withLock { $0.errors }
    }

    /// Stops accepting, shuts down every open connection (their blocked
    /// reads return the end of stream) and waits up to 5 seconds for the
    /// connection threads to finish. Idempotent; also runs on `deinit`.
    public func stop() {
        let alreadyStopped = state.fields.withLock { fields -> Bool in
            if fields.stopped { return true }
            fields.stopped = true
            if fields.listener >= 0 {
                shutdown(fields.listener, Int32(SHUT_RDWR))
            }
            for descriptor in fields.open {
                shutdown(descriptor, Int32(SHUT_RDWR))
            }
            return false
        }
        guard !alreadyStopped else { return }
        _ = state.acceptLoopEnded.wait(timeout: .now() + 5)
        _ = state.connections.wait(timeout: .now() + 5)
    }

    // MARK: - Shared state

    /// What the accept thread, the connection threads and the server's
    /// owner share. Every mutable field sits behind one lock; descriptors
    /// are closed under it too, so ``ScriptedServer/stop()`` never shuts
    /// down a number the kernel has already given to another socket.
    final class State: Sendable {
        struct Fields {
            var listener: Int32
            var stopped = false
            var open: Set<Int32> = []
            var acceptedCount = 0
            var heads: [String] = []
            var errors: [String] = []
        }

        let fields: Mutex<Fields>
        let tls: TLSServerContext?
        let handler: Handler
        let connections = DispatchGroup()
        let acceptLoopEnded = DispatchSemaphore(value: 0)

        init(listener: Int32, tls: TLSServerContext?, handler: @escaping Handler) {
            self.fields = Mutex(Fields(listener: listener))
            self.tls = tls
            self.handler = handler
        }

        func acceptLoop() {
            defer {
                fields.withLock { fields in
                    Glibc.close(fields.listener)
                    fields.listener = -1
                }
                acceptLoopEnded.signal()
            }
            let listener = fields.withLock { $0.listener }
            while true {
                // accept4(SOCK_CLOEXEC) is not visible from Swift's Glibc module.
                let descriptor = accept(listener, nil, nil)
                if descriptor < 0 {
                    switch errno {
                    case EINTR, ECONNABORTED:
                        continue
                    case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                        usleep(10_000)
                        continue
                    default:
                        return
                    }
                }
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                let index = fields.withLock { fields -> Int? in
                    guard !fields.stopped else { return nil }
                    fields.open.insert(descriptor)
                    fields.acceptedCount += 1
                    return fields.acceptedCount - 1
                }
                guard let index else {
                    Glibc.close(descriptor)
                    return
                }
                var one: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                connections.enter()
                let thread = Thread { [self] in
                    serve(descriptor: descriptor, index: index)
                    connections.leave()
                }
                thread.name = "ScriptedServer connection \(index)"
                thread.start()
            }
        }

        private func serve(descriptor: Int32, index: Int) {
            blockSIGPIPEOnThisThread()
            let connection = ServerConnection(descriptor: descriptor, index: index, server: self)
            do {
                if let tls {
                    do {
                        try connection.startTLS(tls)
                    } catch {
                        record(error: "connection \(index): \(error)")
                        connection.closeWithoutNotify()
                        return
                    }
                }
                try handler(connection)
            } catch {
                record(error: "connection \(index): \(error)")
            }
            connection.close()
        }

        func record(head: String) {
            fields.withLock { $0.heads.append(head) }
        }

        func record(error: String) {
            fields.withLock { $0.errors.append(error) }
        }

        func closeDescriptor(_ descriptor: Int32) {
            fields.withLock { fields in
                fields.open.remove(descriptor)
                Glibc.close(descriptor)
            }
        }
    }
}
