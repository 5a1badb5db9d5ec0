import Foundation
import PorterTestSupport
import Testing
import PorterCore

// The response tests of llhttp (nodejs/llhttp v9.4.2, test/response/*.md), replayed through
// ResponseParser. The corpus is kept in Tests/Corpora (or read from $PORTER_CORPUS_DIR); its
// README describes the format and the origin.
//
// Each case is parsed whole, split in two at every byte boundary, and one byte at a time; the
// three must agree. The result is then compared with what llhttp reported for the same bytes
// (with the case's lenient flags). Where Porter differs on purpose, the difference is stated
// once in `ParserPolicy.all`, and the case must then produce exactly what that row says.

// MARK: - Policy

/// A deliberate difference between Porter and llhttp's default behaviour, stated once.
struct ParserPolicy: Sendable {
    /// A short stable name, used in the results and in docs/CONFORMANCE-llhttp.md.
    let id: String
    /// What Porter does.
    let porter: String
    /// What llhttp does by default (or under the lenient flag that the cases name).
    let llhttp: String
    /// The section of RFC 9112 or RFC 9110 that Porter's behaviour rests on.
    let rfc: String
    /// Whether this row explains why the case (which disagrees with llhttp) differs.
    let applies: @Sendable (LLHTTPCase) -> Bool
    /// What Porter must produce for the case under this row, derived from llhttp's result.
    let expected: @Sendable (LLHTTPCase, [LLHTTPCase]) -> Expectation

