internal import COpenSSL

/// A configured OpenSSL server context: certificate chain, private key,
/// TLS 1.2 minimum.
///
/// Threading: configured once in `init`; afterwards only `SSL_new` reads it,
/// which OpenSSL allows from any number of threads at once.
final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer

    init(certificateChainPath: String, privateKeyPath: String) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TestSupportError("SSL_CTX_new failed: \(drainOpenSSLErrors())")
        }
        self.context = context
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
