internal import COpenSSL

/// A CA certificate's name constraints (RFC 5280 §4.2.1.10), decoded into the
/// DNS and IP subtrees Porter checks the peer's name against.
struct NameConstraintSet {
    /// An address range of an iPAddress constraint: an address and its mask.
    struct AddressRange: CustomStringConvertible {
        let address: [UInt8]
        let mask: [UInt8]

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            return zip(zip(other, address), mask).allSatisfy { pair, mask in pair.0 & mask == pair.1 & mask }
        }

        /// E.g. `192.0.2.0/24`.
        var description: String {
            let bits = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            return "\(X509Fields.ipAddressText(address) ?? "?")/\(bits)"
        }
    }

    /// Every permitted subtree, of any name type.
    var permitted: [SubjectAlternativeName] = []
    /// Every excluded subtree, of any name type.
    var excluded: [SubjectAlternativeName] = []
    var permittedDNS: [String] = []
    var excludedDNS: [String] = []
    var permittedIP: [AddressRange] = []
    var excludedIP: [AddressRange] = []

    /// The constraints of `certificate` (an `X509 *`), or nil when it has none or they cannot be decoded.
    init?(_ certificate: OpaquePointer) {
        guard let raw = X509_get_ext_d2i(certificate, NID_name_constraints, nil, nil) else {
            OpenSSLError.clear()
            return nil
        }
        let constraints = raw.assumingMemoryBound(to: NAME_CONSTRAINTS.self)
        defer { NAME_CONSTRAINTS_free(constraints) }
        read(constraints.pointee.permittedSubtrees, into: &permitted, dns: &permittedDNS, ip: &permittedIP)
        read(constraints.pointee.excludedSubtrees, into: &excluded, dns: &excludedDNS, ip: &excludedIP)
    }

    private func read(
        _ stack: OpaquePointer?, into all: inout [SubjectAlternativeName], dns: inout [String], ip: inout [AddressRange]
    ) {
        guard let stack else { return }
        for position in 0..<COpenSSL_sk_GENERAL_SUBTREE_num(stack) {
            guard let subtree = COpenSSL_sk_GENERAL_SUBTREE_value(stack, position), let base = subtree.pointee.base else { continue }
            all.append(X509Fields.subjectAlternativeName(base))
            switch base.pointee.type {
            case GEN_DNS:
                dns.append(X509Fields.text(base.pointee.d.dNSName))
            case GEN_IPADD:
                let octets = X509Fields.bytes(base.pointee.d.iPAddress)
                if octets.count == 8 || octets.count == 32 {
                    let half = octets.count / 2
                    ip.append(AddressRange(address: Array(octets[..<half]), mask: Array(octets[half...])))
                }
            default:
                break
            }
        }
    }
}