    static let all: [ParserPolicy] = [
        ParserPolicy(
            id: "bare-lf",
            porter: "accepts a bare LF as a line ending in the head, chunk lines and trailers",
            llhttp: "HPE_CR_EXPECTED (accepted under OPTIONAL_CR_BEFORE_LF)",
            rfc: "RFC 9112 §2.2 (a recipient MAY recognize a single LF as a line terminator)",
            applies: { corpusCase in
                // llhttp stops just after the first bare LF.
                guard let error = corpusCase.expect.error, error.name == "HPE_CR_EXPECTED" else { return false }
                return corpusCase.firstBareLF.map { $0 < error.offset } ?? false
            },
            expected: { corpusCase, corpus in
                // llhttp with OPTIONAL_CR_BEFORE_LF on the same bytes: the corpus has that run too.
                guard let twin = corpus.first(where: {
                    $0.raw == corpusCase.raw && $0.lenientFlags.contains("OPTIONAL_CR_BEFORE_LF")
                }) else {
                    return Expectation(unavailable: "the corpus has no OPTIONAL_CR_BEFORE_LF run of these bytes")
                }
                return Expectation(llhttp: twin)
            }
        ),
        ParserPolicy(
            id: "empty-line-before-status",
            porter: "refuses CR or LF where a status line is due, at the start or after a body (malformedStatusLine; malformedHeaderField after an interim response, where only the final response may follow)",
            llhttp: "skips CR and LF bytes before a response, also between pipelined responses",
            rfc: "RFC 9112 §2.2 (only a server is told to ignore empty lines, before a request-line)",
            applies: { $0.emptyLineBeforeStatus != nil },
            expected: { corpusCase, _ in
                let afterInterim = corpusCase.expect.messages.first.map { (100..<200).contains($0.status ?? 0) } ?? false
                return Expectation(
                    llhttp: corpusCase, endingAt: corpusCase.emptyLineBeforeStatus!,
                    stop: .failed(afterInterim ? "malformedHeaderField" : "malformedStatusLine"))
            }
        ),
        ParserPolicy(
            id: "http1-status-line",
            porter: "accepts only HTTP/1.x status lines (malformedStatusLine)",
            llhttp: "also accepts RTSP/ and ICE/, and HTTP/0.9; any version under VERSION",
            rfc: "RFC 9112 §4 and §2.3 (HTTP-version = \"HTTP\" \"/\" DIGIT \".\" DIGIT; Porter speaks 1.x)",
            applies: { $0.firstNonHTTP1Head != nil },
            expected: { corpusCase, _ in
                Expectation(llhttp: corpusCase, messages: corpusCase.firstNonHTTP1Head!, stop: .failed("malformedStatusLine"))
            }
        ),
        ParserPolicy(
            id: "chunked-last",
            porter: "refuses Transfer-Encoding that does not end in chunked (invalidTransferEncoding)",
            llhttp: "reads the body until the connection closes",
            rfc: "stricter than RFC 9112 §6.3 item 4 (read until close); refused as a smuggling risk (§11.2), as curl 8 does",
            applies: { $0.firstUnchunkedTransferEncoding != nil },
            expected: { corpusCase, _ in
                Expectation(llhttp: corpusCase, messages: corpusCase.firstUnchunkedTransferEncoding!, stop: .failed("invalidTransferEncoding"))
            }
        ),
        ParserPolicy(
            id: "bare-cr",
            porter: "refuses a CR not followed by LF (malformedStatusLine, malformedHeaderField)",
            llhttp: "refuses it too (HPE_STRICT), but OPTIONAL_LF_AFTER_CR makes it a line ending",
            rfc: "RFC 9112 §2.2 (a bare CR is invalid or replaced by SP; never a line ending)",
            applies: { $0.lenientFlags.contains("OPTIONAL_LF_AFTER_CR") && $0.firstBareCR != nil },
            expected: { corpusCase, _ in
                Expectation(llhttp: corpusCase, endingAt: corpusCase.firstBareCR!, stop: .failed(nil))
            }
        ),
        ParserPolicy(
            id: "close-is-final",
            porter: "ends the exchange after a response with Connection: close; later bytes are not parsed",
            llhttp: "the same (HPE_CLOSED_CONNECTION), but KEEP_ALIVE parses on",
            rfc: "RFC 9112 §9.6 (the client closes after the response carrying close)",
            applies: { $0.lenientFlags.contains("KEEP_ALIVE") && $0.firstClosingMessage != nil },
            expected: { corpusCase, _ in
                let index = corpusCase.firstClosingMessage!
                let leftover = corpusCase.raw.count - corpusCase.messageEnds[index]
                return Expectation(llhttp: corpusCase, messages: index + 1, stop: .closed(leftover: leftover))
            }
        ),
        ParserPolicy(
            id: "space-after-start-line",
            porter: "consumes a whitespace-preceded line between the status line and the first field, without processing it",
            llhttp: "refuses it (HPE_UNEXPECTED_SPACE)",
            rfc: "RFC 9112 §2.2 (a recipient MUST either reject the message or consume each such line)",
            applies: { corpusCase in
                guard let end = corpusCase.raw.firstIndex(of: HTTPByte.lf), end + 1 < corpusCase.raw.count else { return false }
                let next = corpusCase.raw[end + 1]
                return next == 0x20 || next == 0x09
            },
            expected: { corpusCase, _ in
                // The consumed line is not a field; the head is still open at the end of the input.
                Expectation(llhttp: corpusCase, endingAt: corpusCase.raw.count, stop: .open)
            }
        ),
    ]
}

// MARK: - Tests

@Suite("llhttp response corpus")
struct LLHTTPCorpusTests {
    @Test("agrees with llhttp or with its policy row", arguments: LLHTTPCorpus.arguments)
    func replays(_ argument: LLHTTPCorpus.Argument) throws {
        let corpusCase: LLHTTPCase
        switch argument {
        case .corpusCase(let loaded): corpusCase = loaded
        case .unavailable(let why): throw LLHTTPCorpus.LoadError(description: why)
        }
        let corpus = try LLHTTPCorpus.cases()
        let verdict = LLHTTPCorpus.verdict(for: corpusCase, in: corpus)
        if case .fails(let why) = verdict.kind {
            Issue.record("\(corpusCase.id) (\(corpusCase.name)): \(why)")
        }
    }

