internal import COpenSSL
internal import Glibc

/// Deterministic test payloads and their SHA-256 digests.
///
/// The pseudo-random stream for a seed is AES-128-CTR (key: the seed,
/// little-endian, zero-padded; IV: zero) applied to zero bytes: the same on
/// every run and machine, gigabytes a second, and with no repeating blocks,
/// so a client that drops, repeats or reorders any piece of a transfer
/// changes the digest. ``pseudoRandomBytes(count:seed:)`` returns a prefix
/// of the same stream ``writePseudoRandomFile(atPath:size:seed:)`` writes.
public enum TestData {
    /// The first `count` bytes of the stream for `seed`.
    public static func pseudoRandomBytes(count: Int, seed: UInt64 = 0) -> [UInt8] {
        let stream = PseudoRandomStream(seed: seed)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            stream.fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Writes the first `size` bytes of the stream for `seed` to a new file
    /// (replacing any), in 1 MiB blocks: 64 MiB takes well under a second.
    public static func writePseudoRandomFile(atPath path: String, size: Int, seed: UInt64 = 0) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TestSupportError("cannot create \(path): \(Socket.lastError())")
        }
        defer { close(descriptor) }
        let stream = PseudoRandomStream(seed: seed)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }
        var remaining = size
        while remaining > 0 {
            let count = min(remaining, block.count)
            let piece = UnsafeMutableRawBufferPointer(rebasing: block[0..<count])
            stream.fill(piece)
            var offset = 0
            while offset < count {
                let written = write(descriptor, piece.baseAddress! + offset, count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    throw TestSupportError("cannot write \(path): \(Socket.lastError())")
                }
                offset += written
            }
            remaining -= count
        }
    }

    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256(_ bytes: [UInt8]) -> String {
        let digest = SHA256Context()
        bytes.withUnsafeBytes { digest.update($0) }
        return digest.finish()
    }

    /// The SHA-256 of the file at `path` as 64 lowercase hex digits, read in
    /// 1 MiB blocks.
    public static func sha256(fileAtPath path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TestSupportError("cannot open \(path): \(Socket.lastError())")
        }
        defer { close(descriptor) }
        let digest = SHA256Context()
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }
        while true {
            let count = read(descriptor, block.baseAddress, block.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw TestSupportError("cannot read \(path): \(Socket.lastError())")
            }
            if count == 0 { break }
            digest.update(UnsafeRawBufferPointer(rebasing: block[0..<count]))
        }
        return digest.finish()
    }
}

/// AES-128-CTR keystream through libcrypto's EVP interface.
private final class PseudoRandomStream {
    private let context: OpaquePointer
    private let zeros = [UInt8](repeating: 0, count: 64 * 1024)

    init(seed: UInt64) {
        context = EVP_CIPHER_CTX_new()!
        var key = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: seed.littleEndian) { key.replaceSubrange(0..<8, with: $0) }
        let iv = [UInt8](repeating: 0, count: 16)
        let initialized = EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, key, iv)
        precondition(initialized == 1, "AES-128-CTR is not available: \(drainOpenSSLErrors())")
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
    }

    /// Overwrites `buffer` with the next `buffer.count` bytes of the stream.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, zeros.count)
            var produced: Int32 = 0
            let output = (buffer.baseAddress! + offset).assumingMemoryBound(to: UInt8.self)
            let result = EVP_EncryptUpdate(context, output, &produced, zeros, Int32(count))
            precondition(result == 1 && Int(produced) == count, "AES-128-CTR failed: \(drainOpenSSLErrors())")
            offset += count
        }
    }
}

/// Incremental SHA-256 through libcrypto's EVP interface.
private final class SHA256Context {
    private let context: OpaquePointer

    init() {
        context = EVP_MD_CTX_new()!
        let initialized = EVP_DigestInit_ex(context, EVP_sha256(), nil)
        precondition(initialized == 1, "SHA-256 is not available: \(drainOpenSSLErrors())")
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let result = EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
        precondition(result == 1, "SHA-256 update failed: \(drainOpenSSLErrors())")
    }

    func finish() -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = EVP_DigestFinal_ex(context, &digest, &length)
        precondition(result == 1, "SHA-256 final failed: \(drainOpenSSLErrors())")
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest.prefix(Int(length)) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
