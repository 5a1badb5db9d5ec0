internal import COpenSSL

/// A streaming SHA-256 (libcrypto's EVP interface), for comparing bodies
/// without holding them in memory.
///
/// Owns its `EVP_MD_CTX`; used by one task at a time. Feed it with
/// ``update(_:)`` as bytes arrive, then read ``finish()`` once.
@_spi(PorterTools) public final class SHA256Digest {
    private let context: OpaquePointer

    /// Starts an empty digest.
    public init() {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed: out of memory") }
        self.context = context
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// The digest of everything added, as 64 lower-case hexadecimal digits.
    public func finish() -> String {
        ByteEncoding.hex(finishBytes(), lowercase: true)
    }

    /// The digest of everything added, 32 bytes.
    func finishBytes() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return Array(output.prefix(Int(length)))
    }

    /// The SHA-256 of `bytes` at once.
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let digest = SHA256Digest()
        bytes.withUnsafeBytes { digest.update($0) }
        return digest.finishBytes()
    }
}

/// The hash functions HTTP Digest authentication names (RFC 7616 §3.2), from libcrypto.
enum HashFunction: Sendable {
    case md5, sha256, sha512_256

    /// The lower-case hexadecimal digest of `text`'s UTF-8 bytes.
    func hex(_ text: String) -> String {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(context) }
        let algorithm = switch self {
        case .md5: EVP_md5()
        case .sha256: EVP_sha256()
        case .sha512_256: EVP_sha512_256()
        }
        EVP_DigestInit_ex(context, algorithm, nil)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { _ = EVP_DigestUpdate(context, base, raw.count) }
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return ByteEncoding.hex(Array(output.prefix(Int(length))), lowercase: true)
    }
}
