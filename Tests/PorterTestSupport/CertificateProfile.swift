/// One `[ name ]` extensions section of a test PKI's openssl configuration, built from
/// what differs between certificates, so that each set names its profiles in a line each.
public struct CertificateProfile: Sendable {
    public let name: String
    private let lines: [String]

    /// A CA: `pathLength` limits the CAs under it; `signs` adds digitalSignature (an
    /// intermediate that signs OCSP responses); `permittedDNS` adds a name constraint.
    public static func authority(_ name: String, pathLength: Int? = nil, signs: Bool = false, permittedDNS: String? = nil, root: Bool = false) -> CertificateProfile {
        var lines = ["basicConstraints = critical, CA:TRUE" + (pathLength.map { ", pathlen:\($0)" } ?? "")]
        lines.append("keyUsage = critical, keyCertSign, cRLSign" + (signs ? ", digitalSignature" : ""))
        if let permittedDNS { lines.append("nameConstraints = critical, permitted;DNS:\(permittedDNS)") }
        lines.append("subjectKeyIdentifier = hash")
        if !root { lines.append("authorityKeyIdentifier = keyid:always") }
        return CertificateProfile(name: name, lines: lines)
    }

    /// An end-entity certificate for `usage` (serverAuth or clientAuth) and, when given,
    /// these subject alternative names (`DNS:a, IP:b`).
    public static func leaf(
        _ name: String, names: String?, usage: String = "serverAuth", keyEncipherment: Bool = false, selfIssued: Bool = false
    ) -> CertificateProfile {
        var lines = ["basicConstraints = critical, CA:FALSE", "keyUsage = critical, digitalSignature" + (keyEncipherment ? ", keyEncipherment" : "")]
        lines.append("extendedKeyUsage = \(usage)")
        if let names { lines.append("subjectAltName = \(names)") }
        lines.append("subjectKeyIdentifier = hash")
        if !selfIssued { lines.append("authorityKeyIdentifier = keyid:always") }
        return CertificateProfile(name: name, lines: lines)
    }

    /// The section's text.
    public var text: String { "[ \(name) ]\n" + lines.map { $0 + "\n" }.joined() + "\n" }

    /// The sections of `profiles`, as `TestPKI` takes them.
    public static func configuration(_ profiles: [CertificateProfile]) -> String {
        profiles.map(\.text).joined()
    }
}
