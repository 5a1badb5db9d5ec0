internal import COpenSSL

/// Bytes as text, through libcrypto's encoders: base64 (RFC 4648) and hexadecimal.
/// The one place Porter encodes bytes this way.
enum ByteEncoding {
    /// RFC 4648 base64 with padding (`EVP_EncodeBlock`).
    static func base64(_ bytes: [UInt8]) -> String {
        var output = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4 + 1)
        let length = EVP_EncodeBlock(&output, bytes, Int32(bytes.count))
        return String(decoding: output.prefix(Int(max(0, length))), as: UTF8.self)
    }

    /// Upper-case hexadecimal, two digits a byte, with `separator` between bytes
    /// (`OPENSSL_buf2hexstr_ex`); lower case when `lowercase` is set.
    static func hex(_ bytes: [UInt8], separator: UInt8? = nil, lowercase: Bool = false) -> String {
        guard !bytes.isEmpty else { return "" }
        var output = [CChar](repeating: 0, count: bytes.count * 3 + 1)
        var length = 0
        let status = output.withUnsafeMutableBufferPointer { text in
            OPENSSL_buf2hexstr_ex(text.baseAddress, text.count, &length, bytes, bytes.count, CChar(bitPattern: separator ?? 0))
        }
        guard status == 1 else { return "" }
        let text = String(decoding: output.prefix(max(0, length - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return lowercase ? text.lowercased() : text
    }
}
