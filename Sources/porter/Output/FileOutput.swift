import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// A place the command writes bytes to: standard output, standard error, or a file.
///
/// Writes go straight to the descriptor, with no buffering of their own, so
/// a body is never held in memory. A failed write (a full disk, a closed
/// pipe) throws ``PorterError/Code/writeFailed``. Used by the command's one task.
final class FileOutput: @unchecked Sendable {
    let fd: Int32
    let name: String
    private let ownsDescriptor: Bool
    /// Bytes written so far.
    private(set) var bytesWritten: UInt64 = 0

    static let standardOutput = FileOutput(fd: 1, name: "standard output", owns: false)
    static let standardError = FileOutput(fd: 2, name: "standard error", owns: false)

    private init(fd: Int32, name: String, owns: Bool) {
        self.fd = fd
        self.name = name
        ownsDescriptor = owns
    }

    /// Opens `path` for writing, creating it, and truncating it unless `appending`; `-` is standard output.
    static func create(path: String, appending: Bool = false) throws(PorterError) -> FileOutput {
        if path == "-" { return FileOutput(fd: 1, name: "standard output", owns: false) }
        let fd = open(path, O_WRONLY | O_CREAT | (appending ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw PorterError(.writeFailed, "cannot open \(path) for writing: \(String(cString: strerror(errno)))")
        }
        return FileOutput(fd: fd, name: path, owns: true)
    }

    deinit { if ownsDescriptor { _ = close(fd) } }

    /// The size of the file at `path`, or nil when there is none.
    static func size(of path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_size)
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(PorterError) {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    var pollFD = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&pollFD, 1, -1)
                    continue
                }
                throw PorterError(.writeFailed, "writing to \(name) failed after \(bytesWritten + UInt64(offset)) bytes: \(String(cString: strerror(errno)))")
            }
            offset += count
        }
        bytesWritten += UInt64(bytes.count)
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(PorterError) {
        let failure: PorterError? = bytes.withUnsafeBytes { raw in
            do throws(PorterError) {
                try write(raw)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes a line of text, ignoring failures (for diagnostics on standard error).
    func writeLine(_ text: String) {
        try? write(Array((text + "\n").utf8))
    }
}
