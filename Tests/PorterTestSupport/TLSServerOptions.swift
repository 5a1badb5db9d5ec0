/// What a test TLS server does beyond presenting its certificate: staple an
/// OCSP response, demand a client certificate, accept weak certificates.
///
/// Used by ``ScriptedServer`` and ``OpenSSLServer`` alike, so a scenario runs
/// the same against both.
public struct TLSServerOptions: Sendable, Hashable {
    /// A DER OCSP response to staple when the client asks for one (`status_request`).
    public var ocspResponsePath: String?
    /// Trust anchors (PEM) for client certificates; with it the server asks for one.
    public var clientCAPath: String?
    /// Whether the handshake fails without a client certificate (needs ``clientCAPath``).
    public var requiresClientCertificate: Bool
    /// OpenSSL's security level for the server; 0 lets it present SHA-1 or RSA-1024 certificates.
    public var securityLevel: Int?

    /// Creates options; by default none of these is used.
    public init(
        ocspResponsePath: String? = nil, clientCAPath: String? = nil, requiresClientCertificate: Bool = false,
        securityLevel: Int? = nil
    ) {
        self.ocspResponsePath = ocspResponsePath
        self.clientCAPath = clientCAPath
        self.requiresClientCertificate = requiresClientCertificate
        self.securityLevel = securityLevel
    }
}
