@_spi(PorterTools) import PorterCore

/// The TLS side of a comparison in brief, as `porter cert` summarises a
/// server: protocol, cipher, the leaf's subject and expiry, and a verdict.
public struct TLSSummary: Sendable, Hashable {
    /// The protocol version, e.g. `TLSv1.3`.
    public var version: String
    /// The cipher suite.
    public var cipher: String
    /// The key-exchange group, when OpenSSL names one.
    public var keyExchangeGroup: String?
    /// Whether the chain and the name verified.
    public var verified: Bool
    /// OpenSSL's verification result (0 is `X509_V_OK`).
    public var verifyResult: Int
    /// The leaf's subject in RFC 2253 form, when the server sent a readable leaf.
    public var leafSubject: String?
    /// The leaf's issuer.
    public var leafIssuer: String?
    /// The leaf's subject alternative names, e.g. `DNS:localhost, IP:127.0.0.1`.
    public var leafSubjectAlternativeNames: String?
    /// The leaf's end of validity, e.g. `2100-01-01T00:00:00Z`.
    public var leafNotAfter: String?
    /// Whole days until the leaf expires (negative once expired).
    public var daysLeft: Int?
    /// Why verification failed, when it did; the chain was then fetched without verification.
    public var verificationFailure: String?

    /// Days left below which a certificate should be renewed.
    public static let renewalWarningDays = 30

    /// A one-word verdict: `valid`, `expiring`, `unverified` or `invalid`.
    public var verdict: String {
        if verificationFailure != nil { return "invalid" }
        if !verified { return "unverified" }
        if let daysLeft, daysLeft < Self.renewalWarningDays { return "expiring" }
        return "valid"
    }

    init(session: TLSSessionInfo, verificationFailure: String?) {
        version = session.version
        cipher = session.cipher
        keyExchangeGroup = session.keyExchangeGroup
        verified = session.verified && verificationFailure == nil
        verifyResult = session.verifyResult
        self.verificationFailure = verificationFailure
        if let der = session.peerCertificates.first, let leaf = try? Certificate(der: der) {
            leafSubject = leaf.subject
            leafIssuer = leaf.issuer
            leafSubjectAlternativeNames = leaf.subjectAlternativeNames.map { $0.map(\.description).joined(separator: ", ") }
            leafNotAfter = leaf.notAfter.iso8601
            daysLeft = leaf.daysLeft()
        }
    }
}

extension TLSSummary {
    /// A summary of a handshake whose certificate failed and that could not be repeated without verification.
    init(verificationFailure: String) {
        version = ""
        cipher = ""
        verified = false
        verifyResult = -1
        self.verificationFailure = verificationFailure
    }
}
