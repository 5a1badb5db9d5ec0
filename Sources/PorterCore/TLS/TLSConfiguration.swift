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

    /// Creates a configuration; by default the system trust store is used and the peer is verified.
    public init(caFile: String? = nil, caDirectory: String? = nil, verifiesPeer: Bool = true) {
        self.caFile = caFile
        self.caDirectory = caDirectory
        self.verifiesPeer = verifiesPeer
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
}
