internal import COpenSSL
import Synchronization

/// An OpenSSL client context (`SSL_CTX`) built from a ``TLSConfiguration``.
///
/// Building one loads the trust store, which is costly, so a client keeps one
/// per configuration. `SSL_CTX` may be shared by connections on any thread.
final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    let configuration: TLSConfiguration
    /// The latest resumable session per origin (`host:port`), so a new
    /// connection to the same server skips the full handshake.
    let sessions = TLSSessionCache()
    /// The key passphrase OpenSSL's default password callback reads (`--pass`), freed with the context.
    private let passphrase: UnsafeMutablePointer<CChar>?

    /// Mozilla's "intermediate" TLS 1.2 list: forward-secret AEAD suites only.
    /// TLS 1.3 suites are all AEAD and keep OpenSSL's defaults.
    private static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384"

    init(configuration: TLSConfiguration) throws(PorterError) {
        OpenSSLError.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw OpenSSLErrorStack.drain().error(.tlsConfigurationInvalid, "cannot create a TLS context")
        }
        pointer = context
        self.configuration = configuration
        passphrase = configuration.keyPassphrase.map { strdup($0) }
        if let passphrase { SSL_CTX_set_default_passwd_cb_userdata(context, passphrase) }

        _ = COpenSSL_SSL_CTX_set_min_proto_version(context, Int32(configuration.minimumVersion.rawValue))
        if let maximum = configuration.maximumVersion {
            _ = COpenSSL_SSL_CTX_set_max_proto_version(context, Int32(maximum.rawValue))
        }
        // Level 2: no key under 112 bits of strength, no SHA-1. An inspection judges the chain afterwards instead.
        SSL_CTX_set_security_level(context, configuration.inspectsOnly && !configuration.verifiesPeer ? 0 : 2)
        _ = SSL_CTX_set_options(context, COpenSSL_SSL_OP_NO_COMPRESSION() | COpenSSL_SSL_OP_NO_RENEGOTIATION())
        _ = COpenSSL_SSL_CTX_set_mode(context, COpenSSL_SSL_MODE_defaults())
        guard SSL_CTX_set_cipher_list(context, configuration.cipherList ?? Self.tls12CipherList) == 1 else {
            throw OpenSSLErrorStack.drain().error(.cipherListInvalid, "no usable cipher in \"\(configuration.cipherList ?? "")\" (an OpenSSL cipher list, as 'openssl ciphers' takes it)")
        }
        if let suites = configuration.cipherSuites, SSL_CTX_set_ciphersuites(context, suites) != 1 {
            throw OpenSSLErrorStack.drain().error(.cipherListInvalid, "no usable TLS 1.3 cipher suite in \"\(suites)\" (e.g. TLS_AES_128_GCM_SHA256)")
        }
        if let groups = configuration.groups, COpenSSL_SSL_CTX_set1_groups_list(context, groups) != 1 {
            throw OpenSSLErrorStack.drain().error(.cipherListInvalid, "no usable key exchange group in \"\(groups)\" (e.g. X25519:P-256)")
        }
        if let algorithms = configuration.signatureAlgorithms, COpenSSL_SSL_CTX_set1_sigalgs_list(context, algorithms) != 1 {
            throw OpenSSLErrorStack.drain().error(.cipherListInvalid, "no usable signature algorithm in \"\(algorithms)\" (e.g. ECDSA+SHA256:RSA-PSS+SHA256)")
        }
        // Client sessions are kept by Porter, per origin, not in OpenSSL's internal store.
        _ = COpenSSL_SSL_CTX_set_session_cache_mode(context, COpenSSL_SSL_SESS_CACHE_CLIENT_ONLY())
        SSL_CTX_sess_set_new_cb(context) { ssl, session in
            guard let ssl, let session, let stream = TLSStream.owner(of: ssl) else { return 0 }
            stream.storeSession(session)
            return 1  // the cache now owns the reference
        }

        // Called when the server sends a CertificateRequest, before a client certificate is chosen.
        SSL_CTX_set_cert_cb(context, { ssl, _ in
            if let ssl, let stream = TLSStream.owner(of: ssl) { stream.noteCertificateRequest() }
            return 1
        }, nil)
        try Self.loadClientCertificate(context, configuration)

        if configuration.offersALPN {
            let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
            _ = SSL_CTX_set_alpn_protos(context, alpn, UInt32(alpn.count))
        }

        SSL_CTX_set_verify(context, configuration.verifiesPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
        if configuration.caFile != nil || configuration.caDirectory != nil {
            if let file = configuration.caFile {
                guard SSL_CTX_load_verify_locations(context, file, nil) == 1 else {
                    throw OpenSSLErrorStack.drain().error(.tlsConfigurationInvalid, "cannot load CA certificates from \(file)")
                }
            }
            if let directory = configuration.caDirectory {
                guard SSL_CTX_load_verify_locations(context, nil, directory) == 1 else {
                    throw OpenSSLErrorStack.drain().error(.tlsConfigurationInvalid, "cannot use CA directory \(directory)")
                }
            }
        } else {
            // Honours SSL_CERT_FILE and SSL_CERT_DIR, else the distribution's store.
            _ = SSL_CTX_set_default_verify_paths(context)
        }
        if let crlFile = configuration.crlFile {
            // As curl: CRLs for the whole chain (X509_V_FLAG_CRL_CHECK_ALL), not only the leaf.
            guard let store = SSL_CTX_get_cert_store(context), let lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file()),
                  X509_load_crl_file(lookup, crlFile, X509_FILETYPE_PEM) > 0 else {
                throw OpenSSLErrorStack.drain().error(.revocationListInvalid, "cannot load certificate revocation lists from \(crlFile)")
            }
            X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
        }
        OpenSSLError.clear()
    }

    deinit {
        SSL_CTX_free(pointer)
        free(passphrase)
    }

    /// Loads curl's `--cert` (a PEM chain, leaf first) and `--key` (PEM; the certificate file when absent).
    private static func loadClientCertificate(_ context: OpaquePointer, _ configuration: TLSConfiguration) throws(PorterError) {
        guard let certificateFile = configuration.clientCertificateFile else {
            if let keyFile = configuration.clientKeyFile {
                throw PorterError(.clientCertificateInvalid, "a client key (\(keyFile)) was given without a client certificate: pass --cert too")
            }
            return
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
            throw OpenSSLErrorStack.drain().error(.clientCertificateInvalid, "cannot load the client certificate \(certificateFile)")
        }
        let keyFile = configuration.clientKeyFile ?? certificateFile
        guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
            let stack = OpenSSLErrorStack.drain()
            if stack.entries.contains(where: { $0.reason == X509_R_KEY_VALUES_MISMATCH }) {
                throw PorterError(.clientCertificateInvalid, "the private key \(keyFile) does not belong to the client certificate \(certificateFile)")
            }
            throw stack.error(.clientCertificateInvalid, "cannot load the client private key \(keyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            OpenSSLError.clear()
            throw PorterError(.clientCertificateInvalid, "the private key \(keyFile) does not belong to the client certificate \(certificateFile)")
        }
    }
}
