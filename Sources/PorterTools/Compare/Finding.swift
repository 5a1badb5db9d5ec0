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

/// The part of the report a finding belongs to.
public enum FindingSection: String, Sendable, Hashable, CaseIterable {
    /// Whether each port answered, in the protocol expected.
    case reachability
    /// Each side's redirect chain.
    case redirects
    /// `Strict-Transport-Security` and the preload list.
    case hsts
    /// The final responses' fields, security headers first.
    case headers
    /// `Set-Cookie` attributes.
    case cookies
    /// The final statuses and bodies.
    case content
    /// The HTTPS side's certificate and handshake.
    case tls
}

/// One verdict of a comparison: a stable code to gate on, how much it
/// matters, and a sentence saying what was seen and what to do.
public struct Finding: Sendable, Hashable {
    /// A stable identifier such as `redirects.temporary` or `hsts.maxAgeShort`.
    public var code: String
    /// How much it matters.
    public var severity: FindingSeverity
    /// Where it belongs in the report.
    public var section: FindingSection
    /// `http` or `https` when the finding is about one side only.
    public var side: String?
    /// What was seen, and what would fix it.
    public var message: String

    /// Creates a finding.
    public init(_ code: String, _ severity: FindingSeverity, _ section: FindingSection, side: String? = nil, _ message: String) {
        self.code = code
        self.severity = severity
        self.section = section
        self.side = side
        self.message = message
    }
}
