internal import COpenSSL

/// What the explanations of a verification's problems refer to: the chain as
/// built, which end of it is trusted, the name asked for and the time.
///
/// Turns OpenSSL's verification errors into ``CertificateProblem``s that name
/// the certificate at fault and say what would fix it. Built and used by one
/// ``CertificateVerifier/verify(leaf:intermediates:)`` call.
@_spi(PorterTools) public struct ChainContext {
    /// The chain as built, leaf first.
    public let chain: [Certificate]
    /// Whether the last certificate of ``chain`` is one of the trust anchors.
    public let endsInTrustAnchor: Bool
    /// The name the leaf was checked against.
    public let peerName: CertificateVerifier.PeerName?
    /// The time the chain was judged at.
    public let time: CertificateTime
    /// Whether ``time`` is the clock's time rather than one the caller chose.
    public let timeIsNow: Bool
    /// Which options the advice names: `porter verify`'s or a connection's.
    public var wording: Wording = .offline

    /// Creates a context for explaining a chain's problems.
    public init(
        chain: [Certificate], endsInTrustAnchor: Bool, peerName: CertificateVerifier.PeerName?, time: CertificateTime,
        timeIsNow: Bool, wording: Wording = .offline
    ) {
        self.chain = chain
        self.endsInTrustAnchor = endsInTrustAnchor
        self.peerName = peerName
        self.time = time
        self.timeIsNow = timeIsNow
        self.wording = wording
    }

    /// The command whose options an explanation's advice names.
    public enum Wording: Sendable {
        /// `porter verify`: `--ca` and `--untrusted`.
        case offline
        /// A connection (`porter URL`, `porter cert`): `--cacert`.
        case connection

        var trustOption: String { self == .offline ? "--ca" : "--cacert" }

        var missingIssuerAdvice: String {
            self == .offline
                ? "the server must send its intermediate certificates (or pass them with --untrusted, or with --ca if it is a root you trust)"
                : "the server must send its intermediate certificates (or pass the CA with --cacert if it is a root you trust)"
        }
    }

    // MARK: - Naming certificates

    /// E.g. `the leaf certificate CN=localhost`, `the intermediate CN=Issuing CA`, `the root CN=Root`.
    public func named(_ index: Int?, _ certificate: Certificate? = nil) -> String {
        guard let certificate = certificate ?? index.flatMap(certificate(at:)) else { return "a certificate in the chain" }
        return "\(role(index, certificate)) \(certificate.subject)"
    }

    func role(_ index: Int?, _ certificate: Certificate) -> String {
        if index == 0 { return "the leaf certificate" }
        if let index, index == chain.count - 1, endsInTrustAnchor { return "the trust anchor" }
        if certificate.isSelfSigned { return "the root" }
        return "the intermediate"
    }

    func certificate(at index: Int) -> Certificate? {
        index >= 0 && index < chain.count ? chain[index] : nil
    }

    /// `when` relative to the validation time: `23 days ago (2026-10-29T00:00:00Z)`,
    /// `in 5 hours (…)`, or, when the time was given, `on 2021-01-01T00:00:00Z, 365 days before the validation time …`.
    public func relative(_ when: CertificateTime) -> String {
        let seconds = when.secondsSinceEpoch - time.secondsSinceEpoch
        let magnitude = seconds.magnitude
        let amount: String
        switch magnitude {
        case 86_400...: amount = Self.plural(Int(magnitude / 86_400), "day")
        case 3600...: amount = Self.plural(Int(magnitude / 3600), "hour")
        case 60...: amount = Self.plural(Int(magnitude / 60), "minute")
        default: amount = Self.plural(Int(magnitude), "second")
        }
        if timeIsNow {
            if seconds == 0 { return "this very second (\(when))" }
            return seconds < 0 ? "\(amount) ago (\(when))" : "in \(amount) (\(when))"
        }
        if seconds == 0 { return "at \(when), the validation time" }
        return "on \(when), \(amount) \(seconds < 0 ? "before" : "after") the validation time \(time)"
    }

    static func plural(_ count: Int, _ unit: String) -> String { count == 1 ? "1 \(unit)" : "\(count) \(unit)s" }

    /// The names a certificate is valid for, e.g. `DNS:example.com, IP:192.0.2.1`.
    static func validNames(_ certificate: Certificate) -> String {
        let names = (certificate.subjectAlternativeNames ?? []).filter {
            if case .dnsName = $0 { return true }
            if case .ipAddress = $0 { return true }
            return false
        }
        return names.isEmpty ? "no DNS name or IP address" : names.map(\.description).joined(separator: ", ")
    }

