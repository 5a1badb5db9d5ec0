internal import COpenSSL
internal import Foundation

/// A configured OpenSSL server context: certificate chain, private key,
/// TLS 1.2 minimum, and the extras of ``TLSServerOptions``.
///
/// Threading: configured once in `init`; afterwards only `SSL_new` and the
/// status callback read it, which OpenSSL allows from any number of threads at once.
final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer
    /// The OCSP response stapled on request, read once.
    private let ocspResponse: [UInt8]?

    init(certificateChainPath: String, privateKeyPath: String, options: TLSServerOptions = TLSServerOptions()) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TestSupportError("SSL_CTX_new failed: \(drainOpenSSLErrors())")
        }
        self.context = context
        if let level = options.securityLevel {
            SSL_CTX_set_security_level(context, Int32(level))
            _ = SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=\(level)")
        }
        if let path = options.ocspResponsePath {
            guard let bytes = FileManager.default.contents(atPath: path), !bytes.isEmpty else {
                throw TestSupportError("cannot read the OCSP response \(path)")
            }
            ocspResponse = Array(bytes)
        } else {
            ocspResponse = nil
        }
        guard COpenSSL_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw TestSupportError("cannot set TLS 1.2 as the minimum: \(drainOpenSSLErrors())")
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainPath) == 1 else {
            throw TestSupportError("cannot load certificate chain \(certificateChainPath): \(drainOpenSSLErrors())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TestSupportError("cannot load private key \(privateKeyPath): \(drainOpenSSLErrors())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TestSupportError(
                "\(privateKeyPath) does not match \(certificateChainPath): \(drainOpenSSLErrors())")
        }
        if let clientCA = options.clientCAPath {
            guard SSL_CTX_load_verify_locations(context, clientCA, nil) == 1,
                  let names = SSL_load_client_CA_file(clientCA)
            else {
                throw TestSupportError("cannot load client CA \(clientCA): \(drainOpenSSLErrors())")
            }
            SSL_CTX_set_client_CA_list(context, names)
            let mode = SSL_VERIFY_PEER | (options.requiresClientCertificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0)
            SSL_CTX_set_verify(context, mode, nil)
        }
        if ocspResponse != nil {
            _ = COpenSSL_SSL_CTX_set_tlsext_status_arg(context, Unmanaged.passUnretained(self).toOpaque())
            _ = COpenSSL_SSL_CTX_set_tlsext_status_cb(context) { ssl, argument in
                guard let ssl, let argument else { return SSL_TLSEXT_ERR_NOACK }
                let server = Unmanaged<TLSServerContext>.fromOpaque(argument).takeUnretainedValue()
                guard let response = server.ocspResponse, COpenSSL_SSL_get_tlsext_status_type(ssl) == TLSEXT_STATUSTYPE_ocsp else {
                    return SSL_TLSEXT_ERR_NOACK
                }
                let stapled = response.withUnsafeBufferPointer {
                    COpenSSL_SSL_set_tlsext_status_ocsp_resp(ssl, $0.baseAddress, Int32($0.count))
                }
                return stapled == 1 ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_ALERT_FATAL
            }
        }
    }

    deinit {
        SSL_CTX_free(context)
    }
}

/// Empties OpenSSL's error queue for this thread into one line of text.
func drainOpenSSLErrors() -> String {
    var messages: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        messages.append(String(decoding: text, as: UTF8.self))
    }
    return messages.joined(separator: "; ")
}
