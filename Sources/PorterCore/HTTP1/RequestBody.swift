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

/// Reads a file for upload in fixed pieces.
final class UploadFile {
    private let fd: Int32
    let path: String

    init(path: String) throws(PorterError) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw PorterError(.fileReadFailed, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
    }

    deinit { close(fd) }

    /// Fills `buffer` from the file; returns how many bytes were read, 0 at its end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PorterError) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw PorterError(.fileReadFailed, "reading \(path) failed: \(String(cString: strerror(errno)))")
        }
    }
}
