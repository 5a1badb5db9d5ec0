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
    /// Whether the handshake fails unless the server staples a good OCSP response for its
    /// certificate (curl's `--cert-status`); asks for the staple too.
    public var requiresCertificateStatus = false
    /// Whether ALPN offers `http/1.1` (curl's `--no-alpn` turns it off).
    public var offersALPN = true
    /// Whether a new connection resumes an earlier TLS session (curl's `--no-sessionid` turns it off).
    public var resumesSessions = true
    /// The signature algorithms to offer, in OpenSSL's list syntax (curl's `--sigalgs`).
    public var signatureAlgorithms: String?
    /// The passphrase of an encrypted private key (curl's `--pass`).
    public var keyPassphrase: String?
    /// A PEM file of certificate revocation lists; with one, every certificate of the chain
    /// must be covered by a CRL of its issuer and not be listed in it (curl's `--crlfile`).
    public var crlFile: String?
    /// Set for `porter cert`'s handshakes, which judge the certificates
    /// afterwards and must see weak ones (a SHA-1 signature, an RSA-1024 key)
    /// instead of failing the handshake on them: security level 0.
    @_spi(PorterTools) public var inspectsOnly = false
    /// The oldest TLS version accepted (curl's `--tlsv1.2`, `--tlsv1.3`); never below 1.2.
    public var minimumVersion: ProtocolVersion = .tls1_2
    /// The newest TLS version offered (curl's `--tls-max`); nil: the newest OpenSSL speaks.
    public var maximumVersion: ProtocolVersion?
    /// OpenSSL's cipher list for TLS 1.2 (curl's `--ciphers`); nil: forward-secret AEAD suites only.
    public var cipherList: String?
    /// OpenSSL's TLS 1.3 cipher suites (curl's `--tls13-ciphers`); nil: OpenSSL's defaults.
    public var cipherSuites: String?
    /// The key exchange groups offered, colon-separated (curl's `--curves`); nil: OpenSSL's defaults.
    public var groups: String?

    /// A TLS protocol version Porter speaks.
    public enum ProtocolVersion: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
        case tls1_2 = 0x0303
        case tls1_3 = 0x0304

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String { self == .tls1_2 ? "TLS 1.2" : "TLS 1.3" }
    }

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
