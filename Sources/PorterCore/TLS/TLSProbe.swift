/// TLS handshakes for inspection (`porter cert`): a handshake whose outcome is
/// reported rather than enforced, what the server sends right after it, and
/// whether a second handshake resumes the session.
///
/// Each probe has a TLS context of its own, so one probe never resumes
/// another's session. A `Sendable` value; its calls run on the caller's task.
@_spi(PorterTools) public struct TLSProbe: Sendable {
    /// What a server sent right after the handshake, before any request.
    public enum AfterHandshake: Sendable {
        /// Nothing more came in time, or the server sent a session ticket.
        case quiet
        /// The server sent application data unprompted (e.g. a protocol banner).
        case data
        /// The server closed the connection.
        case closed
        /// The server sent an alert or the stream failed; `reason` is OpenSSL's reason code (0 when none).
        case failed(reason: Int32, description: String)
    }

    /// One handshake's outcome.
    public struct Handshake: Sendable {
        /// The address connected to, when the TCP connection was made.
        public var address: SocketAddress?
        /// What the handshake agreed on, when it completed.
        public var session: TLSSessionInfo?
        /// What a handshake that failed had learnt (the certificates the server sent).
        public var failedSession: TLSSessionInfo?
        /// What came after a completed handshake, or the alert that ended a failed one.
        public var afterHandshake: AfterHandshake
        /// Whether the server issued a session that a second handshake could resume.
        public var issuedResumableSession: Bool
        /// Why the connection or handshake failed, if it did.
        public var error: PorterError?
    }

    private let context: TLSContext

    /// Creates a probe with `configuration`.
    ///
    /// - Throws: ``PorterError/Code/clientCertificateInvalid`` when the client
    ///   certificate or key cannot be loaded, ``PorterError/Code/tlsConfigurationInvalid``
    ///   when the trust store cannot.
    public init(configuration: TLSConfiguration) throws(PorterError) {
        context = try TLSContext(configuration: configuration)
    }

    /// Connects to one of `addresses` (Happy Eyeballs) and runs the handshake for `host`,
    /// then waits up to `settle` (2 s when the server asked for a client certificate, since
    /// its verdict on it comes after the handshake) for what the server sends unprompted.
    public func handshake(
        host: String, port: Int, addresses: [SocketAddress], timeout: Duration, settle: Duration = .milliseconds(500)
    ) async -> Handshake {
        var outcome = Handshake(address: nil, session: nil, failedSession: nil, afterHandshake: .quiet, issuedResumableSession: false, error: nil)
        let deadline = Deadline.after(timeout, limit: "the connect timeout (\(timeout))")
        do {
            let socket = try await TCPSocket.connect(to: addresses, host: host, deadline: deadline)
            outcome.address = socket.remoteAddress
            let stream = try await TLSStream.connect(
                over: socket, context: context, host: host, port: port, deadline: deadline,
                failedHandshake: { info, reason, description in
                    outcome.failedSession = info
                    outcome.afterHandshake = .failed(reason: reason, description: description)
                })
            outcome.session = stream.session
            let wait: Duration = stream.clientCertificateRequested ? .seconds(2) : settle
            let after = await stream.awaitServerMessages(until: Deadline.earliest(deadline, .after(wait, limit: "waiting after the handshake"))!)
            outcome.afterHandshake = switch after {
            case .quiet: .quiet
            case .data: .data
            case .closed: .closed
            case .failed(let reason, let description): .failed(reason: reason, description: description)
            }
            outcome.issuedResumableSession = stream.receivedSession
            stream.close()
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// Makes a second handshake and says whether the server resumed the session of the first.
    public func resumes(host: String, port: Int, addresses: [SocketAddress], timeout: Duration) async throws(PorterError) -> Bool {
        let deadline = Deadline.after(timeout, limit: "the connect timeout (\(timeout))")
        let socket = try await TCPSocket.connect(to: addresses, host: host, deadline: deadline)
        let stream = try await TLSStream.connect(over: socket, context: context, host: host, port: port, deadline: deadline)
        defer { stream.close() }
        return stream.session.resumed
    }

    /// Plain words for an alert that means the server wanted a client certificate, or refused
    /// the one `offered`; nil for any other alert.
    public static func clientCertificateAdvice(alertReason reason: Int32, requested: Bool, offered: String?) -> String? {
        TLSStream.clientCertificateAdvice(alertReason: reason, requested: requested, offered: offered)
    }
}
