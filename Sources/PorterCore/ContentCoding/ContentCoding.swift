/// A content coding Porter decodes (RFC 9110 §8.4.1), named by its registered token.
enum ContentCoding: String, CaseIterable, Sendable {
    case gzip
    case deflate
    case br
    case zstd

    /// Looks up a coding by name, ignoring ASCII case and surrounding whitespace;
    /// `x-gzip` is `gzip` (RFC 9110 §8.4.1.3). `identity` is not a coding here.
    init?(token: String) {
        switch Self.normalized(token) {
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        case "br": self = .br
        case "zstd": self = .zstd
        default: return nil
        }
    }

    /// `token` in lower case, without the spaces and tabs a list element may carry (RFC 9110 §5.6.1).
    static func normalized(_ token: String) -> String {
        let bytes = Array(token.utf8)
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
              let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(decoding: bytes[first...last].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// A new decompressor for this coding.
    func makeStage() throws(PorterError) -> any ContentDecodingStage {
        switch self {
        case .gzip: ZlibDecodingStage(format: .gzip)
        case .deflate: ZlibDecodingStage(format: .deflate)
        case .br: try BrotliDecodingStage()
        case .zstd: try ZstdDecodingStage()
        }
    }

    // MARK: - Errors

    /// The coded data is invalid; `detail` says what the decompressor reported.
    func corrupt(at position: UInt64, _ detail: String, fileID: String = #fileID, line: Int = #line) -> PorterError {
        PorterError(
            .badContentEncoding,
            "the \(rawValue) content is corrupt at compressed byte \(position): \(detail)",
            fileID: fileID, line: line
        )
    }

    /// The body ended inside the coded stream.
    func endedEarly(at position: UInt64, fileID: String = #fileID, line: Int = #line) -> PorterError {
        PorterError(
            .badContentEncoding,
            "the \(rawValue) stream ended early, after \(position) compressed bytes: the body was cut short",
            fileID: fileID, line: line
        )
    }

    /// Bytes follow the end of the coded stream.
    func trailingData(at position: UInt64, fileID: String = #fileID, line: Int = #line) -> PorterError {
        PorterError(
            .badContentEncoding,
            "unexpected data after the end of the \(rawValue) stream, at compressed byte \(position)",
            fileID: fileID, line: line
        )
    }

    /// The decompressor could not start (out of memory, or a broken library).
    func cannotStart(_ detail: String, fileID: String = #fileID, line: Int = #line) -> PorterError {
        PorterError(.badContentEncoding, "cannot start decoding \(rawValue): \(detail)", fileID: fileID, line: line)
    }
}
