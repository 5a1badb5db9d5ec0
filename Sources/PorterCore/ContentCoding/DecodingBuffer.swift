/// The fixed output buffer a decoding stage reuses for every call, freed with its stage.
///
/// Its size bounds what one stage holds between calls to its output: a body of any
/// length goes through the same buffer, a piece at a time.
struct DecodingBuffer: ~Copyable {
    /// 64 KiB: few enough calls per megabyte, and five stacked codings still hold
    /// well under a megabyte of output buffers.
    static let defaultByteCount = 64 * 1024

    /// The whole buffer, for a decompressor to write into.
    let bytes: UnsafeMutableRawBufferPointer

    init(byteCount: Int = DecodingBuffer.defaultByteCount) {
        bytes = .allocate(byteCount: byteCount, alignment: 16)
    }

    deinit { bytes.deallocate() }

    /// The first `count` bytes, as handed to a stage's output.
    func prefix(_ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[..<count])
    }
}
