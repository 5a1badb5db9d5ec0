/// What a client trusts and offers when it speaks TLS.
///
/// The defaults are the safe ones: the system trust store (which honours
/// `SSL_CERT_FILE` and `SSL_CERT_DIR`), peer verification on, hostname or IP
/// checked with OpenSSL's own matcher (no partial wildcards, no fallback to
/// the subject's common name), TLS 1.2 at least, security level 2, ALPN
/// `http/1.1`. Only ``verifiesPeer`` turns verification off.
public struct TLSConfiguration: Sendable, Hashable {
    /// A PEM file of trust anchors to use instead of the system trust store (curl's `--cacert`).
    public var caFile: String?
    /// A hashed certificate directory (`openssl rehash`) to use instead of the system trust store (curl's `--capath`).
    public var caDirectory: String?
    /// Whether the server's certificate chain and name are verified. Turning
    /// this off (curl's `-k`) accepts any server: an attacker on the path can
    /// read and change everything.
    public var verifiesPeer: Bool
    /// A PEM file with the client certificate, optionally followed by its
    /// intermediates, offered when the server asks for one (curl's `--cert`).
    public var clientCertificateFile: String?
    /// The PEM private key of ``clientCertificateFile`` (curl's `--key`); nil
    /// when the key is in the certificate file itself.
    public var clientKeyFile: String?
    /// The server's public key must be one of these (curl's `--pinnedpubkey`),
    /// checked after the handshake, even with ``verifiesPeer`` off. Empty: no pinning.
    public var pinnedPublicKeys: PinnedPublicKeys
    /// Whether to ask the server to staple an OCSP response (the `status_request`
    /// extension, RFC 6066 §8); the response is in ``TLSSessionInfo/stapledOCSPResponse``.
    public var requestsOCSPStapling: Bool
    /// Set for `porter cert`'s handshakes, which judge the certificates
    /// afterwards and must see weak ones (a SHA-1 signature, an RSA-1024 key)
    /// instead of failing the handshake on them: security level 0.
    var inspectsOnly = false

    /// Creates a configuration; by default the system trust store is used and the peer is verified.
    public init(
        caFile: String? = nil, caDirectory: String? = nil, verifiesPeer: Bool = true,
        clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
        pinnedPublicKeys: PinnedPublicKeys = PinnedPublicKeys(), requestsOCSPStapling: Bool = false
    ) {
        self.caFile = caFile
        self.caDirectory = caDirectory
        self.verifiesPeer = verifiesPeer
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.pinnedPublicKeys = pinnedPublicKeys
        self.requestsOCSPStapling = requestsOCSPStapling
    }
}

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
