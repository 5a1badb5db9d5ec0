internal import Foundation

/// A directory of files for a web server to serve, usually a fresh
/// temporary one.
///
/// The value only names the directory; its methods write files. Files made
/// by ``makeFile(named:size:seed:)`` hold the deterministic stream of
/// ``TestData``, so a test can check a download with
/// ``TestData/sha256(fileAtPath:)`` against ``TestData/sha256(_:)`` of
/// ``TestData/pseudoRandomBytes(count:seed:)``, or simply against the
/// digest of the served file.
public struct DocumentRoot: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Names an existing directory.
    public init(path: String) {
        self.path = path
    }

    /// Creates a new, empty directory under the temporary directory; the
    /// caller removes it with ``remove()``.
    public static func make() throws -> DocumentRoot {
        DocumentRoot(path: try TemporaryDirectory.make(prefix: "porter-docroot"))
    }

    /// Writes a file of `size` pseudo-random bytes (the ``TestData`` stream
    /// for `seed`) and returns its path. `name` may contain `/`; missing
    /// directories are created. 64 MiB takes well under a second.
    @discardableResult
    public func makeFile(named name: String, size: Int, seed: UInt64 = 0) throws -> String {
        let filePath = try prepare(name)
        try TestData.writePseudoRandomFile(atPath: filePath, size: size, seed: seed)
        return filePath
    }

    /// Writes `contents` to a file and returns its path.
    @discardableResult
    public func writeFile(named name: String, contents: [UInt8]) throws -> String {
        let filePath = try prepare(name)
        guard FileManager.default.createFile(atPath: filePath, contents: Data(contents)) else {
            throw TestSupportError("cannot write \(filePath)")
        }
        return filePath
    }

    /// Writes the UTF-8 bytes of `contents` to a file and returns its path.
    @discardableResult
    public func writeFile(named name: String, contents: String) throws -> String {
        try writeFile(named: name, contents: Array(contents.utf8))
    }

    /// The absolute path of `name` inside this directory.
    public func filePath(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Deletes the directory and everything in it.
    public func remove() throws {
        try FileManager.default.removeItem(atPath: path)
    }

    private func prepare(_ name: String) throws -> String {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            throw TestSupportError("\(name.debugDescription) is not a relative path inside the document root")
        }
        let filePath = filePath(name)
        let parent = URL(fileURLWithPath: filePath).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        return filePath
    }
}
