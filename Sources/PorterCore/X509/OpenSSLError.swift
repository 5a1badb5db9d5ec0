internal import COpenSSL

/// The one place where OpenSSL's return values and error queue are turned
/// into Porter's terms.
enum OpenSSLResult {
    /// The call moved this many bytes (or completed, for a handshake).
    case done(Int)
    /// The call needs the socket to become readable, then to be repeated.
    case wantRead
    /// The call needs the socket to become writable, then to be repeated.
    case wantWrite
    /// The peer ended the TLS stream with `close_notify`.
    case closedCleanly
    /// The peer closed the TCP connection without `close_notify`.
    case closedWithoutNotify
    /// The call failed; `reasons` is the drained error queue, `libraryReason` the first error's reason code.
    case failed(reasons: [String], libraryReason: Int32, systemError: Int32)
}

enum OpenSSLError {
    /// Clears the thread's error queue; call before every `SSL_*` I/O call so
    /// that a stale entry is never mistaken for this call's failure.
    static func clear() { ERR_clear_error() }

    /// Interprets the return value `result` of an `SSL_*` call on `ssl`.
    static func interpret(_ result: Int32, ssl: OpaquePointer, socketError: Int32) -> OpenSSLResult {
        if result > 0 { return .done(Int(result)) }
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closedCleanly
        default:
            let (reasons, first) = drain()
            // Since OpenSSL 3.0 an EOF without close_notify is SSL_ERROR_SSL with this reason.
            if first == SSL_R_UNEXPECTED_EOF_WHILE_READING { return .closedWithoutNotify }
            if code == SSL_ERROR_SYSCALL && reasons.isEmpty && socketError == 0 { return .closedWithoutNotify }
            return .failed(reasons: reasons, libraryReason: first, systemError: socketError)
        }
    }

    /// Empties the thread's error queue into readable strings and the first entry's reason code.
    static func drain() -> ([String], Int32) {
        var reasons: [String] = []
        var first: Int32 = 0
        while true {
            let error = ERR_get_error()
            if error == 0 { break }
            if reasons.isEmpty { first = ERR_GET_REASON(error) }
            var buffer = [UInt8](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { ERR_error_string_n(error, $0.baseAddress, $0.count) }
            }
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self))
        }
        return (reasons, first)
    }

    /// A short description of a failure for messages.
    static func describe(reasons: [String], systemError: Int32) -> String {
        if !reasons.isEmpty {
            return reasons.map { reason in
                // "error:0A000086:SSL routines::certificate verify failed" → "certificate verify failed"
                reason.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? reason
            }.joined(separator: "; ")
        }
        if systemError != 0 { return String(cString: strerror(systemError)) }
        return "unknown TLS error"
    }
}
