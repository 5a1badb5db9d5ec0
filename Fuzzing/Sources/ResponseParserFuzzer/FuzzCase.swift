import PorterCore

/// One fuzzer input decoded: how to parse, and the bytes to parse.
///
/// Byte 0: bits 0-1 pick the request methods (``MethodPlan``), bit 2 picks tight limits,
/// bits 3-7 seed random piece sizes. Byte 1 picks how the wire is split (``SplitPlan``).
/// The rest is the wire: one or more responses as a server sent them.
struct FuzzCase {
    /// Which request each response in the wire answers.
    enum MethodPlan: CaseIterable {
        case get
        case head
        /// HEAD for the first response, GET for the rest.
        case headThenGet
        /// CONNECT for the first response, GET for the rest.
        case connectThenGet

        /// The method of the request that response number `index` (from 0) answers.
        func method(forResponse index: Int) -> String {
            switch self {
            case .get: "GET"
            case .head: "HEAD"
            case .headThenGet: index == 0 ? "HEAD" : "GET"
            case .connectThenGet: index == 0 ? "CONNECT" : "GET"
            }
        }
    }

    /// How the wire arrives when it does not arrive whole.
    enum SplitPlan: CustomStringConvertible {
        /// Every piece this many bytes long (the last one may be shorter).
        case fixed(Int)
        /// Pieces of 1 to `maxSize` bytes, sizes drawn from a generator seeded with `seed`.
        case random(maxSize: Int, seed: UInt32)

        var description: String {
            switch self {
            case .fixed(let size): "pieces of \(size) bytes"
            case .random(let maxSize, let seed): "random pieces of 1-\(maxSize) bytes, seed \(seed)"
            }
        }

        /// The end offset of each piece of a wire of `count` bytes; the last one is `count`.
        func pieceEnds(count: Int) -> [Int] {
            var ends: [Int] = []
            var end = 0
            switch self {
            case .fixed(let size):
                while end < count {
                    end = min(end + size, count)
                    ends.append(end)
                }
            case .random(let maxSize, let seed):
                // xorshift32: cheap, and the same sizes for the same input on every run.
                var state = seed | 1
                while end < count {
                    state ^= state << 13
                    state ^= state >> 17
                    state ^= state << 5
                    end = min(end + 1 + Int(state % UInt32(maxSize)), count)
                    ends.append(end)
                }
            }
            return ends.isEmpty ? [0] : ends
        }
    }

    /// Limits small enough that the fuzzer reaches every limit check in a short input.
    static let smallLimits = ResponseParser.Limits(maxHeadBytes: 4096, maxFieldCount: 64, maxChunkLineBytes: 256)
    /// Limits a handful of lines exceed.
    static let tightLimits = ResponseParser.Limits(maxHeadBytes: 200, maxFieldCount: 4, maxChunkLineBytes: 12)

    var methods: MethodPlan
    var limits: ResponseParser.Limits
    var split: SplitPlan
    /// The bytes the server sent; memory owned by libFuzzer for the duration of the call.
    var wire: UnsafeRawBufferPointer

    /// Decodes an input; nil when it is too short to hold the option bytes.
    init?(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 2 else { return nil }
        let options = input[0]
        let splitByte = input[1]
        methods = MethodPlan.allCases[Int(options & 0b11)]
        limits = options & 0b100 != 0 ? Self.tightLimits : Self.smallLimits
        switch splitByte {
        case 0:
            split = .fixed(1)
        case 1..<128:
            split = .fixed(Int(splitByte))
        default:
            split = .random(maxSize: Int(splitByte - 127), seed: UInt32(options >> 3) &* 0x9E37_79B9)
        }
        wire = UnsafeRawBufferPointer(rebasing: input[2...])
    }
}
