// The chunked transfer coding (RFC 9112 §7.1).
extension ResponseParser {
    // MARK: - Chunks

    /// Parses `chunk-size [chunk-ext]` (RFC 9112 §7.1); extensions are checked, then ignored.
    static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(PorterError) -> UInt64 {
        var size: UInt64 = 0
        var index = 0
        while index < line.count, let digit = HTTPSyntax.hexValue(line[index]) {
            // RFC 9112 §7.1: recipients must guard against integer overflow of chunk-size.
            guard size <= UInt64.max >> 4 else {
                throw PorterError(.invalidChunkSize, "chunk size \"\(excerpt(line))\" does not fit in 64 bits")
            }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else {
            throw PorterError(.invalidChunkSize, "chunk-size line \"\(excerpt(line))\" does not start with a hexadecimal size")
        }
        guard index < line.count else { return size }
        // RFC 9112 §7.1.1: only chunk extensions follow the size, and whitespace only before ";".
        // They are ignored, but one that does not parse (trailing whitespace, a bare CR or NUL, an
        // empty name, an unclosed quote) is refused: parsers that read it differently disagree
        // about where the chunk data starts (request smuggling through chunk extensions).
        guard isChunkExtensionList(line, from: index) else {
            let rest = skipWhitespace(line, from: index)
            if rest < line.count && line[rest] == UInt8(ascii: ";") {
                throw PorterError(.invalidChunkSize, "chunk-size line \"\(excerpt(line))\" has a malformed chunk extension")
            }
            throw PorterError(.invalidChunkSize, "chunk-size line \"\(excerpt(line))\" is not a hexadecimal size")
        }
        return size
    }

    /// Whether `line[start...]` is `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`
    /// (RFC 9112 §7.1.1), where a value is a token or a quoted-string.
    static func isChunkExtensionList(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        while index < line.count {
            index = skipWhitespace(line, from: index)
            guard index < line.count && line[index] == UInt8(ascii: ";") else { return false }
            let name = skipWhitespace(line, from: index + 1)
            index = skipToken(line, from: name)
            guard index > name else { return false }
            let equals = skipWhitespace(line, from: index)
            guard equals < line.count && line[equals] == UInt8(ascii: "=") else { continue }
            let value = skipWhitespace(line, from: equals + 1)
            if value < line.count && line[value] == HTTPSyntax.dquote {
                guard let end = quotedStringEnd(line, from: value) else { return false }
                index = end
            } else {
                index = skipToken(line, from: value)
                guard index > value else { return false }
            }
        }
        return true
    }

    /// The index just past the quoted-string opening at `start` (RFC 9110 §5.6.4), or nil when
    /// it holds a control byte or is not closed on this line.
    static func quotedStringEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        while index < line.count {
            switch line[index] {
            case HTTPSyntax.dquote:
                return index + 1
            case HTTPSyntax.backslash:
                guard index + 1 < line.count && HTTPSyntax.isQuotedTextByte(line[index + 1]) else { return nil }
                index += 2
            case let byte:
                guard HTTPSyntax.isQuotedTextByte(byte) else { return nil }
                index += 1
            }
        }
        return nil
    }

    /// The index of the first byte at or after `index` that is not SP or HTAB.
    static func skipWhitespace(_ line: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        while index < line.count && HTTPSyntax.isWhitespace(line[index]) { index += 1 }
        return index
    }

    /// The index of the first byte at or after `index` that is not a `tchar`.
    static func skipToken(_ line: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        while index < line.count && HTTPSyntax.isTokenByte(line[index]) { index += 1 }
        return index
    }

    static func missingChunkEnd(_ byte: UInt8) -> PorterError {
        PorterError(.malformedChunk, "chunk data is followed by \(HTTPSyntax.describe(byte)) instead of CRLF; the chunk is longer than its size says")
    }
}
