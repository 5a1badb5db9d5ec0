import PorterCore

/// Plays the caller of ``ResponseParser`` over one wire, the way a connection does: keeps
/// the unconsumed bytes, answers `.end` with `begin` for the next pipelined response, and
/// calls `finish()` at end of input. Checks the parser's contract at every step with
/// `precondition`, so a violation crashes the fuzzer.
struct ParserDriver {
    private let fuzzCase: FuzzCase
    /// The end offset of each piece; `[wire.count]` when the wire arrives whole.
    private let pieceEnds: [Int]
    private let arrivesWhole: Bool

    private var parser: ResponseParser
    private var transcript = Transcript()
    /// Responses begun so far; names the method of the next one.
    private var responseIndex = 0
    /// Bytes of the wire consumed so far.
    private var offset = 0
    /// Where the bytes of the next head start: the end of the last event other than `.needMore`.
    private var eventEnd = 0
    /// Where the body of the current response starts on the wire, once its final head is parsed.
    private var bodyStart: Int?
    private var body: [UInt8] = []
    private var calls = 0
    /// Each call consumes bytes or reports an event that a later call cannot repeat without
    /// consuming, so the calls a wire needs are bounded by a small multiple of its length.
    private let maxCalls: Int

    /// Parses `fuzzCase.wire`, whole when `pieces` is nil, and returns what a caller saw.
    static func transcript(of fuzzCase: FuzzCase, pieces: FuzzCase.SplitPlan?) -> Transcript {
        var driver = ParserDriver(fuzzCase, pieces: pieces)
        return driver.run()
    }

    private init(_ fuzzCase: FuzzCase, pieces: FuzzCase.SplitPlan?) {
        self.fuzzCase = fuzzCase
        arrivesWhole = pieces == nil
        pieceEnds = pieces?.pieceEnds(count: fuzzCase.wire.count) ?? [fuzzCase.wire.count]
        parser = ResponseParser(limits: fuzzCase.limits)
        maxCalls = 4 * (fuzzCase.wire.count + 2) + pieceEnds.count
    }

    private mutating func run() -> Transcript {
        let wire = fuzzCase.wire
        parser.begin(requestMethod: fuzzCase.methods.method(forResponse: 0))
        for received in pieceEnds {
            if arrivesWhole {
                // libFuzzer's copy of the input ends where the wire ends: reading past it is caught.
                guard parsePiece(UnsafeRawBufferPointer(rebasing: wire[offset..<received]), from: offset) else {
                    return transcript
                }
            } else {
                // A buffer that ends exactly where the received bytes end, so that a read past
                // them is caught, as it would read unwritten memory in a real receive buffer.
                let window = UnsafeMutableRawBufferPointer.allocate(byteCount: received - offset, alignment: 1)
                defer { window.deallocate() }
                window.copyMemory(from: UnsafeRawBufferPointer(rebasing: wire[offset..<received]))
                guard parsePiece(UnsafeRawBufferPointer(window), from: offset) else { return transcript }
            }
        }
        precondition(offset <= wire.count)
        finish()
        return transcript
    }

    // MARK: - Steps