    @Test("summary: every case passes and every policy row is used")
    func summary() throws {
        let corpus = try LLHTTPCorpus.cases()
        var failing: [String] = []
        var rowsUsed: Set<String> = []
        for corpusCase in corpus {
            let verdict = LLHTTPCorpus.verdict(for: corpusCase, in: corpus)
            print("\(corpusCase.id): \(verdict.kind) (llhttp: \(verdict.llhttp); Porter: \(verdict.porter))")
            switch verdict.kind {
            case .agrees: break
            case .policy(let id): rowsUsed.insert(id)
            case .fails: failing.append(corpusCase.id)
            }
        }
        for policy in ParserPolicy.all where !rowsUsed.contains(policy.id) {
            Issue.record("policy row \(policy.id) explains no corpus case; remove it here and in docs/CONFORMANCE-llhttp.md")
        }
        print("failing cases: " + (failing.isEmpty ? "none" : failing.joined(separator: ", ")))
        if !failing.isEmpty {
            Issue.record("\(failing.count) llhttp cases fail: \(failing.joined(separator: ", "))")
        }
        print("\(corpus.count - failing.count) passed, \(failing.count) failed")
    }
}

// MARK: - Corpus

/// One response test of llhttp, as stored in `llhttp-responses.jsonl`.
struct LLHTTPCase: Sendable, Decodable, CustomTestStringConvertible {
    struct Failure: Sendable, Decodable {
        var name: String
        var reason: String
        var offset: Int

        /// llhttp's way of saying "the rest is not HTTP/1.1 for this connection", not malformed input.
        var isStopSignal: Bool { name == "HPE_PAUSED_UPGRADE" || name == "HPE_CLOSED_CONNECTION" }
    }

    struct Message: Sendable, Decodable {
        var status: Int?
        var reason: String?
        var `protocol`: String?
        var version: String?
        var headers: [[String]]
        var bodyB64: String
        var complete: Bool
        var flagNames: [String]
        var trailers: [[String]]?

        /// Whether the last coding of the Transfer-Encoding fields is chunked (compared as Porter does).
        var endsInChunked: Bool {
            let codings = headers.filter { $0[0].lowercased() == "transfer-encoding" }
                .flatMap { $0[1].split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            return codings.last?.lowercased() == "chunked"
        }
    }

    struct Finish: Sendable, Decodable {
        var name: String
    }

    struct Expect: Sendable, Decodable {
        var error: Failure?
        var messages: [Message]
        var finish: Finish?
    }

    var id: String
    var name: String
    var rawB64: String
    var lenientFlagsIfAny: [String]
    var skipBody: Bool
    var expect: Expect
    var log: [String]

    var testDescription: String { id }

    /// The bytes given to the parser.
    var raw: [UInt8] { [UInt8](Data(base64Encoded: rawB64) ?? Data()) }
    var lenientFlags: [String] { lenientFlagsIfAny }

    /// Where llhttp completed each message, in order (`off=N message complete` in its log).
    var messageEnds: [Int] {
        log.compactMap { entry in
            guard entry.hasPrefix("off="), entry.hasSuffix(" message complete") else { return nil }
            return Int(entry.dropFirst(4).prefix { $0.isNumber })
        }
    }

    /// Where a message should start (the beginning of input, or just after a completed message)
    /// but a CR or LF is found instead.
    var emptyLineBeforeStatus: Int? {
        let bytes = raw
        return ([0] + messageEnds).first { $0 < bytes.count && HTTPByte.isLineEnd(bytes[$0]) }
    }

    /// The first LF not preceded by CR, if any.
    var firstBareLF: Int? {
        let bytes = raw
        return bytes.indices.first { bytes[$0] == HTTPByte.lf && ($0 == 0 || bytes[$0 - 1] != HTTPByte.cr) }
    }

    /// The first CR not followed by LF, if any.
    var firstBareCR: Int? {
        let bytes = raw
        return bytes.indices.first { bytes[$0] == HTTPByte.cr && ($0 + 1 == bytes.count || bytes[$0 + 1] != HTTPByte.lf) }
    }

    // Message indexes below count llhttp's messages; only the last one can lack a head, so they
    // are also indexes into the messages that Porter reports.

