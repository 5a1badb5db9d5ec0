internal import Foundation

/// Finds the system programs the helpers drive, such as `openssl`.
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
