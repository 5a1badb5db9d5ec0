#if canImport(Glibc)
import Glibc
#endif

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
