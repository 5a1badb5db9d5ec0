/// A certificate's basic constraints extension (RFC 5280 §4.2.1.9): whether
/// it belongs to a certificate authority, and how many CAs may follow it.
public struct BasicConstraints: Sendable, Hashable, CustomStringConvertible {
    /// Whether the certified key may sign certificates (`cA`).
    public let isCertificateAuthority: Bool
    /// The most intermediate CA certificates that may follow this one (`pathLenConstraint`), if limited.
    public let pathLengthConstraint: Int?
    /// Whether the extension is marked critical.
    public let isCritical: Bool

    /// Creates a basic constraints value.
    public init(isCertificateAuthority: Bool, pathLengthConstraint: Int?, isCritical: Bool) {
        self.isCertificateAuthority = isCertificateAuthority
        self.pathLengthConstraint = pathLengthConstraint
        self.isCritical = isCritical
    }

    /// E.g. `critical, CA:TRUE, pathlen:0` or `CA:FALSE`.
    public var description: String {
        var parts: [String] = []
        if isCritical { parts.append("critical") }
        parts.append(isCertificateAuthority ? "CA:TRUE" : "CA:FALSE")
        if let pathLengthConstraint { parts.append("pathlen:\(pathLengthConstraint)") }
        return parts.joined(separator: ", ")
    }
}
