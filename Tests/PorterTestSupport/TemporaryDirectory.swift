internal import Foundation
internal import Glibc

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
