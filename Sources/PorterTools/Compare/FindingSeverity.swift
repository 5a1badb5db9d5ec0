@_spi(PorterTools) import PorterCore

/// How much a finding of `porter compare` matters, from a passed check to a
/// port that could not be reached. Ordered: the worst finding decides the verdict.
public enum FindingSeverity: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// A check passed.
    case pass
    /// Worth knowing; nothing to fix.
    case info
    /// Works, but falls short of what the Observatory or the preload list ask.
    case warning
    /// Wrong: a user is left unprotected or the chain is broken.
    case failure
    /// A port refused, timed out or spoke the wrong protocol.
    case unreachable

    public static func < (lhs: FindingSeverity, rhs: FindingSeverity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `pass`, `info`, `warning`, `failure` or `unreachable`.
    public var description: String {
        switch self {
        case .pass: "pass"
        case .info: "info"
        case .warning: "warning"
        case .failure: "failure"
        case .unreachable: "unreachable"
        }
    }
}