    /// The first message whose status line is not HTTP/1.x.
    var firstNonHTTP1Head: Int? {
        expect.messages.firstIndex { $0.status != nil && ($0.protocol != "HTTP" || $0.version?.hasPrefix("1.") != true) }
    }

    /// The first message framed by a Transfer-Encoding that does not end in chunked (not a 1xx,
    /// 204, 304 or HEAD response, whose framing fields mean nothing).
    var firstUnchunkedTransferEncoding: Int? {
        expect.messages.firstIndex { message in
            guard let status = message.status, !skipBody, !(100..<200).contains(status), status != 204, status != 304,
                  message.headers.contains(where: { $0[0].lowercased() == "transfer-encoding" })
            else { return false }
            return !message.endsInChunked
        }
    }

    /// The first message that carries `Connection: close`.
    var firstClosingMessage: Int? {
        expect.messages.firstIndex { $0.flagNames.contains("CONNECTION_CLOSE") }
    }
}

enum LLHTTPCorpus {
    /// The file that holds the cases.
    static let fileName = "llhttp-responses.jsonl"

    /// A parameter of the corpus test: a case, or the reason there are none.
    enum Argument: Sendable, CustomTestStringConvertible {
        case corpusCase(LLHTTPCase)
        case unavailable(String)

        var testDescription: String {
            switch self {
            case .corpusCase(let corpusCase): corpusCase.id
            case .unavailable: "corpus unavailable"
            }
        }
    }

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder searched, and which it is, in words (see `TestCorpora`).
    static var directory: (url: URL, source: String) {
        (URL(fileURLWithPath: TestCorpora.directory.path), TestCorpora.directory.source)
    }

    /// Loaded once per test process.
    private static let loaded: Result<[LLHTTPCase], LoadError> = load()

    /// Every case, or an error saying where the corpus was looked for.
    static func cases() throws(LoadError) -> [LLHTTPCase] { try loaded.get() }

    /// The test arguments: one per case, or one that fails with the load error.
    static var arguments: [Argument] {
        switch loaded {
        case .success(let cases): cases.map(Argument.corpusCase)
        case .failure(let error): [.unavailable(error.description)]
        }
    }

    private static func load() -> Result<[LLHTTPCase], LoadError> {
        let (folder, source) = directory
        let file = folder.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            return .failure(LoadError(description: "the llhttp corpus is missing: there is no \(file.path) (\(source))"))
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var cases: [LLHTTPCase] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            do {
                cases.append(try decoder.decode(LLHTTPCase.self, from: Data(line)))
            } catch {
                return .failure(LoadError(description: "\(file.path) line \(number + 1) is not a corpus case: \(error)"))
            }
        }
        guard !cases.isEmpty else {
            return .failure(LoadError(description: "\(file.path) holds no cases"))
        }
        return .success(cases)
    }

    // MARK: Verdict

    struct Verdict {
        enum Kind: CustomStringConvertible {
            case agrees
            case policy(String)
            case fails(String)

            var description: String {
                switch self {
                case .agrees: "agrees"
                case .policy(let id): "policy \(id)"
                case .fails(let why): "FAILS: \(why)"
                }
            }
        }

        var kind: Kind
        /// How llhttp ended, for the report.
        var llhttp: String
        /// How Porter ended, for the report.
        var porter: String
    }

