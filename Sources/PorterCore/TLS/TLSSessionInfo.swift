/// What a TLS handshake agreed on.
public struct TLSSessionInfo: Sendable, Hashable {
    /// The protocol version, e.g. `TLSv1.3`.
    public var version: String
    /// The cipher suite, e.g. `TLS_AES_256_GCM_SHA384`.
    public var cipher: String
    /// The application protocol chosen by ALPN, or nil when the server chose none.
    public var applicationProtocol: String?
    /// Whether the certificate chain and name were verified (false only with verification turned off).
    public var verified: Bool
    /// OpenSSL's verification result code (`X509_V_OK` is 0), as curl's `ssl_verify_result`.
    public var verifyResult: Int
    /// Whether an earlier session was resumed.
    public var resumed: Bool
    /// The certificates the server sent, leaf first, in DER, exactly as sent.
    public var peerCertificates: [[UInt8]]
    /// The key-exchange group, e.g. `X25519`, when OpenSSL names one.
    public var keyExchangeGroup: String?
    /// The OCSP response (DER) the server stapled, when one was asked for and sent.
    public var stapledOCSPResponse: [UInt8]? = nil
    /// Whether the server asked for a client certificate (a CertificateRequest in the handshake).
    public var clientCertificateRequested = false
    /// Whether a client certificate was sent in answer to such a request.
    public var clientCertificateSent = false
}
