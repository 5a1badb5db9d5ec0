import Testing
@testable import PorterCore

/// Everything a caller observes while parsing one wire capture: compared across feeding strategies.
struct ParseOutcome: Equatable, CustomStringConvertible {
    /// Every head in order, interim ones included.
    var heads: [ResponseHead] = []
    /// The body of each completed response.
    var bodies: [[UInt8]] = []
    /// The trailers of each completed response.
    var trailers: [HeaderFields] = []
    /// `framing` of each completed response.
    var framings: [ResponseParser.Framing?] = []
    /// `isReusable` of each completed response.
    var reusable: [Bool] = []
    /// The code of the error that stopped parsing, if any.
    var error: PorterError.Code?
    /// The reason of that error.
    var reason: String?
    /// Bytes left in the caller's buffer after the last response ended (empty after an error).
    var leftover: [UInt8] = []

    static func == (a: ParseOutcome, b: ParseOutcome) -> Bool {
        a.heads == b.heads && a.bodies == b.bodies && a.trailers == b.trailers && a.framings == b.framings
            && a.reusable == b.reusable && a.error == b.error && a.leftover == b.leftover
    }

    var statuses: [Int] { heads.map(\.status) }
    var bodyStrings: [String] { bodies.map { String(decoding: $0, as: UTF8.self) } }

    var description: String {
        "statuses \(statuses) bodies \(bodyStrings) trailers \(trailers.map(\.fields)) framings \(framings) "
            + "reusable \(reusable) error \(error?.name ?? "none") (\(reason ?? "")) leftover \(leftover.count) bytes"
    }
}

/// Plays the caller of ``ResponseParser``: keeps a receive buffer, honours the consumed
/// contract, answers `.end` with `begin` for the next expected response, and calls
/// `finish()` at end of input.
enum ParserHarness {
    /// Feeds `pieces` in order as if each arrived from one `read`, then signals EOF.
    static func run(
        _ pieces: [ArraySlice<UInt8>],
        methods: [String] = ["GET"],
        limits: ResponseParser.Limits = .init()
    ) -> ParseOutcome {
        var parser = ResponseParser(limits: limits)
        var outcome = ParseOutcome()
        var buffer: [UInt8] = []
        var body: [UInt8] = []
        var nextMethod = 0
        var finished = false

        func recordEnd(_ trailers: HeaderFields, _ parser: inout ResponseParser) {
            #expect(parser.bodyBytesReceived == UInt64(body.count))
            outcome.bodies.append(body)
            outcome.trailers.append(trailers)
            outcome.framings.append(parser.framing)
            outcome.reusable.append(parser.isReusable)
            body = []
            if nextMethod < methods.count {
                parser.begin(requestMethod: methods[nextMethod])
                nextMethod += 1
            } else {
                finished = true
            }
        }

        func fail(_ error: PorterError) {
            outcome.error = error.code
            outcome.reason = error.reason
        }

        parser.begin(requestMethod: methods[0])
        nextMethod = 1
        feeding: for piece in pieces {
            buffer.append(contentsOf: piece)
            while !finished {
                let step = buffer.withUnsafeBytes { raw in
                    Result { () throws(PorterError) in try parser.parse(raw) }
                }
                switch step {
                case .failure(let error):
                    fail(error)
                    break feeding
                case .success(let (event, consumed)):
                    #expect(consumed >= 0 && consumed <= buffer.count)
                    switch event {
                    case .needMore:
                        buffer.removeFirst(consumed)
                        continue feeding
                    case .head(let head):
                        outcome.heads.append(head)
                    case .body(let range):
                        #expect(!range.isEmpty, "a body event is never empty")
                        #expect(range.lowerBound >= 0 && range.upperBound <= consumed, "body bytes lie within the consumed bytes")
                        body.append(contentsOf: buffer[range])
                    case .end(let trailers):
                        recordEnd(trailers, &parser)
                    }
                    buffer.removeFirst(consumed)
                }
            }
        }

        if outcome.error == nil {
            if finished {
                // After the last `.end` the parser must leave leftover bytes alone.
                let after = buffer.withUnsafeBytes { raw in
                    Result { () throws(PorterError) in try parser.parse(raw) }
                }
                if case .success(let (event, consumed)) = after {
                    #expect(event == .needMore && consumed == 0, "parse after .end consumes nothing")
                } else {
                    Issue.record("parse after .end threw")
                }
            } else {
                switch Result(catching: { () throws(PorterError) in try parser.finish() }) {
                case .failure(let error):
                    fail(error)
                case .success(.end(let trailers)):
                    recordEnd(trailers, &parser)
                case .success(let event):
                    Issue.record("finish() returned \(event)")
                }
            }
        }
        // After an error the connection is dropped: what was left unread depends on the split.
        outcome.leftover = outcome.error == nil ? buffer : []
        return outcome
    }

    /// Parses `wire` whole, split in two at every byte boundary (when `everySplit`), and one
    /// byte at a time; expects all runs to agree and returns the whole-input outcome.
    static func parseAllWays(
        _ wire: [UInt8],
        methods: [String] = ["GET"],
        limits: ResponseParser.Limits = .init(),
        everySplit: Bool = true
    ) -> ParseOutcome {
        let whole = run([wire[...]], methods: methods, limits: limits)

        if everySplit {
            for split in 0...wire.count {
                let outcome = run([wire[..<split], wire[split...]], methods: methods, limits: limits)
                if outcome != whole {
                    Issue.record("split at byte \(split) gives \(outcome), whole input gives \(whole)")
                    break
                }
            }
        }

        let drip = run(wire.indices.map { wire[$0...$0] }, methods: methods, limits: limits)
        #expect(drip == whole, "one byte at a time gives \(drip), whole input gives \(whole)")
        return whole
    }
}

extension Array where Element == UInt8 {
    /// The UTF-8 bytes of a fixture string.
    init(wire: String) { self = Array(wire.utf8) }
}
