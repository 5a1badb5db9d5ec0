internal import COpenSSL
import Synchronization

/// Resumable TLS sessions by origin. Thread-safe.
final class TLSSessionCache: Sendable {
    private final class Entry: @unchecked Sendable {
        let session: OpaquePointer
        init(_ session: OpaquePointer) { self.session = session }
        deinit { SSL_SESSION_free(session) }
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Takes ownership of one reference to `session`.
    func store(_ session: OpaquePointer, for origin: String) {
        let entry = Entry(session)
        entries.withLock { $0[origin] = entry }
    }

    /// Sets the cached session for `origin` on `ssl`, if there is one.
    /// A TLS 1.3 ticket is used once: it is removed when handed out.
    func resume(_ ssl: OpaquePointer, origin: String) {
        guard let entry = entries.withLock({ $0[origin] }) else { return }
        if SSL_SESSION_get_protocol_version(entry.session) == TLS1_3_VERSION {
            entries.withLock { if $0[origin] === entry { $0[origin] = nil } }
        }
        if SSL_SESSION_is_resumable(entry.session) == 1 {
            _ = SSL_set_session(ssl, entry.session)
        }
    }
}
