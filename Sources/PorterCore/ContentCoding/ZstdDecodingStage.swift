internal import CZstd

/// Decodes the `zstd` coding (RFC 9659) with libzstd.
///
/// Frames may follow one another, and skippable frames may sit between them: all are
/// decoded in turn, and the body must end on a frame boundary. Bytes that are not a
/// frame are an error. Frames that need a window above 8 MiB are refused, as
/// RFC 9659 §3 allows, which bounds the decoder's memory whatever the stream asks for.
final class ZstdDecodingStage: ContentDecodingStage {
    /// 2^23 bytes: the 8 MiB window RFC 9659 §3 says recipients must support.
    static let maximumWindowLog: Int32 = 23

    private let coding = ContentCoding.zstd
    private let context: OpaquePointer
    private let buffer = DecodingBuffer()
    /// Compressed bytes the decoder has taken, for error messages.
    private var position: UInt64 = 0
    /// Whether the last frame is completely decoded and flushed: `ZSTD_decompressStream` returned 0.
    private var isAtFrameBoundary = true

    init() throws(PorterError) {
        guard let context = ZSTD_createDCtx() else {
            throw ContentCoding.zstd.cannotStart("zstd could not allocate a decoder")
        }
        let result = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Self.maximumWindowLog)
        guard ZSTD_isError(result) == 0 else {
            ZSTD_freeDCtx(context)
            throw ContentCoding.zstd.cannotStart("zstd says \"\(String(cString: ZSTD_getErrorName(result)))\"")
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    func decode(_ input: UnsafeRawBufferPointer, output: DecodedBytesSink) throws(PorterError) {
        guard !input.isEmpty else { return }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let startPosition = position
        var filledBuffer = false
        repeat {
            var sink = ZSTD_outBuffer(dst: buffer.bytes.baseAddress, size: buffer.bytes.count, pos: 0)
            let result = ZSTD_decompressStream(context, &sink, &source)
            position = startPosition + UInt64(source.pos)
            guard ZSTD_isError(result) == 0 else { throw coding.corrupt(at: position, describe(result)) }
            isAtFrameBoundary = result == 0
            if sink.pos > 0 { try output(buffer.prefix(sink.pos)) }
            // A full buffer may leave decoded bytes inside zstd: call again to flush them.
            filledBuffer = sink.pos == sink.size
        } while source.pos < source.size || filledBuffer
    }

    func finish(output: DecodedBytesSink) throws(PorterError) {
        guard isAtFrameBoundary else { throw coding.endedEarly(at: position) }
    }

    /// What zstd said about a failed call, with the RFC 9659 limit spelled out.
    private func describe(_ result: Int) -> String {
        let said = "zstd says \"\(String(cString: ZSTD_getErrorName(result)))\""
        guard ZSTD_getErrorCode(result) == ZSTD_error_frameParameter_windowTooLarge else { return said }
        return "\(said): the frame needs a window above the 8 MiB that RFC 9659 §3 requires recipients to support"
    }
}
