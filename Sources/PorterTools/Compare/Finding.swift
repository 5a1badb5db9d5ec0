@_spi(PorterTools) import PorterCore

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
