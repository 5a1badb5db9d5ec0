import PorterCore

/// The text `porter verify` and `porter cert` share: a certificate's role in a
/// chain and its fields, one per line.
enum CertificateText {
    static func role(_ index: Int, in report: CertificateVerification) -> String {
        let certificate = report.chain[index]
        let last = index == report.chain.count - 1
        var role: String
        if index == 0 {
            role = "leaf"
        } else if certificate.isSelfSigned {
            role = "root"
        } else {
            role = "intermediate"
        }
        if last && report.endsInTrustAnchor {
            role += role == "leaf" ? " (itself a trust anchor)" : " (trust anchor)"
        } else if last && certificate.isSelfSigned && index > 0 {
            role += " (not trusted)"
        } else if last && !certificate.isSelfSigned {
            role += " (its issuer was not found)"
        }
        return role
    }

    static func fields(_ certificate: Certificate, at time: CertificateTime) -> [(String, String)] {
        let daysLeft = certificate.daysLeft(at: time)
        let left = daysLeft >= 0 ? "\(daysLeft) days left" : "expired \(-daysLeft) days ago"
        var fields: [(String, String)] = [
            ("subject", certificate.subject),
            ("issuer", certificate.issuer),
            ("names", certificate.subjectAlternativeNames.map { $0.isEmpty ? "(empty)" : $0.map(\.description).joined(separator: ", ") } ?? "(no subject alternative names)"),
            ("valid from", certificate.notBefore.iso8601),
            ("valid until", "\(certificate.notAfter.iso8601) (\(left))"),
            ("serial", certificate.serialNumber),
            ("sha256 fingerprint", certificate.sha256Fingerprint),
            ("public key pin", certificate.pinnedPublicKey),
            ("key", certificate.publicKey.description),
            ("signature", certificate.signatureAlgorithm),
            ("basic constraints", certificate.basicConstraints?.description ?? "(none)"),
            ("key usage", certificate.keyUsage.map { $0.joined(separator: ", ") } ?? "(none)"),
            ("extended key usage", certificate.extendedKeyUsage.map { $0.joined(separator: ", ") } ?? "(none)"),
        ]
        if certificate.version != 3 { fields.insert(("version", "\(certificate.version)"), at: 0) }
        return fields
    }
}
