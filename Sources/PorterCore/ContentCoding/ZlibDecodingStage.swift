internal import CZlib

/// Inflates the `gzip` and `deflate` codings with zlib.
///
/// **gzip** (RFC 9110 §8.4.1.3). The first member is read with zlib's header
/// detection, so a zlib stream mislabelled `gzip` still decodes, as in curl.
/// Members that follow are decoded in turn (RFC 1952 §2.2: a gzip file is a series
/// of members), as `gunzip`, zlib's `gzread` and browsers do; curl instead fails on
/// a second member. Anything after the last member that does not begin with the
/// gzip magic `1f 8b` is an error, as in curl (browsers and `gzread` drop it, but
/// stray bytes there mean the body is not what the server meant to send).
///
/// **deflate** (RFC 9110 §8.4.1.2) means a zlib stream (RFC 1950), but some servers
/// send raw deflate (RFC 1951). The first two bytes decide, as in browsers: a valid
/// zlib header (method 8, a window of at most 32 KiB, the check bits right, no preset
/// dictionary) means zlib, anything else raw deflate. This also works when the two
/// bytes arrive in separate calls, where curl's retry-on-error fallback cannot. A raw
/// stream whose first block is stored, not final, padded with zero bits and 29 bytes
/// long modulo 256 looks like a zlib header and fails: no compressor zlib or the
/// browsers know writes that. After a raw stream up to four bytes are allowed, as
/// curl allows, for servers that strip the zlib header but keep the Adler-32 trailer.
///
/// The window is at most 32 KiB, so the stage holds little beyond its output buffer.
final class ZlibDecodingStage: ContentDecodingStage {
    /// Which coding this stage undoes.
    enum Format {
        case gzip
        case deflate
    }

    private enum State {
        /// No input yet.
        case start
        /// deflate: one byte seen, held until the second decides zlib or raw.
        case sniffing(firstByte: UInt8)
        /// zlib is decoding a stream or a gzip member.
        case inflating
        /// gzip: a member ended; another may follow, starting with `1f 8b`.
        case betweenMembers(sawFirstMagicByte: Bool)
        /// The stream is complete; `allowance` more bytes may still follow.
        case ended(allowance: Int)
    }

    /// zlib's `windowBits` for a 32 KiB window: wrapped in zlib's format.
    private static let zlibWindowBits = MAX_WBITS
    /// Negative `windowBits`: raw deflate, no header or trailer.
    private static let rawWindowBits = -MAX_WBITS
    /// `+ 16`: a gzip member only.
    private static let gzipWindowBits = MAX_WBITS + 16
    /// `+ 32`: a gzip member or a zlib stream, told apart by the header.
    private static let gzipOrZlibWindowBits = MAX_WBITS + 32
    /// Bytes allowed after a raw deflate stream (a stray Adler-32, as curl allows).
    private static let rawTrailerAllowance = 4
    /// The gzip member magic (RFC 1952 §2.3.1).
    private static let gzipMagic: (UInt8, UInt8) = (0x1f, 0x8b)

    private let format: Format
    private let coding: ContentCoding
    private let stream: UnsafeMutablePointer<z_stream>
    private var isStreamInitialized = false
    private var state = State.start
    private var allowanceAfterEnd = 0
    private let buffer = DecodingBuffer()
    /// Compressed bytes zlib has taken, for error messages.
    private var position: UInt64 = 0