    /// Parses the case three ways and judges the result against llhttp and the policy table.
    static func verdict(for corpusCase: LLHTTPCase, in corpus: [LLHTTPCase]) -> Verdict {
        let raw = corpusCase.raw
        let method = corpusCase.skipBody ? "HEAD" : "GET"
        let expectsFinish = corpusCase.expect.finish != nil
        let whole = PorterRun.run([raw[...]], method: method, finish: expectsFinish)
        let llhttpEnd = corpusCase.expect.error.map { "\($0.name) at \($0.offset)" } ?? "no error"
        func verdict(_ kind: Verdict.Kind) -> Verdict {
            Verdict(kind: kind, llhttp: llhttpEnd, porter: whole.stop.description)
        }

        for split in 0...raw.count {
            let outcome = PorterRun.run([raw[..<split], raw[split...]], method: method, finish: expectsFinish)
            if outcome != whole {
                return verdict(.fails("split at byte \(split) gives \(outcome); whole input gives \(whole)"))
            }
        }
        let drip = PorterRun.run(raw.indices.map { raw[$0...$0] }, method: method, finish: expectsFinish)
        if drip != whole {
            return verdict(.fails("one byte at a time gives \(drip); whole input gives \(whole)"))
        }

        let difference = Expectation(llhttp: corpusCase).difference(from: whole, input: raw, method: method)
        guard let difference else { return verdict(.agrees) }

        let rows = ParserPolicy.all.filter { $0.applies(corpusCase) }
        guard let row = rows.first else {
            return verdict(.fails("differs from llhttp and no policy row covers it: \(difference)"))
        }
        guard rows.count == 1 else {
            return verdict(.fails("matches several policy rows: \(rows.map(\.id).joined(separator: ", "))"))
        }
        if let rowDifference = row.expected(corpusCase, corpus).difference(from: whole, input: raw, method: method) {
            return verdict(.fails("policy \(row.id) says otherwise: \(rowDifference) (llhttp: \(difference))"))
        }
        return verdict(.policy(row.id))
    }
}

// MARK: - Comparing

/// Byte constants for predicates.
enum HTTPByte {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    static func isLineEnd(_ byte: UInt8) -> Bool { byte == cr || byte == lf }
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}

/// One field as bytes, so that Porter's strings and llhttp's compare exactly.
struct FieldView: Equatable, CustomStringConvertible {
    var name: [UInt8]
    var value: [UInt8]

    var description: String { "\(String(decoding: name, as: UTF8.self)): \(String(decoding: value, as: UTF8.self))" }
}

/// One message as either parser saw it.
struct MessageView: Equatable, CustomStringConvertible {
    var status: Int
    var reason: [UInt8]
    var fields: [FieldView]
    var trailers: [FieldView]
    var body: [UInt8]
    /// Whether the message completed.
    var complete: Bool
    /// The input offset just past the message, when it completed.
    var end: Int?

    var description: String {
        "\(status) \"\(String(decoding: reason, as: UTF8.self))\" \(fields) trailers \(trailers) "
            + "body \(body.count) bytes \(complete ? "complete at \(end ?? -1)" : "incomplete")"
    }
}

/// How parsing the input ended.
enum Stop: Equatable, CustomStringConvertible {
    /// The input is used up; the parser needs more bytes or EOF.
    case open
    /// A response ended the exchange (`Connection: close`, HTTP/1.0); `leftover` bytes followed it.
    case closed(leftover: Int)
    /// A 101 response: the rest belongs to another protocol.
    case handedOver
    /// Refused. Porter names its ``PorterError/Code``; an expectation may leave the code open (nil).
    case failed(String?)

    var description: String {
        switch self {
        case .open: "needs more input or EOF"
        case .closed(let leftover): "closed after the response, \(leftover) bytes left"
        case .handedOver: "handed over to another protocol"
        case .failed(let code): "failed \(code ?? "(any code)")"
        }
    }
}

/// What end of input (`finish()` / `llhttp_finish`) does after the bytes were parsed.
enum FinishResult: Equatable {
    /// The open message completes: a body delimited by close.
    case completesMessage
    /// Nothing was pending.
    case clean
    /// The message was cut off.
    case fails
}

/// What Porter observably did with one input.
struct Outcome: Equatable, CustomStringConvertible {
    var messages: [MessageView] = []
    var stop: Stop = .open
    var finish: FinishResult?

    var description: String { "\(messages), \(stop)" + (finish.map { ", finish \($0)" } ?? "") }
}

