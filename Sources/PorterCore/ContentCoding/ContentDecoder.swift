/// Decodes a response body's content codings as the bytes arrive, in bounded memory.
///
/// Make one decoder per body from the codings its `Content-Encoding` (or its
/// `Transfer-Encoding` without `chunked`) lists, feed each piece of the body to
/// ``decode(_:output:)`` as it arrives, then call ``finish(output:)`` once at its end.
/// Decoded bytes reach `output` as soon as they exist, in pieces of at most 64 KiB
/// (without codings, the input pieces themselves); each piece is valid only during
/// that call.
///
/// Codings (RFC 9110 §8.4.1): `gzip` (also `x-gzip`), `deflate` (zlib-wrapped, or
/// raw deflate from servers that send that), `br`, `zstd`, and `identity`, which
/// does nothing. ``acceptEncodingValue`` lists them for a request.
///
/// Memory does not grow with the body: each coding holds one 64 KiB output buffer and
/// its decompressor's state (a 32 KiB zlib window, a brotli ring buffer of at most
/// 16 MiB, a zstd window of at most 8 MiB), and stacked codings pass each buffer
/// straight to the next. With a ``maximumOutputBytes`` limit a decompression bomb
/// stops as soon as its output would cross the limit, without decoding the rest.
///
/// Not copyable: it owns C decompressor state, freed when the decoder goes away.
/// Use it from one task at a time. Once a call throws, every later call throws the
/// same error.
public struct ContentDecoder: ~Copyable {
    /// The `Accept-Encoding` value for a request that asks for compressed responses:
    /// every coding Porter decodes, in no order of preference.
    public static let acceptEncodingValue = ContentCoding.allCases.map(\.rawValue).joined(separator: ", ")

    /// The most codings one body may stack; more are refused (CVE-2022-32206, curl's
    /// `MAX_ENCODE_STACK`): each would cost a decompressor and a buffer.
    public static let maximumCodingCount = 5

    /// The most decoded bytes the decoder will hand out, or `nil` for no limit.
    public let maximumOutputBytes: UInt64?

    /// Decoded bytes handed to `output` so far.
    public private(set) var decodedByteCount: UInt64 = 0

    /// The codings to undo, lower-case, in the order they are undone: the last one applied comes first.
    public let decodingOrder: [String]

    /// One stage per coding, in ``decodingOrder``.
    private let stages: [any ContentDecodingStage]
    private var failure: PorterError?
    private var isFinished = false

