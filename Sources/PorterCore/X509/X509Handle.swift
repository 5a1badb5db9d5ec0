internal import COpenSSL

/// Owns one reference to an OpenSSL `X509 *` and gives it back when the last
/// ``Certificate`` holding it goes away.
///
/// `@unchecked Sendable`: Porter never changes a certificate after decoding
/// it, and OpenSSL guards the one thing it computes lazily (the cached
/// extension flags) with its own lock, so any thread may read it at once.
final class X509Handle: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes over the caller's reference to `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Adds a reference to `pointer` (one borrowed from a stack or a store context) and owns that.
    init(retaining pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }
}
