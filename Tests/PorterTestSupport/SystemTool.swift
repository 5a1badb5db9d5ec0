internal import Foundation
internal import Glibc
import Synchronization

/// Finds the system programs the helpers drive (`openssl`, `nginx`).
enum SystemTool {
    /// The path of `name`: the first of `candidates` that is executable,
    /// else the first match on `$PATH`.
    ///
    /// - Throws: ``TestSupportError`` saying which Debian package provides it.
    static func path(of name: String, candidates: [String] = [], package: String) throws -> String {
        let fileManager = FileManager.default
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        for candidate in candidates + searchPath.map({ "\($0)/\(name)" })
        where fileManager.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestSupportError("\(name) not found: install \(package) (apt-get install \(package))")
    }

    /// `/usr/bin/openssl`, or the `openssl` on `$PATH`.
    static func openssl() throws -> String {
        try path(of: "openssl", candidates: ["/usr/bin/openssl"], package: "openssl")
    }
}

/// Fresh directories under the system's temporary directory.
enum TemporaryDirectory {
    /// Creates a new, empty, private directory named `<prefix>.XXXXXX`.
    static func make(prefix: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw TestSupportError("cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Removes `path` and everything in it when this process exits normally.
    ///
    /// For state that lives as long as the test process (the shared
    /// certificates), whose owner has no natural moment to clean up.
    static func removeAtExit(_ path: String) {
        ExitCleanup.register { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// Work done once when the process exits normally (via `exit`), in reverse
/// order of registration.
enum ExitCleanup {
    private static let actions = Mutex<[@Sendable () -> Void]?>(nil)

    static func register(_ action: @escaping @Sendable () -> Void) {
        actions.withLock { list in
            if list == nil {
                list = []
                atexit { ExitCleanup.runAll() }
            }
            list!.append(action)
        }
    }

    private static func runAll() {
        let list = actions.withLock { list in
            defer { list = [] }
            return list ?? []
        }
        for action in list.reversed() {
            action()
        }
    }
}
