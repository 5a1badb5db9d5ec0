internal import COpenSSL
internal import Glibc

/// The server side of one TLS connection over a blocking socket.
///
/// Threading: used by the one connection thread that owns the socket. The
/// thread blocks `SIGPIPE`, since OpenSSL's socket BIO writes with `write(2)`.
final class TLSServerSession {
    private let ssl: OpaquePointer

    init(context: TLSServerContext, descriptor: Int32) throws {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            throw TestSupportError("SSL_new failed: \(drainOpenSSLErrors())")
        }
        self.ssl = ssl
        guard SSL_set_fd(ssl, descriptor) == 1 else {
            throw TestSupportError("SSL_set_fd failed: \(drainOpenSSLErrors())")
        }
    }

    deinit {
        SSL_free(ssl)
    }

    /// Runs the server handshake to completion.
    func accept() throws {
        while true {
            ERR_clear_error()
            let result = SSL_accept(ssl)
            if result == 1 { return }
            if interrupted(result) { continue }
            throw TestSupportError("TLS handshake failed: \(describeFailure(result))")
        }
    }

    /// Whether a call on this blocking socket failed only because a signal interrupted it
    /// (a child process of the test exiting sends SIGCHLD): OpenSSL's socket BIO reports
    /// EINTR as "want read/write", and the call must simply be repeated.
    private func interrupted(_ result: Int32) -> Bool {
        let savedErrno = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return true
        case SSL_ERROR_SYSCALL:
            return savedErrno == EINTR && ERR_peek_error() == 0
        default:
            return false
        }
    }

    /// Reads decrypted bytes; returns 0 at the end of the stream, whether the
    /// client sent `close_notify` or just closed TCP (a test server does not
    /// judge truncation).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        ERR_clear_error()
        var result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        while result <= 0 && interrupted(result) {
            ERR_clear_error()
            result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        }
        if result > 0 {
            return Int(result)
        }
        let error = SSL_get_error(ssl, result)
        switch error {
        case SSL_ERROR_ZERO_RETURN:
            return 0
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0 && (result == 0 || errno == ECONNRESET):
            return 0
        case SSL_ERROR_SSL where ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING:
            ERR_clear_error()
            return 0
        default:
            throw TestSupportError("TLS read failed: \(describeFailure(result))")
        }
    }

    /// Writes every byte, in records of at most 16 KiB.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, 16 * 1024)
            ERR_clear_error()
            let result = SSL_write(ssl, bytes.baseAddress! + offset, Int32(count))
            if result <= 0 && interrupted(result) { continue }
            guard result > 0 else {
                throw TestSupportError("TLS write failed: \(describeFailure(result))")
            }
            offset += Int(result)
        }
    }

    /// Sends `close_notify` without waiting for the client's.
    func sendCloseNotify() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func describeFailure(_ result: Int32) -> String {
        let savedErrno = errno
        let error = SSL_get_error(ssl, result)
        let queue = drainOpenSSLErrors()
        switch error {
        case SSL_ERROR_SYSCALL:
            let cause = savedErrno == 0 ? "unexpected EOF" : String(cString: strerror(savedErrno))
            return queue.isEmpty ? "SSL_ERROR_SYSCALL (\(cause))" : "SSL_ERROR_SYSCALL (\(cause)): \(queue)"
        case SSL_ERROR_ZERO_RETURN:
            return "the peer closed the TLS session"
        default:
            return "SSL_get_error \(error): \(queue)"
        }
    }
}
