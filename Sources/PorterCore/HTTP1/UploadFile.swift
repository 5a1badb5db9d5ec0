#if canImport(Glibc)
import Glibc
#endif

/// Reads a file for upload in fixed pieces.
final class UploadFile {
    private let fd: Int32
    let path: String

    /// Opens `path`; `nonBlocking` for a pipe or terminal, whose reads then wait in the poller.
    init(path: String, nonBlocking: Bool = false) throws(PorterError) {
        fd = open(path, O_RDONLY | O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0))
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

    /// Fills `buffer` with what a non-blocking file has, waiting in the poller until it has
    /// something; 0 at its end.
    func readWaiting(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) async throws(PorterError) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                try await IOPoller.shared.wait(fd: fd, for: .readable, deadline: deadline, what: "reading \(path)")
            case let code:
                throw PorterError(.fileReadFailed, "reading \(path) failed: \(String(cString: strerror(code)))")
            }
        }
    }
}
