@_spi(PorterTools) import PorterCore

/// What ``CertificateInspector/inspect(host:port:)`` learnt about one server:
/// the handshake, the chain as sent and as verified, the stapled OCSP status
/// and the verdict.
///
/// An immutable `Sendable` value.
public struct CertificateInspection: Sendable {
    /// The verdict on one server.
    public enum Verdict: Sendable {
        /// Everything verifies and nothing expires within the warning period.
        case ok
        /// Everything verifies, but this certificate expires within the warning period.
        case warning(CertificateProblem)
        /// The chain, the pin, the OCSP status or the client-certificate exchange failed; this problem decides.
        case failed(CertificateProblem)
        /// No certificate could be had: the name did not resolve, no connection, or the handshake failed.
        case unreachable(PorterError)
    }

    /// Whether a second handshake resumed the first one's session.
    public enum Resumption: Sendable, Hashable {
        /// The second handshake resumed the session.
        case resumed
        /// The server issued a session but did not resume it.
        case notResumed
        /// The server issued no resumable session (no ticket, no session ID).
        case notOffered
        /// Not tried: the first handshake failed, or the server refused the client.
        case notTried
        /// The second connection failed.
        case failed(String)
    }

    /// The host name or IP literal checked.
    public let host: String
    /// The port connected to.
    public let port: Int
    /// The address the connection went to, when one was reached.
    public let address: SocketAddress?
    /// What the handshake agreed on; nil when it failed.
    public let session: TLSSessionInfo?
    /// Whether the session could be resumed.
    public let resumption: Resumption
    /// The certificates as the server sent them, leaf first (empty when none arrived).
    public let sentChain: [Certificate]
    /// The offline verification of ``sentChain`` for ``host``; nil when no certificate arrived.
    public let verification: CertificateVerification?
    /// What the stapled OCSP response says.
    public let ocsp: OCSPStatus
    /// Whether the server asked for a client certificate.
    public let clientCertificateRequested: Bool
    /// Whether one was sent in answer.
    public let clientCertificateSent: Bool
    /// Every failure found: the verification's problems, then a revocation, a
    /// pin mismatch, and a refused or missing client certificate.
    public let problems: [CertificateProblem]
    /// Certificates valid now that expire within the warning period.
    public let warnings: [CertificateProblem]
    /// Why no certificate could be had, or the handshake failed after the certificate arrived.
    public let connectionError: PorterError?

    /// Creates an inspection.
    public init(
        host: String, port: Int, address: SocketAddress?, session: TLSSessionInfo?, resumption: Resumption,
        sentChain: [Certificate], verification: CertificateVerification?, ocsp: OCSPStatus,
        clientCertificateRequested: Bool, clientCertificateSent: Bool,
        problems: [CertificateProblem], warnings: [CertificateProblem], connectionError: PorterError?
    ) {
        self.host = host
        self.port = port
        self.address = address
        self.session = session
        self.resumption = resumption
        self.sentChain = sentChain
        self.verification = verification
        self.ocsp = ocsp
        self.clientCertificateRequested = clientCertificateRequested
        self.clientCertificateSent = clientCertificateSent
        self.problems = problems
        self.warnings = warnings
        self.connectionError = connectionError
    }

    /// The first problem, else the connection error, else the first warning, else OK.
    public var verdict: Verdict {
        if let problem = problems.first { return .failed(problem) }
        if let connectionError { return .unreachable(connectionError) }
        if let warning = warnings.first { return .warning(warning) }
        return .ok
    }

    /// `OK`, or the deciding problem, error or warning in words.
    public var explanation: String {
        switch verdict {
        case .ok: return "OK"
        case .warning(let problem), .failed(let problem): return problem.explanation
        case .unreachable(let error): return error.reason
        }
    }

    /// The chain as verified to a trust anchor, leaf first; nil when it does not verify.
    public var verifiedChain: [Certificate]? { verification?.verifiedChain }
}
