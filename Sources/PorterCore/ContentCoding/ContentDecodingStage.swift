/// Where a decoding stage hands its decoded bytes; the buffer is valid only during the call.
typealias DecodedBytesSink = (UnsafeRawBufferPointer) throws(PorterError) -> Void

/// One content coding's decompressor inside a ``ContentDecoder``.
///
/// A stage owns its C state and one ``DecodingBuffer`` and frees both in `deinit`.
/// It is used from one task at a time, by the decoder that made it, and is not used
/// again after it throws.
protocol ContentDecodingStage: AnyObject {
    /// Decodes all of `input`, handing decoded bytes to `output` one buffer at a time.
    func decode(_ input: UnsafeRawBufferPointer, output: DecodedBytesSink) throws(PorterError)

    /// Checks that the coded stream is complete now that no more input will come,
    /// handing on anything still held.
    func finish(output: DecodedBytesSink) throws(PorterError)
}
