#if canImport(Glibc)
import Glibc
#endif

/// What a request sends after its head.
public enum RequestBody: Sendable, Hashable {
    /// These bytes.
    case bytes([UInt8])
    /// The contents of a file, read and sent in pieces, never whole in memory (curl's `-T`).
    case file(path: String)

    /// How many bytes the body has: for a file, its size now.
    func length() throws(PorterError) -> Int {
        switch self {
        case .bytes(let bytes):
            return bytes.count
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw PorterError(.fileReadFailed, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            return Int(info.st_size)
        }
    }
}
