import PorterCore

/// libFuzzer's entry point: parses one input twice, whole and in pieces, and crashes when
/// the parser breaks its contract or the two readings disagree.
///
/// Input layout (see ``FuzzCase``): two option bytes, then the bytes a server sent.
/// A thrown ``PorterError`` is a correct answer to malformed input, not a failure.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseParser(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    guard let fuzzCase = FuzzCase(UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    let whole = ParserDriver.transcript(of: fuzzCase, pieces: nil)
    let pieces = ParserDriver.transcript(of: fuzzCase, pieces: fuzzCase.split)
    if whole != pieces {
        fatalError(
            """
            parsing in pieces (\(fuzzCase.split)) disagrees with parsing the whole input
              whole:  \(whole)
              pieces: \(pieces)
            """
        )
    }
    return 0
}
