/// One way a ``CurlCaseRun`` differs from what its ``CurlCorpusCase``
/// expects.
public struct CurlCaseMismatch: Sendable {
    /// What differs.
    public enum Aspect: String, Sendable {
        /// The case could not be run as intended (server, timeout, …).
        case harness
        /// The exit status.
        case exit
        /// Standard output, or the `--output` file.
        case output
        /// The `-D` file.
        case headerDump = "header dump"
        /// The request lines the server saw.
        case requestLines = "request lines"
    }

    /// What differs.
    public var aspect: Aspect
    /// One line: what differs and where, for summaries.
    public var summary: String
    /// Several lines: the summary, then excerpts or lists to compare.
    public var detail: String

    /// Every mismatch between `run` and `corpusCase`'s expectations, in the
    /// order harness, exit, output, header dump, request lines; empty when
    /// the run matches.
    public static func all(for corpusCase: CurlCorpusCase, in run: CurlCaseRun) -> [CurlCaseMismatch] {
        var mismatches: [CurlCaseMismatch] = []
        if let error = run.harnessError {
            let summary = error.count > 120 ? error.prefix(120) + "…" : error
            mismatches.append(CurlCaseMismatch(aspect: .harness, summary: String(summary), detail: error))
        }
        if let status = run.status, !corpusCase.expectExitAny.contains(Int(status)) {
            let expected = corpusCase.expectExitAny.count == 1
                ? "\(corpusCase.expectExit)" : "one of \(corpusCase.expectExitAny.map(String.init).joined(separator: ", "))"
            var summary = "exit \(status), expected \(expected)"
            if let message = firstMessage(in: run.stderr) {
                summary += " (stderr: \(escaped(Array(message.utf8), limit: 120)))"
            }
            mismatches.append(CurlCaseMismatch(
                aspect: .exit, summary: summary, detail: summary + "\nstderr:\n" + String(run.stderr.suffix(2000))))
        }
        // Without an exit status there is no finished output to compare; the request lines still tell.
        if run.status != nil, let expected = corpusCase.expectedOutput(port: run.port) {
            let (actual, place) = corpusCase.writesOutputFile
                ? (run.outputFile ?? [], run.outputFile == nil ? "--output file (not written)" : "--output file")
                : (run.stdout, "stdout")
            let text = corpusCase.expectStdoutCompare == "text"
            if let mismatch = compare(expected, actual, aspect: .output, place: place, normalizingLineEnds: text) {
                mismatches.append(mismatch)
            }
        }
        if run.status != nil, let expected = corpusCase.expectedHeaderDump(port: run.port) {
            let place = run.headerDump == nil ? "-D file (not written)" : "-D file"
            if let mismatch = compare(expected, run.headerDump ?? [], aspect: .headerDump, place: place) {
                mismatches.append(mismatch)
            }
        }
        let expectedLines = corpusCase.expectRequestLines.map { lines in
            lines.map { CurlCorpusCase.substitutingPort(in: $0, port: run.port) }
        }
        if let expectedLines, expectedLines != run.requestLines {
            mismatches.append(compare(requestLines: expectedLines, run.requestLines))
        } else if expectedLines == nil, let first = corpusCase.expectRequestFirstLine {
            let expected = CurlCorpusCase.substitutingPort(in: first, port: run.port)
            if run.requestLines.first != expected {
                mismatches.append(compare(requestLines: [expected], Array(run.requestLines.prefix(1))))
            }
        }
        return mismatches
    }

    // MARK: - Bytes

    /// How many bytes of context the detail shows before and after the first difference.
    static let contextBefore = 48
    static let contextAfter = 96

    static func compare(
        _ expected: [UInt8], _ actual: [UInt8], aspect: Aspect, place: String, normalizingLineEnds: Bool = false
    ) -> CurlCaseMismatch? {
        let expected = normalizingLineEnds ? removingCarriageReturnsBeforeLineFeeds(expected) : expected
        let actual = normalizingLineEnds ? removingCarriageReturnsBeforeLineFeeds(actual) : actual
        guard expected != actual else { return nil }
        let common = min(expected.count, actual.count)
        let offset = (0..<common).first { expected[$0] != actual[$0] } ?? common
        let summary = """
            \(place) differs at byte \(offset) (\(actual.count) bytes, expected \(expected.count)): \
            got \(excerpt(actual, at: offset, before: 0, after: 24)), \
            expected \(excerpt(expected, at: offset, before: 0, after: 24))
            """
        let detail = """
            \(summary)
              expected: \(excerpt(expected, at: offset, before: contextBefore, after: contextAfter))
              actual:   \(excerpt(actual, at: offset, before: contextBefore, after: contextAfter))
            """
        return CurlCaseMismatch(aspect: aspect, summary: summary, detail: detail)
    }

    /// The bytes around `offset`, escaped and quoted, `…` marking a cut.
    static func excerpt(_ bytes: [UInt8], at offset: Int, before: Int, after: Int) -> String {
        guard offset < bytes.count else { return offset == 0 ? "nothing" : "the end" }
        let start = max(0, offset - before)
        let end = min(bytes.count, offset + after)
        return (start > 0 ? "…" : "") + escaped(Array(bytes[start..<end])) + (end < bytes.count ? "…" : "")
    }

    /// `bytes` in double quotes: printable ASCII as is, `\r \n \t \\ \"`,
    /// anything else as `\xHH`; cut after `limit` bytes with `…`.
    static func escaped(_ bytes: [UInt8], limit: Int = .max) -> String {
        var text = "\""
        for byte in bytes.prefix(limit) {
            switch byte {
            case UInt8(ascii: "\r"): text += "\\r"
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\t"): text += "\\t"
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return text + "\"" + (bytes.count > limit ? "…" : "")
    }

    static func removingCarriageReturnsBeforeLineFeeds(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                continue
            }
            result.append(byte)
        }
        return result
    }

    /// The first line of `text` that is neither blank nor part of curl's
    /// progress meter (its heading, or a row of figures redrawn after CR),
    /// or `nil`: the error message, in practice.
    static func firstMessage(in text: String) -> String? {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map { $0.drop { $0 == " " || $0 == "\t" } }
            .first { line in
                guard let first = line.first else { return false }
                return !first.isNumber && !line.hasPrefix("% Total") && !line.hasPrefix("Dload")
            }
            .map(String.init)
    }

    // MARK: - Request lines

    static func compare(requestLines expected: [String], _ actual: [String]) -> CurlCaseMismatch {
        let quoted = { (lines: [String]) in
            "[" + lines.map { escaped(Array($0.utf8), limit: 200) }.joined(separator: ", ") + "]"
        }
        let summary: String
        if let index = (0..<min(expected.count, actual.count)).first(where: { expected[$0] != actual[$0] }) {
            summary = """
                request line \(index + 1) is \(escaped(Array(actual[index].utf8), limit: 120)), \
                expected \(escaped(Array(expected[index].utf8), limit: 120))
                """
        } else if actual.count < expected.count {
            summary = """
                \(actual.count) request lines, expected \(expected.count); \
                missing \(escaped(Array(expected[actual.count].utf8), limit: 120))
                """
        } else {
            summary = """
                \(actual.count) request lines, expected \(expected.count); \
                extra \(escaped(Array(actual[expected.count].utf8), limit: 120))
                """
        }
        let detail = "\(summary)\n  expected: \(quoted(expected))\n  actual:   \(quoted(actual))"
        return CurlCaseMismatch(aspect: .requestLines, summary: summary, detail: detail)
    }
}