/// What Porter must produce, derived from llhttp's result (and, for a policy row, adjusted by it).
struct Expectation {
    var messages: [MessageView] = []
    var stop: Stop = .open
    var finish: FinishResult?
    /// With llhttp's DATA_AFTER_CLOSE, bytes after a closing response are ignored rather than refused.
    var ignoresDataAfterClose = false
    /// Bytes which, appended to the input, must make Porter refuse it.
    var failsWhenFollowedBy: [UInt8]?
    /// Set when the expectation cannot be formed.
    var unavailable: String?

    init(unavailable: String) {
        self.unavailable = unavailable
    }

    /// llhttp's result for the case, in Porter's terms.
    init(llhttp corpusCase: LLHTTPCase) {
        let ends = corpusCase.messageEnds
        var completed = 0
        for message in corpusCase.expect.messages {
            // A message whose head never completed was not reported by llhttp either.
            guard let status = message.status else { continue }
            var end: Int?
            if message.complete, completed < ends.count {
                end = ends[completed]
                completed += 1
            }
            messages.append(MessageView(
                status: status,
                reason: Self.bytes(message.reason ?? ""),
                fields: message.headers.map(Self.field),
                trailers: (message.trailers ?? []).map(Self.field),
                body: [UInt8](Data(base64Encoded: message.bodyB64) ?? Data()),
                complete: message.complete,
                end: end
            ))
        }
        switch corpusCase.expect.error?.name {
        case nil: stop = .open
        case "HPE_CLOSED_CONNECTION": stop = .closed(leftover: corpusCase.raw.count - (ends.last ?? 0))
        case "HPE_PAUSED_UPGRADE": stop = .handedOver
        default: stop = .failed(nil)
        }
        ignoresDataAfterClose = corpusCase.lenientFlags.contains("DATA_AFTER_CLOSE")
        switch corpusCase.expect.finish?.name {
        case nil: finish = nil
        case "HTTP_FINISH_SAFE_WITH_CB": finish = .completesMessage
        case "HTTP_FINISH_SAFE": finish = .clean
        default: finish = .fails
        }
    }

    /// llhttp's first `count` messages, then `stop`.
    init(llhttp corpusCase: LLHTTPCase, messages count: Int, stop: Stop) {
        self.init(llhttp: corpusCase)
        messages = Array(messages.prefix(count))
        self.stop = stop
    }

    /// llhttp's messages completed by `offset`, then `stop`.
    init(llhttp corpusCase: LLHTTPCase, endingAt offset: Int, stop: Stop) {
        self.init(llhttp: corpusCase)
        messages = Array(messages.prefix { $0.end.map { $0 <= offset } ?? false })
        self.stop = stop
    }

    /// The first way `outcome` differs from this expectation, or nil when it matches.
    func difference(from outcome: Outcome, input: [UInt8], method: String) -> String? {
        if let unavailable { return unavailable }
        if outcome.messages.count != messages.count {
            return "\(outcome.messages.count) messages \(outcome.messages), expected \(messages.count) \(messages)"
        }
        for (index, (got, want)) in zip(outcome.messages, messages).enumerated() where got != want {
            return "message \(index + 1) is \(got), expected \(want)"
        }
        let stopAgrees: Bool
        switch (outcome.stop, stop) {
        case (.open, .open), (.handedOver, .handedOver):
            stopAgrees = true
        case (.closed(let leftover), .open):
            stopAgrees = leftover == 0 || ignoresDataAfterClose
        case (.closed(let got), .closed(let want)):
            stopAgrees = (got > 0) == (want > 0)
        case (.failed(let got), .failed(let want)):
            stopAgrees = want == nil || got == want
        default:
            stopAgrees = false
        }
        if !stopAgrees {
            return "Porter \(outcome.stop), expected \(stop)"
        }
        if let finish, outcome.finish != finish {
            return "at EOF Porter \(outcome.finish.map { "\($0)" } ?? "was not asked"), expected \(finish)"
        }
        if let followUp = failsWhenFollowedBy {
            let longer = PorterRun.run([(input + followUp)[...]], method: method, finish: false)
            guard case .failed = longer.stop else {
                return "followed by \(followUp) Porter \(longer.stop), expected it to fail"
            }
        }
        return nil
    }