    /// Parses `buffer`, which holds the wire from `start` to the last byte received, until
    /// the parser asks for more. Returns false when the parser threw.
    private mutating func parsePiece(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Bool {
        while true {
            calls += 1
            precondition(calls <= maxCalls, "\(calls) calls to parse for a wire of \(fuzzCase.wire.count) bytes")
            let input = UnsafeRawBufferPointer(rebasing: buffer[(offset - start)...])
            let step = Result { () throws(PorterError) in try parser.parse(input) }
            let event: ResponseParser.Event
            let consumed: Int
            switch step {
            case .failure(let error):
                precondition(!error.reason.isEmpty, "\(error.code) without a reason")
                transcript.error = error.code
                transcript.reason = error.reason
                transcript.unfinishedBody = body
                return false
            case .success(let result):
                (event, consumed) = result
            }
            precondition(consumed >= 0 && consumed <= input.count, "consumed \(consumed) of \(input.count) bytes")

            switch event {
            case .needMore:
                offset += consumed
                return true
            case .head(let head):
                took(head, endingAt: offset + consumed)
            case .body(let range):
                precondition(!range.isEmpty, "an empty body event")
                precondition(range.lowerBound >= 0 && range.upperBound <= consumed, "body \(range) outside the \(consumed) bytes consumed")
                precondition(bodyStart != nil && parser.framing != nil && parser.framing != ResponseParser.Framing.none, "body bytes without a body")
                body += input[range]
                precondition(parser.bodyBytesReceived == UInt64(body.count), "bodyBytesReceived \(parser.bodyBytesReceived), \(body.count) bytes delivered")
            case .end(let trailers):
                offset += consumed
                ended(trailers: trailers)
                // After `.end` the parser leaves the rest to the caller until `begin`.
                let rest = UnsafeRawBufferPointer(rebasing: buffer[(offset - start)...])
                let again = Result { () throws(PorterError) in try parser.parse(rest) }
                guard case .success((.needMore, 0)) = again else {
                    preconditionFailure("parse after .end returned \(again), not (.needMore, 0)")
                }
                startNextResponse()
                continue
            }
            offset += consumed
            eventEnd = offset
        }
    }

    /// Checks a head against the bytes it came from.
    private mutating func took(_ head: ResponseHead, endingAt end: Int) {
        precondition(bodyStart == nil, "a head after the final head")
        // The head event reports every byte of the head: the lines consumed before it and its own.
        let wireHead = fuzzCase.wire[eventEnd..<end]
        precondition(head.rawBytes.elementsEqual(wireHead), "rawBytes are not the \(wireHead.count) bytes of the head")
        precondition(head.rawBytes.last == 0x0A, "rawBytes do not end with the empty line")
        precondition((100...999).contains(head.status), "status \(head.status)")
        transcript.heads.append(head)
        if head.isInformational && head.status != 101 {
            precondition(parser.framing == nil, "framing set by an interim head")
        } else {
            precondition(parser.framing != nil, "no framing after the final head")
            bodyStart = end
        }
    }

    /// Checks a completed response's body against its framing on the wire and records it.
    private mutating func ended(trailers: HeaderFields) {
        guard let bodyStart, let framing = parser.framing else {
            preconditionFailure(".end before the final head")
        }
        precondition(parser.bodyBytesReceived == UInt64(body.count), "bodyBytesReceived \(parser.bodyBytesReceived), \(body.count) bytes delivered")
        let wireBody = Array(fuzzCase.wire[bodyStart..<offset])
        switch framing {
        case .none:
            precondition(wireBody.isEmpty && body.isEmpty, "a bodiless response took \(wireBody.count) bytes")
        case .contentLength(let length):
            precondition(UInt64(body.count) == length && body == wireBody, "a Content-Length \(length) body is not the \(wireBody.count) bytes after the head")
        case .untilClose:
            precondition(body == wireBody, "a body read until close is not the rest of the wire")
        case .chunked:
            guard let reference = ReferenceDechunker.decode(wireBody[...]) else {
                preconditionFailure("the parser accepted a chunked body the reference cannot frame")
            }
            precondition(reference.data == body, "chunked body: \(body.count) bytes decoded, the reference finds \(reference.data.count)")
            precondition(reference.trailerFieldCount == trailers.count, "\(trailers.count) trailers, the reference counts \(reference.trailerFieldCount)")
        }
        if framing != .chunked {
            precondition(trailers.isEmpty, "trailers without a chunked body")
        }
        precondition(parser.isReusable == false || framing != .untilClose, "reusable after a body read until close")
        transcript.bodies.append(body)
        transcript.trailers.append(trailers)
        transcript.framings.append(framing)
        transcript.reusable.append(parser.isReusable)
    }

    private mutating func startNextResponse() {
        responseIndex += 1
        parser.begin(requestMethod: fuzzCase.methods.method(forResponse: responseIndex))
        precondition(parser.framing == nil && parser.bodyBytesReceived == 0 && !parser.isReusable, "begin left state behind")
        bodyStart = nil
        body = []
        eventEnd = offset
    }

    /// Signals end of input, as when the server closes the connection.
    private mutating func finish() {
        switch Result(catching: { () throws(PorterError) in try parser.finish() }) {
        case .failure(let error):
            precondition(!error.reason.isEmpty, "\(error.code) without a reason")
            transcript.error = error.code
            transcript.reason = error.reason
            transcript.unfinishedBody = body
        case .success(.end(let trailers)):
            ended(trailers: trailers)
        case .success(let event):
            preconditionFailure("finish() returned \(event)")
        }
    }
}
