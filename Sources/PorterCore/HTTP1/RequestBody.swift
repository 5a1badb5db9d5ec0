#if canImport(Glibc)
import Glibc
#endif

/// What a request sends after its head.
public enum RequestBody: Sendable, Hashable {
    /// These bytes.
    case bytes([UInt8])
    /// The contents of a file, read and sent in pieces, never whole in memory (curl's `-T`).
    case file(path: String)
    /// What a file of unknown length (a pipe, or standard input as `/dev/stdin`) gives until
    /// its end, read as it comes and sent chunked (RFC 9112 §7.1; curl's `-T -`). It can be
    /// sent once only: a redirect that keeps the body, or a retry, fails.
    case stream(path: String)

    /// Whether the body can be sent again (for a redirect or an authentication challenge).
    public var isReplayable: Bool {
        if case .stream = self { return false }
        return true
    }

    /// How many bytes the body has: for a file, its size now; nil for a stream.
    func length() throws(PorterError) -> Int? {
        switch self {
        case .stream:
            return nil
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
