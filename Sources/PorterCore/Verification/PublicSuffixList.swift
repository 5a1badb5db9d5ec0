internal import CPSL

/// The Public Suffix List (publicsuffix.org): the domains under which anyone
/// may register names, such as `com`, `co.uk` or `s3.amazonaws.com`, as
/// libpsl knows it (curl uses the same library).
///
/// libpsl's newest list is used: the one Debian's `publicsuffix` package
/// installs, or the one built into the library if that is newer. A name no
/// rule covers is judged by the list's implicit `*` rule (its last label is
/// a public suffix), so single-label names always are. Immutable; safe from
/// any thread (libpsl's context is read-only once loaded).
struct PublicSuffixList: Sendable {
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer? }

    /// The process's list, loaded on first use.
    static let shared = PublicSuffixList(context: Context(pointer: psl_latest(nil) ?? psl_builtin()))

    private let context: Context

    private init(context: Context) { self.context = context }

    /// Whether libpsl found a list (otherwise only single-label names count as public suffixes).
    var isLoaded: Bool { context.pointer != nil }

    /// Whether `domain` (an A-label name, no trailing dot) is itself a public suffix.
    func isPublicSuffix(_ domain: String) -> Bool {
        let domain = domain.lowercased()
        guard let pointer = context.pointer else { return !domain.contains(".") }
        return psl_is_public_suffix2(pointer, domain, Int32(PSL_TYPE_ANY)) != 0
    }
}
