internal import Foundation

/// Loads `curl-http.jsonl` from ``TestCorpora``.
public enum CurlCorpus {
    /// The file that holds the cases.
    public static let fileName = "curl-http.jsonl"

    /// Why the corpus could not be loaded, naming where it was looked for.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String

        /// An error that says `description`.
        public init(description: String) {
            self.description = description
        }
    }

    /// The folder searched, and which it is, in words (see ``TestCorpora``).
    public static var directory: (path: String, source: String) { TestCorpora.directory }

    /// Every case, read once per test process, or why there are none.
    public static let cases: Result<[CurlCorpusCase], LoadError> = load()

    private static func load() -> Result<[CurlCorpusCase], LoadError> {
        let (folder, source) = directory
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(LoadError(description: "the curl corpus is missing: there is no \(path) (\(source))"))
        }
        var cases: [CurlCorpusCase] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            do {
                cases.append(try decodeCase(Array(line)))
            } catch {
                return .failure(LoadError(description: "\(path), line \(number + 1): \(error)"))
            }
        }
        guard !cases.isEmpty else {
            return .failure(LoadError(description: "\(path) holds no cases (\(source))"))
        }
        return .success(cases)
    }

    /// One case from one line of the corpus file (JSON), checked for
    /// consistency.
    ///
    /// - Throws: ``LoadError`` when the JSON does not decode or the case
    ///   contradicts itself (a reply selector that does not match its part,
    ///   an unknown comparison mode, …).
    public static func decodeCase(_ jsonLine: [UInt8]) throws(LoadError) -> CurlCorpusCase {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let corpusCase: CurlCorpusCase
        do {
            corpusCase = try decoder.decode(CurlCorpusCase.self, from: Data(jsonLine))
        } catch {
            throw LoadError(description: "\(error)")
        }
        if let problem = corpusCase.inconsistency() {
            throw LoadError(description: "\(corpusCase.id): \(problem)")
        }
        return corpusCase
    }
}
