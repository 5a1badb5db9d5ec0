@_spi(PorterTools) import PorterCore

/// Everything `porter compare` found: one ``Comparison`` per address compared.
public struct CompareReport: Sendable, Hashable {
    /// What was compared.
    public var target: CompareTarget
    /// One comparison, or one per address with `--all-addresses`.
    public var comparisons: [Comparison]

    /// The worst finding's severity over every comparison.
    public var severity: FindingSeverity { comparisons.map(\.severity).max() ?? .pass }
}