    /// Creates a decoder for codings listed in the order they were applied.
    ///
    /// `["gzip", "br"]` means the server gzipped the content and then compressed that
    /// with brotli, so decoding undoes `br` first, then `gzip`. Names are
    /// case-insensitive and may carry surrounding spaces; `identity` and empty
    /// names are skipped and `x-gzip` is `gzip`. No codings at all (or only
    /// `identity`) passes bytes through, still counted against the limit.
    ///
    /// - Throws: ``PorterError/Code/unsupportedContentEncoding`` naming a coding
    ///   Porter cannot decode; ``PorterError/Code/badContentEncoding`` when more than
    ///   ``maximumCodingCount`` codings are stacked.
    public init(codings: [String], maximumOutputBytes: UInt64? = nil) throws(PorterError) {
        var applied: [ContentCoding] = []
        for name in codings {
            let token = ContentCoding.normalized(name)
            // "none" is not registered, but servers send it for identity, and curl accepts it.
            guard !token.isEmpty, token != "identity", token != "none" else { continue }
            guard let coding = ContentCoding(token: token) else {
                throw PorterError(
                    .unsupportedContentEncoding,
                    "the body uses the content coding \"\(token)\", which Porter cannot decode "
                        + "(it decodes \(ContentCoding.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            applied.append(coding)
        }
        // CVE-2022-32206: a server could otherwise make the client stack unbounded decompressors.
        guard applied.count <= Self.maximumCodingCount else {
            throw PorterError(
                .badContentEncoding,
                "the body stacks \(applied.count) content codings; Porter undoes at most \(Self.maximumCodingCount)"
            )
        }
        var stages: [any ContentDecodingStage] = []
        for coding in applied.reversed() {
            stages.append(try coding.makeStage())
        }
        self.stages = stages
        self.decodingOrder = applied.reversed().map(\.rawValue)
        self.maximumOutputBytes = maximumOutputBytes
    }

    /// Decodes the next piece of the coded body, handing decoded bytes to `output`.
    ///
    /// Calls `output` zero or more times; the buffer it gets is valid only during that
    /// call. An error thrown by `output` ends decoding: a ``PorterError`` is rethrown as
    /// it is, anything else becomes ``PorterError/Code/writeFailed``.
    ///
    /// - Precondition: ``finish(output:)`` has not been called.
    /// - Throws: ``PorterError/Code/badContentEncoding`` for corrupt data or bytes after
    ///   the end of a stream; ``PorterError/Code/maximumFileSizeExceeded`` when the
    ///   decoded body would grow past ``maximumOutputBytes``.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer,
        output: (UnsafeRawBufferPointer) throws -> Void
    ) throws(PorterError) {
        precondition(!isFinished, "ContentDecoder.decode(_:output:) called after finish(output:)")
        if let failure { throw failure }
        let stages = self.stages
        do {
            try Self.pump(input, through: stages[...]) { bytes throws(PorterError) in
                try self.deliver(bytes, to: output)
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// Ends the body: checks that every coded stream is complete and hands on anything left.
    ///
    /// Call it once, after the last ``decode(_:output:)``; calling it again does nothing.
    /// A body with no bytes at all is complete (a server may label an empty body).
    ///
    /// - Throws: ``PorterError/Code/badContentEncoding`` when a stream ended early
    ///   (the body was cut short), or any error ``decode(_:output:)`` throws.
    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws(PorterError) {
        if let failure { throw failure }
        guard !isFinished else { return }
        let stages = self.stages
        do {
            for index in stages.indices {
                try stages[index].finish { bytes throws(PorterError) in
                    try Self.pump(bytes, through: stages[(index + 1)...]) { decoded throws(PorterError) in
                        try self.deliver(decoded, to: output)
                    }
                }
            }
        } catch {
            failure = error
            throw error
        }
        isFinished = true
    }

    // MARK: - Pipeline

    /// Passes `input` through `stages` in turn, each stage's output feeding the next.
    private static func pump(
        _ input: UnsafeRawBufferPointer,
        through stages: ArraySlice<any ContentDecodingStage>,
        into sink: DecodedBytesSink
    ) throws(PorterError) {
        guard let stage = stages.first else {
            try sink(input)
            return
        }
        let rest = stages.dropFirst()
        try stage.decode(input) { bytes throws(PorterError) in
            try pump(bytes, through: rest, into: sink)
        }
    }

    /// Counts decoded bytes against the limit and hands them to the caller.
    private mutating func deliver(
        _ bytes: UnsafeRawBufferPointer,
        to output: (UnsafeRawBufferPointer) throws -> Void
    ) throws(PorterError) {
        guard !bytes.isEmpty else { return }
        let total = decodedByteCount + UInt64(bytes.count)
        if let maximumOutputBytes, total > maximumOutputBytes {
            // Undecoded bytes: hand out what fits, so the output holds exactly the allowed bytes.
            // Decoded ones: stop before the piece that crosses, as the bomb has shown what it is.
            let room = Int(maximumOutputBytes - decodedByteCount)
            if room > 0 && stages.isEmpty {
                do {
                    try output(UnsafeRawBufferPointer(rebasing: bytes[..<room]))
                } catch let error as PorterError {
                    throw error
                } catch {
                    throw PorterError(.writeFailed, "writing the decoded body failed: \(error)")
                }
                decodedByteCount = maximumOutputBytes
            }
            throw PorterError(
                .maximumFileSizeExceeded,
                "the decoded body grew past the limit of \(maximumOutputBytes) bytes; "
                    + "decoding stopped after \(decodedByteCount) bytes"
            )
        }
        do {
            try output(bytes)
        } catch let error as PorterError {
            throw error
        } catch {
            throw PorterError(.writeFailed, "writing the decoded body failed: \(error)")
        }
        decodedByteCount = total
    }
}
