/// A deliberately plain reading of a chunked body (RFC 9112 §7.1), used to check what
/// ``ResponseParser`` decoded from a chunked body it accepted.
///
/// It checks no syntax the parser checks (extensions, size overflow, trailer fields): it
/// only follows the framing, so on any input the parser accepted it must find the same
/// data and the same end.
enum ReferenceDechunker {
    /// What the framing of a complete chunked body holds.
    struct Result: Equatable {
        var data: [UInt8]
        /// Trailer lines that start a field (obs-fold continuations excluded).
        var trailerFieldCount: Int
    }

    /// Decodes `wire`, which must hold exactly one chunked body from its first chunk-size
    /// line through the empty line after the trailers; nil when the framing does not fit.
    static func decode(_ wire: ArraySlice<UInt8>) -> Result? {
        var index = wire.startIndex
        var data: [UInt8] = []

        /// The line starting at `index` without its LF (nor a CR before it); moves past the LF.
        func nextLine() -> ArraySlice<UInt8>? {
            guard let lf = wire[index...].firstIndex(of: 0x0A) else { return nil }
            let line = wire[index..<lf]
            index = lf + 1
            return line.last == 0x0D ? line.dropLast() : line
        }

        while true {
            guard let line = nextLine() else { return nil }
            var size = 0
            var digits = 0
            for byte in line {
                guard let digit = hexValue(byte) else { break }
                // Anything above the input's length cannot fit; no need to go on counting.
                guard size <= wire.count else { return nil }
                size = size * 16 + digit
                digits += 1
            }
            guard digits > 0 else { return nil }
            if size == 0 { break }
            guard wire.endIndex - index >= size else { return nil }
            data += wire[index..<index + size]
            index += size
            if index < wire.endIndex && wire[index] == 0x0D { index += 1 }
            guard index < wire.endIndex && wire[index] == 0x0A else { return nil }
            index += 1
        }

        var trailerFieldCount = 0
        while true {
            guard let line = nextLine() else { return nil }
            if line.isEmpty { break }
            if line.first != 0x20 && line.first != 0x09 { trailerFieldCount += 1 }
        }
        guard index == wire.endIndex else { return nil }
        return Result(data: data, trailerFieldCount: trailerFieldCount)
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
