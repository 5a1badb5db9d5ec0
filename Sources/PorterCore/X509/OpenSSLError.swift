internal import COpenSSL

/// OpenSSL's error queue, drained into Swift values: the one way Porter reads it.
///
/// Every failing libcrypto or libssl call is followed by ``drain()``; the
/// stack then becomes a ``PorterError`` through ``error(_:_:systemError:)``,
/// or lends its words to a longer message through ``description(systemError:)``.
struct OpenSSLErrorStack: Sendable, CustomStringConvertible {
    /// One entry of the queue.
    struct Entry: Sendable {
        /// The packed error code (`ERR_get_error`).
        let code: UInt
        /// The library that raised it (`ERR_GET_LIB`, e.g. `ERR_LIB_SSL`).
        let library: Int32
        /// The reason within that library (`ERR_GET_REASON`, e.g. `SSL_R_WRONG_VERSION_NUMBER`).
        let reason: Int32
        /// OpenSSL's own words, e.g. `certificate verify failed`.
        let text: String
    }

    /// The entries, oldest first.
    let entries: [Entry]

    /// Empties the thread's error queue.
    static func drain() -> OpenSSLErrorStack {
        var entries: [Entry] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [UInt8](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            }
            let full = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            // "error:0A000086:SSL routines::certificate verify failed" -> "certificate verify failed"
            let text = full.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? full
            entries.append(Entry(code: code, library: ERR_GET_LIB(code), reason: ERR_GET_REASON(code), text: text))
        }
        return OpenSSLErrorStack(entries: entries)
    }

    /// Whether the queue held nothing.
    var isEmpty: Bool { entries.isEmpty }

    /// The first entry's reason code, 0 when there is none.
    var firstReason: Int32 { entries.first?.reason ?? 0 }

    /// The entries' words, joined; `systemError`'s when there are none.
    func description(systemError: Int32) -> String {
        if !entries.isEmpty { return entries.map(\.text).joined(separator: "; ") }
        if systemError != 0 { return String(cString: strerror(systemError)) }
        return "unknown TLS error"
    }

    var description: String { description(systemError: 0) }

    /// The error `code` with the reason "`context`: what OpenSSL said".
    func error(_ code: PorterError.Code, _ context: String, systemError: Int32 = 0, fileID: String = #fileID, line: Int = #line) -> PorterError {
        PorterError(code, "\(context): \(description(systemError: systemError))", fileID: fileID, line: line)
    }
}

/// The one place where the result of an `SSL_*` I/O call is turned into Porter's terms.
enum OpenSSLResult {
    /// The call moved this many bytes (or completed, for a handshake).
    case done(Int)
    /// The call needs the layer below to become readable, then to be repeated.
    case wantRead
    /// The call needs the layer below to become writable, then to be repeated.
    case wantWrite
    /// The peer ended the TLS stream with `close_notify`.
    case closedCleanly
    /// The peer closed the connection without `close_notify`.
    case closedWithoutNotify
    /// The call failed with this error stack; `systemError` is the `errno` of the layer below, 0 when none.
    case failed(OpenSSLErrorStack, systemError: Int32)
}

enum OpenSSLError {
    /// Clears the thread's error queue; call before every `SSL_*` I/O call so
    /// that a stale entry is never mistaken for this call's failure.
    static func clear() { ERR_clear_error() }

    /// Interprets the return value `result` of an `SSL_*` call on `ssl` (`SSL_get_error`, read here only).
    static func interpret(_ result: Int32, ssl: OpaquePointer, socketError: Int32) -> OpenSSLResult {
        if result > 0 { return .done(Int(result)) }
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closedCleanly
        default:
            let stack = OpenSSLErrorStack.drain()
            // Since OpenSSL 3.0 an EOF without close_notify is SSL_ERROR_SSL with this reason.
            if stack.firstReason == SSL_R_UNEXPECTED_EOF_WHILE_READING { return .closedWithoutNotify }
            if code == SSL_ERROR_SYSCALL && stack.isEmpty && socketError == 0 { return .closedWithoutNotify }
            return .failed(stack, systemError: socketError)
        }
    }
}
