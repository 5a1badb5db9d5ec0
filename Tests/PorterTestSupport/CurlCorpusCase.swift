internal import Foundation

/// One test of curl's HTTP test suite, as stored in `curl-http.jsonl` (see
/// the corpus README: "curl-http.jsonl", "Fields").
///
/// The values are kept as the corpus states them: `%HTTPPORT` is still in
/// ``curlArguments``, the reply bytes and the expected output; the harness
/// replaces it with the test server's port (``substitutingPort(in:port:)``).
public struct CurlCorpusCase: Sendable, Decodable {
    /// One reply part the test server can send.
    public struct Reply: Sendable, Decodable {
        /// The curl reply part: `data`, `data1`, `data2`, …
        public var part: String
        /// The number after the last `/` of a request target that selects this part.
        public var pathNumber: Int
        /// The exact bytes sent, base64.
        public var bytesB64: String
        /// Whether the server closes the connection after sending this part.
        public var closeAfter: Bool
        /// Whether the header block uses bare LF line endings.
        public var lfOnlyHeaders: Bool
        /// Whether the part contains `swsbounce`: the next request of the
        /// same test gets the next part.
        public var bounce: Bool?
        /// Seconds the server sleeps after sending this part.
        public var waitAfterS: Double?
        /// Milliseconds the server sleeps after each 20-byte write.
        public var writeDelayMs: Int?

        /// The part number: 0 for `data`, N for `dataN`; `nil` for any other name.
        public var partNumber: Int? {
            guard part.hasPrefix("data") else { return nil }
            let suffix = part.dropFirst(4)
            return suffix.isEmpty ? 0 : Int(suffix)
        }

        /// The bytes sent, `%HTTPPORT` still in them.
        public var bytes: [UInt8] { CurlCorpusCase.decode(bytesB64) }
    }

    /// The meaning of ``curlArguments`` that the harness needs; the corpus
    /// has more keys, which describe the arguments and are not used here.
    public struct Options: Sendable, Decodable {
        /// Whether curl's harness adds `--include`.
        public var include: Bool
        /// Whether the arguments hold `-D file`.
        public var dumpHeader: Bool?
    }

    /// `curl-N`.
    public var id: String
    /// The curl test number N.
    public var test: Int
    /// The test's title in curl's suite.
    public var name: String
    /// curl's command line, URLs included, before the harness adds `-q`,
    /// `--include` and `--output`.
    public var curlArguments: [String]
    /// The URLs fetched, in order, with globs expanded.
    public var urls: [String]
    /// What the arguments mean.
    public var options: Options
    /// Content codings the client needs.
    public var requires: [String]
    /// What the test server can send.
    public var replies: [Reply]
    /// The expected output, base64, or `nil` when the test does not check it.
    public var expectStdoutB64: String?
    /// `reply/data`, `reply/datacheck` (output goes to `--output FILE`) or
    /// `verify/stdout` (output is standard output); `nil` with no expected output.
    public var expectStdoutSource: String?
    /// `exact`, or `text` (line endings normalised).
    public var expectStdoutCompare: String?
    /// The expected `-D` file, base64, or `nil`.
    public var expectHeaderDumpB64: String?
    /// curl's exit code.
    public var expectExit: Int
    /// Every accepted exit code.
    public var expectExitAny: [Int]
    /// The first request line the server must see, or `nil`.
    public var expectRequestFirstLine: String?
    /// Every request line the server must see, in order, or `nil`.
    public var expectRequestLines: [String]?
    /// Whether reply bytes or expected output contain `%HTTPPORT`.
    public var usesPortPlaceholder: Bool
    /// Human notes from the corpus.
    public var notes: [String]

    private enum CodingKeys: String, CodingKey {
        case id, test, name, urls, options, requires, replies, notes
        case curlArguments = "curlArgs"
        case expectStdoutB64, expectStdoutSource, expectStdoutCompare, expectHeaderDumpB64
        case expectExit, expectExitAny, expectRequestFirstLine, expectRequestLines, usesPortPlaceholder
    }

    /// The placeholder for the test server's port.
    public static let portPlaceholder = "%HTTPPORT"

    /// Whether the expected output is the `--output` file (curl's harness
    /// adds `--output` when the test has no `<verify><stdout>`).
    public var writesOutputFile: Bool {
        expectStdoutSource?.hasPrefix("reply/") ?? false
    }

    /// The expected output with the port filled in, or `nil` when not checked.
    public func expectedOutput(port: Int) -> [UInt8]? {
        expectStdoutB64.map { Self.substitutingPort(in: Self.decode($0), port: port) }
    }

    /// The expected `-D` file with the port filled in, or `nil` when not checked.
    public func expectedHeaderDump(port: Int) -> [UInt8]? {
        expectHeaderDumpB64.map { Self.substitutingPort(in: Self.decode($0), port: port) }
    }

    /// The file that `-D` (or `--dump-header`) names in ``curlArguments``, if any.
    public var headerDumpPath: String? {
        for (index, argument) in curlArguments.enumerated().dropLast()
        where argument == "-D" || argument == "--dump-header" {
            return curlArguments[index + 1]
        }
        return nil
    }

    /// `bytes` with every `%HTTPPORT` replaced by `port` in ASCII.
    public static func substitutingPort(in bytes: [UInt8], port: Int) -> [UInt8] {
        let placeholder = Array(portPlaceholder.utf8)
        let replacement = Array(String(port).utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == placeholder[0], bytes.count - index >= placeholder.count,
                bytes[index..<(index + placeholder.count)].elementsEqual(placeholder)
            {
                result += replacement
                index += placeholder.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// `text` with every `%HTTPPORT` replaced by `port`.
    public static func substitutingPort(in text: String, port: Int) -> String {
        text.replacingOccurrences(of: portPlaceholder, with: String(port))
    }

    static func decode(_ base64: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: base64) ?? Data())
    }

    /// What is wrong with the case as data, or `nil`: a corpus the harness
    /// would misread must fail loudly rather than pass by accident.
    func inconsistency() -> String? {
        for reply in replies {
            guard Data(base64Encoded: reply.bytesB64) != nil else {
                return "reply part \(reply.part) is not valid base64"
            }
            guard let number = reply.partNumber else {
                return "reply part \(reply.part) is not named dataN"
            }
            let selector = number == 0 ? test : test * 10000 + number
            guard reply.pathNumber == selector else {
                return "reply part \(reply.part) has path_number \(reply.pathNumber), expected \(selector)"
            }
        }
        for base64 in [expectStdoutB64, expectHeaderDumpB64].compactMap({ $0 }) where Data(base64Encoded: base64) == nil {
            return "an expectation is not valid base64"
        }
        if let compare = expectStdoutCompare, compare != "exact", compare != "text" {
            return "unknown expect_stdout_compare \(compare)"
        }
        if expectStdoutB64 != nil, expectStdoutSource == nil {
            return "expected output without expect_stdout_source"
        }
        if expectHeaderDumpB64 != nil, headerDumpPath == nil {
            return "expected -D file, but the arguments hold no -D"
        }
        if !expectExitAny.contains(expectExit) {
            return "expect_exit \(expectExit) is not among expect_exit_any \(expectExitAny)"
        }
        return nil
    }
}