    init(format: Format) {
        self.format = format
        coding = format == .gzip ? .gzip : .deflate
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if isStreamInitialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func decode(_ input: UnsafeRawBufferPointer, output: DecodedBytesSink) throws(PorterError) {
        var rest = input
        while let byte = rest.first {
            switch state {
            case .start:
                switch format {
                case .gzip:
                    try start(windowBits: Self.gzipOrZlibWindowBits, allowanceAfterEnd: 0)
                case .deflate:
                    state = .sniffing(firstByte: byte)
                    rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())
                }

            case .sniffing(let first):
                if Self.isZlibHeader(first, byte) {
                    try start(windowBits: Self.zlibWindowBits, allowanceAfterEnd: 0)
                } else {
                    try start(windowBits: Self.rawWindowBits, allowanceAfterEnd: Self.rawTrailerAllowance)
                }
                try inflate(heldByte: first, output: output)

            case .inflating:
                rest = try inflate(rest, output: output)

            case .betweenMembers(sawFirstMagicByte: false):
                guard byte == Self.gzipMagic.0 else { throw coding.trailingData(at: position) }
                state = .betweenMembers(sawFirstMagicByte: true)
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())

            case .betweenMembers(sawFirstMagicByte: true):
                guard byte == Self.gzipMagic.1 else { throw coding.trailingData(at: position) }
                guard inflateReset2(stream, Self.gzipWindowBits) == Z_OK else {
                    throw coding.cannotStart("zlib could not reset for the next gzip member")
                }
                state = .inflating
                try inflate(heldByte: Self.gzipMagic.0, output: output)

            case .ended(let allowance):
                guard rest.count <= allowance else { throw coding.trailingData(at: position) }
                state = .ended(allowance: allowance - rest.count)
                position += UInt64(rest.count)
                rest = UnsafeRawBufferPointer(start: nil, count: 0)
            }
        }
    }

    func finish(output: DecodedBytesSink) throws(PorterError) {
        switch state {
        case .start, .ended, .betweenMembers(sawFirstMagicByte: false):
            return
        case .sniffing, .inflating, .betweenMembers(sawFirstMagicByte: true):
            throw coding.endedEarly(at: position)
        }
    }

    // MARK: - zlib

    /// Whether two bytes form a zlib header HTTP can use (RFC 1950 §2.2).
    static func isZlibHeader(_ first: UInt8, _ second: UInt8) -> Bool {
        let method = first & 0x0f  // CM: 8 is deflate
        let windowLog = first >> 4  // CINFO: at most 7, a 32 KiB window
        let checks = (UInt16(first) << 8 | UInt16(second)) % 31 == 0  // FCHECK
        let presetDictionary = second & 0x20 != 0  // FDICT: HTTP has no way to name one
        return method == 8 && windowLog <= 7 && checks && !presetDictionary
    }

    private func start(windowBits: Int32, allowanceAfterEnd: Int) throws(PorterError) {
        let status = CZlib_inflateInit2(stream, windowBits)
        guard status == Z_OK else { throw coding.cannotStart("zlib says \(zlibMessage(status))") }
        isStreamInitialized = true
        self.allowanceAfterEnd = allowanceAfterEnd
        state = .inflating
    }

    /// Inflates a byte held back from an earlier call.
    private func inflate(heldByte: UInt8, output: DecodedBytesSink) throws(PorterError) {
        var byte = heldByte
        let rest = try withUnsafeMutableBytes(of: &byte) { bytes throws(PorterError) in
            try inflate(UnsafeRawBufferPointer(bytes), output: output)
        }
        // One byte cannot finish a gzip member or a zlib stream.
        assert(rest.isEmpty)
    }

    /// Inflates `input` until it is used up or the stream ends; returns the bytes after the end.
    private func inflate(_ input: UnsafeRawBufferPointer, output: DecodedBytesSink) throws(PorterError) -> UnsafeRawBufferPointer {
        // avail_in is 32 bits wide: a larger input goes in over several calls.
        let count = min(input.count, Int(UInt32.max))
        let startPosition = position
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            stream.pointee.next_out = buffer.bytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.bytes.count)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let used = count - Int(stream.pointee.avail_in)
            position = startPosition + UInt64(used)
            let produced = buffer.bytes.count - Int(stream.pointee.avail_out)
            if produced > 0, status == Z_OK || status == Z_STREAM_END {
                try output(buffer.prefix(produced))
            }
            switch status {
            case Z_OK:
                // A full buffer may leave output pending inside zlib; otherwise it wants input.
                if stream.pointee.avail_out != 0, stream.pointee.avail_in == 0 {
                    return UnsafeRawBufferPointer(rebasing: input[used...])
                }
            case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                // Nothing pending and no input left: not an error in the middle of a stream.
                return UnsafeRawBufferPointer(rebasing: input[used...])
            case Z_STREAM_END:
                state = format == .gzip ? .betweenMembers(sawFirstMagicByte: false) : .ended(allowance: allowanceAfterEnd)
                return UnsafeRawBufferPointer(rebasing: input[used...])
            case Z_NEED_DICT:
                throw coding.corrupt(at: position, "the stream needs a preset dictionary, which HTTP cannot name")
            default:
                throw coding.corrupt(at: position, "zlib says \(zlibMessage(status))")
            }
        }
    }

    /// zlib's message for the last failure, or the name of `status`.
    private func zlibMessage(_ status: Int32) -> String {
        if let message = stream.pointee.msg { return "\"\(String(cString: message))\"" }
        switch status {
        case Z_DATA_ERROR: return "Z_DATA_ERROR"
        case Z_MEM_ERROR: return "Z_MEM_ERROR (out of memory)"
        case Z_STREAM_ERROR: return "Z_STREAM_ERROR"
        case Z_BUF_ERROR: return "Z_BUF_ERROR"
        case Z_VERSION_ERROR: return "Z_VERSION_ERROR (incompatible zlib)"
        default: return "status \(status)"
        }
    }
}