    /// The corpus gives bytes as ISO-8859-1 text: one scalar per byte.
    private static func bytes(_ text: String) -> [UInt8] {
        text.unicodeScalars.flatMap { $0.value < 0x100 ? [UInt8($0.value)] : Array(String($0).utf8) }
    }

    /// llhttp removes leading OWS from a value and keeps trailing OWS; RFC 9110 §5.5 excludes both.
    private static func field(_ pair: [String]) -> FieldView {
        var value = bytes(pair[1])[...]
        while let last = value.last, HTTPByte.isWhitespace(last) { value.removeLast() }
        while let first = value.first, HTTPByte.isWhitespace(first) { value.removeFirst() }
        return FieldView(name: bytes(pair[0]), value: Array(value))
    }
}

// MARK: - Driving the parser

/// Plays the caller of ``ResponseParser`` for a corpus case: keeps a receive buffer, honours the
/// consumed contract, starts the next response after one ends on a reusable connection, and
/// stops where the connection would be closed or handed over.
enum PorterRun {
    static func run(_ pieces: [ArraySlice<UInt8>], method: String, finish: Bool) -> Outcome {
        let total = pieces.reduce(0) { $0 + $1.count }
        var parser = ResponseParser()
        parser.begin(requestMethod: method)
        var outcome = Outcome()
        var buffer: [UInt8] = []
        var bufferStart = 0  // input offset of buffer[0]
        var stopped = false

        feeding: for piece in pieces {
            buffer.append(contentsOf: piece)
            while true {
                let step = buffer.withUnsafeBytes { raw in
                    Result { () throws(PorterError) in try parser.parse(raw) }
                }
                guard case .success(let (event, consumed)) = step else {
                    if case .failure(let error) = step { outcome.stop = .failed(error.code.name) }
                    stopped = true
                    break feeding
                }
                guard consumed >= 0 && consumed <= buffer.count else {
                    outcome.stop = .failed("consumed \(consumed) of \(buffer.count) bytes")
                    stopped = true
                    break feeding
                }
                let end = bufferStart + consumed
                switch event {
                case .needMore:
                    break
                case .head(let head):
                    outcome.messages.append(MessageView(
                        status: head.status,
                        reason: Array(head.reason.utf8),
                        fields: head.fields.map { FieldView(name: Array($0.name.utf8), value: Array($0.value.utf8)) },
                        trailers: [],
                        body: [],
                        complete: false,
                        end: nil
                    ))
                    if head.isInformational && head.status != 101 {
                        // An interim response is a message of its own, complete with its head.
                        outcome.messages[outcome.messages.count - 1].complete = true
                        outcome.messages[outcome.messages.count - 1].end = end
                    }
                case .body(let range):
                    outcome.messages[outcome.messages.count - 1].body += buffer[range]
                case .end(let trailers):
                    let last = outcome.messages.count - 1
                    outcome.messages[last].complete = true
                    outcome.messages[last].end = end
                    outcome.messages[last].trailers = trailers.map {
                        FieldView(name: Array($0.name.utf8), value: Array($0.value.utf8))
                    }
                    if parser.isReusable {
                        parser.begin(requestMethod: method)
                    } else {
                        outcome.stop = outcome.messages[last].status == 101 ? .handedOver : .closed(leftover: total - end)
                        stopped = true
                        break feeding
                    }
                }
                buffer.removeFirst(consumed)
                bufferStart = end
                if event == .needMore { continue feeding }
            }
        }

        if finish && !stopped {
            let lastOpen = outcome.messages.last.map { !$0.complete } ?? false
            switch Result(catching: { () throws(PorterError) in try parser.finish() }) {
            case .success(.end): outcome.finish = lastOpen ? .completesMessage : .clean
            case .success: outcome.finish = .fails
            case .failure(let error): outcome.finish = error.code == .emptyReply ? .clean : .fails
            }
        }
        return outcome
    }
}
