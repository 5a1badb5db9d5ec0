internal import Foundation

/// Runs the built `porter` executable, for the CLI tests.
///
/// The executable is found, in order, at `$PORTER_BIN`, then next to the
/// running test bundle (SwiftPM builds `porter` into the same directory as
/// `porterPackageTests.xctest`), then in each directory above it. Nothing
/// is built on demand: `swift build --build-tests` (or `swift test`) builds
/// both.
public enum PorterProcess {
    /// The environment variable that, when set, names the executable to run
    /// instead of the built one (`PORTER_BIN=/usr/bin/curl` runs the tests
    /// against curl).
    public static let overrideVariable = "PORTER_BIN"

    /// The path of the `porter` executable the tests run.
    ///
    /// - Throws: ``TestSupportError`` naming the places searched when there
    ///   is no such executable, or when `$PORTER_BIN` names a file that is
    ///   not executable.
    public static func executablePath() throws -> String {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            guard fileManager.isExecutableFile(atPath: override) else {
                throw TestSupportError("\(overrideVariable)=\(override) is not an executable file")
            }
            return override
        }
        var searched: [String] = []
        if let testExecutable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = URL(fileURLWithPath: testExecutable).deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("porter").path
                searched.append(candidate)
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                    fileManager.isExecutableFile(atPath: candidate)
                {
                    return candidate
                }
                if directory.path == "/" { break }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw TestSupportError(
            """
            porter executable not found: build it with `swift build --build-tests` \
            or set \(overrideVariable); searched \(searched.joined(separator: ", "))
            """)
    }

    /// Runs `porter` with `arguments` and returns its exit status and output.
    ///
    /// Blocking work runs on threads of its own (see ``ChildProcess``); the
    /// calling task only suspends.
    ///
    /// - Parameters:
    ///   - stdin: bytes fed to standard input, which is then closed; `nil`
    ///     gives `porter` `/dev/null`.
    ///   - environment: variables added to (or replacing those of) the test
    ///     process's environment.
    ///   - timeout: past this `porter` is killed and the call throws.
    public static func run(
        _ arguments: [String],
        stdin: [UInt8]? = nil,
        environment: [String: String]? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        try await ChildProcess.run(
            try executablePath(), arguments, stdin: stdin, environment: environment, timeout: timeout)
    }
}
