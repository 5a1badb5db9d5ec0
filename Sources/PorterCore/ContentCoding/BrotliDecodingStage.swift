internal import CBrotli

/// Decodes the `br` coding (RFC 7932, RFC 9110 §8.4.1) with the brotli library.
///
/// Large windows, a non-standard extension, stay off, so the decoder's ring buffer
/// is at most 16 MiB whatever the stream asks for. A body holds one brotli stream:
/// bytes after its end are an error, as in curl.
final class BrotliDecodingStage: ContentDecodingStage {
    private let coding = ContentCoding.br
    private let state: OpaquePointer
    private let buffer = DecodingBuffer()
    /// Compressed bytes the decoder has taken, for error messages.
    private var position: UInt64 = 0
    private var isComplete = false

    init() throws(PorterError) {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else {
            throw ContentCoding.br.cannotStart("brotli could not allocate a decoder")
        }
        self.state = state
    }

    deinit { BrotliDecoderDestroyInstance(state) }

    func decode(_ input: UnsafeRawBufferPointer, output: DecodedBytesSink) throws(PorterError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        guard !isComplete else { throw coding.trailingData(at: position) }
        var availableIn = input.count
        var nextIn: UnsafePointer<UInt8>? = base.assumingMemoryBound(to: UInt8.self)
        let startPosition = position
        while true {
            var availableOut = buffer.bytes.count
            var nextOut: UnsafeMutablePointer<UInt8>? = buffer.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
            position = startPosition + UInt64(input.count - availableIn)
            let produced = buffer.bytes.count - availableOut
            if produced > 0, result != BROTLI_DECODER_RESULT_ERROR {
                try output(buffer.prefix(produced))
            }
            switch result {
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                continue
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                return
            case BROTLI_DECODER_RESULT_SUCCESS:
                isComplete = true
                guard availableIn == 0 else { throw coding.trailingData(at: position) }
                return
            default:
                throw coding.corrupt(at: position, "brotli says \(errorName())")
            }
        }
    }

    func finish(output: DecodedBytesSink) throws(PorterError) {
        // No input at all is an empty body, not a cut one.
        guard position == 0 || isComplete else { throw coding.endedEarly(at: position) }
    }

    /// The decoder's name and number for its error, e.g. `PADDING_1 (error -14)`.
    private func errorName() -> String {
        let code = BrotliDecoderGetErrorCode(state)
        guard let name = BrotliDecoderErrorString(code) else { return "error \(code.rawValue)" }
        let text = String(cString: name)
        return "\(text.hasPrefix("_") ? String(text.dropFirst()) : text) (error \(code.rawValue))"
    }
}
