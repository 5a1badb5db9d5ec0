internal import COpenSSL

/// A streaming SHA-256 (libcrypto's EVP interface), for comparing bodies
/// without holding them in memory.
///
/// Owns its `EVP_MD_CTX`; used by one task at a time. Feed it with
/// ``update(_:)`` as bytes arrive, then read ``finish()`` once.
final class SHA256Digest {
    private let context: OpaquePointer

    init() {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed: out of memory") }
        self.context = context
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the digest.
    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// The digest of everything added, as 64 lower-case hexadecimal digits.
    func finish() -> String {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in output.prefix(Int(length)) {
            text += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
