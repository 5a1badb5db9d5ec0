internal import Foundation

/// Where the external test corpora are read from: `Tests/Corpora` in this
/// repository (see its README for their origins and licences), or the folder
/// that `PORTER_CORPUS_DIR` names.
public enum TestCorpora {
    /// The environment variable that points the tests at another copy of the corpora.
    public static let directoryVariable = "PORTER_CORPUS_DIR"

    /// The folder searched, and which of the two it is, in words.
    public static var directory: (path: String, source: String) {
        if let override = ProcessInfo.processInfo.environment[directoryVariable], !override.isEmpty {
            return (override, "from \(directoryVariable)")
        }
        // This file is <package root>/Tests/PorterTestSupport/TestCorpora.swift.
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return (tests.appendingPathComponent("Corpora").standardizedFileURL.path, "Tests/Corpora in the repository")
    }

    /// The path of one corpus file, e.g. `llhttp-responses.jsonl`.
    public static func path(of fileName: String) -> String { directory.path + "/" + fileName }

}