    // MARK: - OpenSSL's errors

    /// The problem OpenSSL reported as `error` at `depth`, about `culprit` (the certificate it was checking).
    func problem(openSSLError error: Int32, depth: Int, culprit: Certificate?) -> CertificateProblem {
        let certificate = culprit ?? certificate(at: depth)
        let index: Int? = depth >= 0 ? depth : nil
        let who = named(index, certificate)
        func make(_ code: CertificateProblem.Code, _ text: String) -> CertificateProblem {
            CertificateProblem(code: code, certificateIndex: index, subject: certificate?.subject, explanation: text)
        }
        let openSSLText = String(cString: X509_verify_cert_error_string(Int(error)))
        guard let certificate else { return make(.otherFailure, "\(openSSLText) (OpenSSL error \(error) at depth \(depth))") }

        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return make(.expired, "\(who) expired \(relative(certificate.notAfter)); \(renewal(index, certificate))")
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return make(.notYetValid, "\(who) is not valid yet: its validity starts \(relative(certificate.notBefore)); check this machine's clock, or the server must use a certificate that is valid now")
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return make(.hostnameMismatch, mismatch(who, certificate))
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return make(.selfSignedLeaf, "\(who) is self-signed and is not a trust anchor; trust it explicitly (\(wording.trustOption)) only if you know it is the server's, or the server needs a certificate from a CA")
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return make(.untrustedRoot, "the chain ends in the root \(certificate.subject), which is not a trust anchor (it is not in the trust store); add it to the trust anchors (\(wording.trustOption)) if you trust it")
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            if let index, index == chain.count - 1, endsInTrustAnchor, !certificate.isSelfSigned {
                return make(.incompleteChain, "\(who) is trusted but is not a self-signed root, and its issuer \(certificate.issuer) is not a trust anchor; a chain must end in a self-signed root: add \(certificate.issuer) to the trust anchors")
            }
            return make(.incompleteChain, "the issuer of \(who) is missing: the server did not send the intermediate \(certificate.issuer), and no trust anchor has that name; \(wording.missingIssuerAdvice)")
        case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
            return make(.badSignature, "the signature on \(who) does not verify with the key of its issuer \(certificate.issuer); the certificate was altered or was not issued by that CA")
        case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, X509_V_ERR_NO_ISSUER_PUBLIC_KEY:
            return make(.badSignature, "the key of the issuer of \(who) cannot be decoded, so its signature cannot be checked")
        case X509_V_ERR_CA_MD_TOO_WEAK:
            return make(.weakSignatureAlgorithm, "\(who) is signed with \(certificate.signatureAlgorithm), a digest too weak to trust (SHA-1 and MD5 are refused); its CA must reissue it with SHA-256 or better")
        case X509_V_ERR_EE_KEY_TOO_SMALL, X509_V_ERR_CA_KEY_TOO_SMALL:
            return make(.weakKey, weakKey(who, certificate.publicKey))
        case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS:
            return make(.invalidCertificate, "\(who) spells out its elliptic curve instead of naming it (RFC 5480 §2.1.1 allows only named curves); it must be reissued with a named curve such as P-256")
        case X509_V_ERR_PERMITTED_VIOLATION, X509_V_ERR_EXCLUDED_VIOLATION, X509_V_ERR_SUBTREE_MINMAX,
             X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE, X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX, X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
            return make(.nameConstraintsViolated, "\(who) has a name that \(constrainingCAs(above: index)) may not certify (\(openSSLText)); a CA may issue only for the names its name constraints permit")
        case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
            return make(.wrongKeyUsage, "\(who) signed a certificate, but its key usage (\(usageList(certificate.keyUsage))) does not include keyCertSign; its CA must reissue it with keyCertSign")
        case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
            return make(.wrongKeyUsage, "\(who) has key usage \(usageList(certificate.keyUsage)), without digitalSignature; it must be reissued with digitalSignature")
        case X509_V_ERR_INVALID_PURPOSE:
            return purposeProblem(index, who, certificate, make)
        case X509_V_ERR_INVALID_CA, X509_V_ERR_INVALID_NON_CA:
            let constraints = certificate.basicConstraints.map(\.description) ?? "no basic constraints"
            return make(.notACertificateAuthority, "\(who) signs certificates but is not a certificate authority (\(constraints)); only a CA certificate with cA set may issue others")
        case X509_V_ERR_PATH_LENGTH_EXCEEDED:
            return make(.pathTooLong, "\(who) may have at most \(certificate.basicConstraints?.pathLengthConstraint ?? 0) CA certificates below it (its path length constraint), but the chain has more; the chain is not one this CA may issue")
        case X509_V_ERR_CERT_CHAIN_TOO_LONG:
            return make(.pathTooLong, "the chain from \(who) to a trust anchor is longer than the maximum depth allowed")
        case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
            return make(.invalidCertificate, "\(who) has an extension marked critical that is not understood, so it must be rejected (RFC 5280 §4.2); its CA must reissue it without that extension")
        default:
            return make(.invalidCertificate, "\(who) is not a valid certificate: \(openSSLText) (RFC 5280); its CA must reissue it")
        }
    }

    // MARK: - Wording shared with Porter's own checks

    public func renewal(_ index: Int?, _ certificate: Certificate) -> String {
        if index == 0 { return "the server must renew it" }
        if let index, index == chain.count - 1, endsInTrustAnchor { return "replace it in the trust store with a current root" }
        return "the server must send the CA's current certificate, or the CA must renew it"
    }

    func mismatch(_ who: String, _ certificate: Certificate) -> String {
        let asked: String
        switch peerName {
        case .dnsName(let name): asked = name
        case .ipAddress(let address): asked = address
        case nil: asked = "the peer"
        }
        if certificate.subjectAlternativeNames == nil {
            let common = certificate.commonNames.isEmpty ? "" : " and names \(certificate.commonNames.joined(separator: ", ")) only in its subject common name, which is not accepted (RFC 9525 §6.3)"
            return "\(who) is not valid for \(asked): it has no subject alternative names\(common); the server needs a certificate with \(asked) in its subject alternative names"
        }
        return "\(who) is not valid for \(asked); it is valid for: \(Self.validNames(certificate)); connect to one of those names, or the server needs a certificate that names \(asked)"
    }

    func weakKey(_ who: String, _ key: CertificatePublicKey) -> String {
        if key.algorithm == "DSA" {
            return "\(who) has a DSA key (\(key.bits) bits); DSA is not allowed for TLS server chains (CA/B Forum BR §6.1.5); it must be reissued with an RSA or ECDSA key"
        }
        if key.algorithm.hasPrefix("RSA"), key.bits >= 2048, key.bits % 8 != 0 {
            return "\(who) has an RSA key of \(key.bits) bits, not a multiple of 8 (CA/B Forum BR §6.1.5); it must be reissued with a standard key size"
        }
        return "\(who) has a \(key) key, too weak to trust (RSA needs at least 2048 bits, EC at least 256); it must be reissued with a stronger key"
    }

    func constrainingCAs(above index: Int?) -> String {
        let start = (index ?? 0) + 1
        let holders = chain.indices.filter { $0 >= start && X509Fields.extensionInfo(chain[$0].handle.pointer, nid: NID_name_constraints).present }
        guard !holders.isEmpty else { return "its issuers" }
        return holders.map { named($0) }.joined(separator: " and ")
    }

    func usageList(_ usages: [String]?) -> String {
        guard let usages else { return "none" }
        return usages.isEmpty ? "empty" : usages.joined(separator: ", ")
    }

    private func purposeProblem(
        _ index: Int?, _ who: String, _ certificate: Certificate,
        _ make: (CertificateProblem.Code, String) -> CertificateProblem
    ) -> CertificateProblem {
        if index == 0, certificate.basicConstraints?.isCertificateAuthority == true {
            return make(.certificateAuthorityAsLeaf, "\(who) is a certificate authority's certificate, not a server's; the server must present a certificate issued for it")
        }
        if let purposes = certificate.extendedKeyUsage, !purposes.contains("serverAuth"), !purposes.contains("anyExtendedKeyUsage") {
            let list = purposes.isEmpty ? "no purpose at all" : purposes.joined(separator: ", ")
            if index == 0 {
                return make(.wrongExtendedKeyUsage, "\(who) is not for TLS servers: its extended key usage allows \(list), not serverAuth; it must be reissued with serverAuth")
            }
            return make(.wrongExtendedKeyUsage, "\(who) may only issue certificates for \(list), not for TLS servers (its extended key usage lacks serverAuth)")
        }
        if index == 0, let usages = certificate.keyUsage {
            return make(.wrongKeyUsage, "\(who) has key usage \(usageList(usages)), which allows no TLS server key exchange (digitalSignature or keyEncipherment); it must be reissued with digitalSignature")
        }
        return make(.wrongKeyUsage, "\(who) may not be used for TLS server authentication (its key usage, extended key usage or basic constraints forbid it)")
    }
}
