internal import COpenSSL

/// An OpenSSL client context (`SSL_CTX`) built from a ``TLSConfiguration``.
///
/// Building one loads the trust store, which is costly, so a client keeps one
/// per configuration. `SSL_CTX` may be shared by connections on any thread.
final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    let configuration: TLSConfiguration

    /// Mozilla's "intermediate" TLS 1.2 list: forward-secret AEAD suites only.
    /// TLS 1.3 suites are all AEAD and keep OpenSSL's defaults.
    private static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384"

    init(configuration: TLSConfiguration) throws(PorterError) {
        OpenSSLError.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw PorterError(.tlsConfigurationInvalid, "cannot create a TLS context: \(OpenSSLError.describe(reasons: OpenSSLError.drain().0, systemError: 0))")
        }
        pointer = context
        self.configuration = configuration

        _ = COpenSSL_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        SSL_CTX_set_security_level(context, 2)
        _ = SSL_CTX_set_options(context, COpenSSL_SSL_OP_NO_COMPRESSION() | COpenSSL_SSL_OP_NO_RENEGOTIATION())
        _ = COpenSSL_SSL_CTX_set_mode(context, COpenSSL_SSL_MODE_defaults())
        _ = SSL_CTX_set_cipher_list(context, Self.tls12CipherList)

        let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
        _ = SSL_CTX_set_alpn_protos(context, alpn, UInt32(alpn.count))

        SSL_CTX_set_verify(context, configuration.verifiesPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
        if configuration.caFile != nil || configuration.caDirectory != nil {
            if let file = configuration.caFile {
                guard SSL_CTX_load_verify_locations(context, file, nil) == 1 else {
                    let reasons = OpenSSLError.describe(reasons: OpenSSLError.drain().0, systemError: 0)
                    throw PorterError(.tlsConfigurationInvalid, "cannot load CA certificates from \(file): \(reasons)")
                }
            }
            if let directory = configuration.caDirectory {
                guard SSL_CTX_load_verify_locations(context, nil, directory) == 1 else {
                    let reasons = OpenSSLError.describe(reasons: OpenSSLError.drain().0, systemError: 0)
                    throw PorterError(.tlsConfigurationInvalid, "cannot use CA directory \(directory): \(reasons)")
                }
            }
        } else {
            // Honours SSL_CERT_FILE and SSL_CERT_DIR, else the distribution's store.
            _ = SSL_CTX_set_default_verify_paths(context)
        }
        OpenSSLError.clear()
    }

    deinit { SSL_CTX_free(pointer) }
}
