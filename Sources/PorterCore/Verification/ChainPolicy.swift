internal import COpenSSL

/// Porter's own checks, run after OpenSSL's on the chain it built: rules of
/// RFC 5280 and of the CA/Browser Forum's Baseline Requirements (BR) for TLS
/// server certificates that OpenSSL 3.0 does not enforce.
///
/// Each rule only adds problems; none removes or softens one of OpenSSL's.
/// Where a rule restates one of OpenSSL's (a small RSA key, a name
/// mismatch), it is not reported twice for the same certificate. The
/// x509-limbo cases each rule settles are listed in docs/CERTIFICATES.md.
struct ChainPolicy {
    let context: ChainContext
    /// What OpenSSL found, to avoid saying the same thing twice.
    let reported: [CertificateProblem]

    private var chain: [Certificate] { context.chain }

    func problems() -> [CertificateProblem] {
        var found: [CertificateProblem] = []
        for index in chain.indices {
            found += structure(index)
            found += key(index)
            found += nameConstraintSyntax(index)
        }
        found += trustAnchorProfile()
        found += leafNames()
        found += leafUsage()
        found += peerNameConstraints()
        return found.filter { problem in
            !(Self.overlapping.contains(problem.code)
                && reported.contains { $0.code == problem.code && $0.certificateIndex == problem.certificateIndex })
        }
    }

    /// Codes for which a rule here restates what OpenSSL may already have said about the same
    /// certificate (a small RSA key, a name mismatch, a CA certificate as the leaf).
    private static let overlapping: Set<CertificateProblem.Code> = [.weakKey, .hostnameMismatch, .certificateAuthorityAsLeaf]

    private func problem(_ code: CertificateProblem.Code, _ index: Int, _ text: String) -> CertificateProblem {
        CertificateProblem(code: code, certificateIndex: index, subject: chain[index].subject, explanation: text)
    }

    private func isTrustAnchor(_ index: Int) -> Bool {
        context.endsInTrustAnchor && index == chain.count - 1
    }

    // MARK: - Every certificate

    /// Serial numbers, extensions that cannot be decoded, policy constraints.
    /// Trust anchors are exempt: only their name and key are used (RFC 5280 §6.1.1).
    private func structure(_ index: Int) -> [CertificateProblem] {
        guard !isTrustAnchor(index) else { return [] }
        let certificate = chain[index]
        let pointer = certificate.handle.pointer
        let who = context.named(index)
        var found: [CertificateProblem] = []

        // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets.
        let serial = X509Fields.serial(pointer)
        if !serial.isPositive {
            found.append(problem(.invalidCertificate, index, "\(who) has serial number \(serial.hex), but a serial number must be positive (RFC 5280 §4.1.2.2); its CA must reissue it"))
        } else if serial.encodedLength > 20 {
            found.append(problem(.invalidCertificate, index, "\(who) has a serial number of \(serial.encodedLength) octets, more than the 20 allowed (RFC 5280 §4.1.2.2); its CA must reissue it"))
        }

        // RFC 5280 §4.2: an extension OpenSSL knows must decode as its syntax says.
        for position in 0..<X509_get_ext_count(pointer) {
            guard let item = X509_get_ext(pointer, position), let method = X509V3_EXT_get(item) else { continue }
            guard let decoded = X509V3_EXT_d2i(item) else {
                let name = X509_EXTENSION_get_object(item).map { X509Fields.objectName($0, shortName: false) } ?? "an extension"
                found.append(problem(.invalidCertificate, index, "\(who) has a malformed \(name) extension (RFC 5280 §4.2); its CA must reissue it"))
                OpenSSLError.clear()
                continue
            }
            if let item = method.pointee.it {
                ASN1_item_free(OpaquePointer(decoded), item())
            } else if let free = method.pointee.ext_free {
                free(decoded)
            }
        }

        // RFC 5280 §4.2.1.11: "Conforming CAs MUST mark this extension as critical."
        let policyConstraints = X509Fields.extensionInfo(pointer, nid: NID_policy_constraints)
        if policyConstraints.present && !policyConstraints.critical {
            found.append(problem(.invalidCertificate, index, "\(who) has a policy constraints extension that is not marked critical, which RFC 5280 §4.2.1.11 requires; its CA must reissue it"))
        }
        return found
    }

    /// BR §6.1.5: RSA keys of at least 2048 bits and a multiple of 8, or ECDSA; no DSA.
    private func key(_ index: Int) -> [CertificateProblem] {
        let key = chain[index].publicKey
        let weak = key.algorithm == "DSA" || (key.algorithm.hasPrefix("RSA") && (key.bits < 2048 || key.bits % 8 != 0))
        guard weak else { return [] }
        return [problem(.weakKey, index, context.weakKey(context.named(index), key))]
    }

    /// RFC 5280 §4.2.1.10: name constraints only in CA certificates, never
    /// empty, and DNS bases that are DNS names (no leading period).
    private func nameConstraintSyntax(_ index: Int) -> [CertificateProblem] {
        let certificate = chain[index]
        let pointer = certificate.handle.pointer
        guard X509Fields.extensionInfo(pointer, nid: NID_name_constraints).present else { return [] }
        let who = context.named(index)
        var found: [CertificateProblem] = []
        if index == 0 && certificate.basicConstraints?.isCertificateAuthority != true {
            found.append(problem(.invalidCertificate, 0, "\(who) is not a CA certificate but has a name constraints extension, which RFC 5280 §4.2.1.10 allows only in CA certificates; its CA must reissue it"))
        }
        guard let constraints = NameConstraintSet(pointer) else { return found }
        if constraints.permitted.isEmpty && constraints.excluded.isEmpty {
            found.append(problem(.invalidCertificate, index, "\(who) has an empty name constraints extension, which RFC 5280 §4.2.1.10 forbids; its CA must reissue it"))
        }
        for base in constraints.permittedDNS + constraints.excludedDNS where !base.isEmpty && !DNSNameSyntax.isValid(base, allowsWildcard: false) {
            found.append(problem(.invalidCertificate, index, "\(who) has a name constraint on the DNS name \"\(base)\", which is not a DNS name (RFC 5280 §4.2.1.10: no leading period, no wildcard); it must be reissued"))
        }
        return found
    }

    // MARK: - The root

    /// BR §7.1.2.1: a root has no extended key usage, and an authority key
    /// identifier, if present, carries the key identifier.
    private func trustAnchorProfile() -> [CertificateProblem] {
        guard context.endsInTrustAnchor, let index = chain.indices.last, index > 0 else { return [] }
        let root = chain[index]
        guard root.isSelfSigned else { return [] }
        let pointer = root.handle.pointer
        let who = context.named(index)
        var found: [CertificateProblem] = []
        if root.extendedKeyUsage != nil {
            found.append(problem(.invalidCertificate, index, "\(who) is a root with an extended key usage extension, which roots must not have (CA/B Forum BR §7.1.2.1.2); use a root made to the Baseline Requirements"))
        }
        if X509Fields.extensionInfo(pointer, nid: NID_authority_key_identifier).present, X509_get0_authority_key_id(pointer) == nil {
            found.append(problem(.invalidCertificate, index, "\(who) is a root whose authority key identifier lacks the key identifier (CA/B Forum BR §7.1.2.1.3); use a root made to the Baseline Requirements"))
        }
        return found
    }

    // MARK: - The leaf

    private func leafNames() -> [CertificateProblem] {
        let leaf = chain[0]
        let who = context.named(0)
        var found: [CertificateProblem] = []

        guard let alternativeNames = leaf.subjectAlternativeNames else {
            // RFC 9525 §6.3, BR §7.1.2.7.12: the names are in subjectAltName; a CN alone names nothing.
            if context.peerName != nil {
                found.append(problem(.hostnameMismatch, 0, context.mismatch(who, leaf)))
            }
            return found
        }
        let dnsNames = alternativeNames.compactMap { name -> String? in
            if case .dnsName(let value) = name { return value }
            return nil
        }
        let addresses = alternativeNames.compactMap { name -> String? in
            if case .ipAddress(let value) = name { return value }
            return nil
        }

        // RFC 5280 §4.2.1.6: critical only when the subject is empty (BR §7.1.2.7.12: MUST NOT otherwise).
        let extensionInfo = X509Fields.extensionInfo(leaf.handle.pointer, nid: NID_subject_alt_name)
        if extensionInfo.critical && !X509Fields.isEmpty(X509_get_subject_name(leaf.handle.pointer)) {
            found.append(problem(.invalidCertificate, 0, "\(who) marks its subject alternative names critical although its subject is not empty (RFC 5280 §4.2.1.6, CA/B Forum BR §7.1.2.7.12); its CA must reissue it"))
        }

        // RFC 5280 §4.2.1.6: DNS names in the preferred name syntax.
        for name in dnsNames where !DNSNameSyntax.isValid(name, allowsWildcard: true) {
            found.append(problem(.invalidCertificate, 0, "\(who) has the subject alternative name \"\(name)\", which is not a valid DNS name (RFC 5280 §4.2.1.6: letters, digits and hyphens; a wildcard only as the whole leftmost label); its CA must reissue it"))
        }

        // BR §7.1.4.3: a common name is a character-for-character copy of a SAN entry.
        for commonName in leaf.commonNames {
            if DNSNameSyntax.looksLikeIPAddress(commonName) {
                if !addresses.contains(commonName) {
                    found.append(problem(.invalidCertificate, 0, "\(who) has the common name \"\(commonName)\", an IP address that is not the canonical form of one of its subject alternative names (\(ChainContext.validNames(leaf))) (CA/B Forum BR §7.1.4.3); its CA must reissue it"))
                }
            } else if !dnsNames.contains(commonName), dnsNames.contains(where: { $0.lowercased() == commonName.lowercased() }) {
                found.append(problem(.invalidCertificate, 0, "\(who) has the common name \"\(commonName)\", which differs in letter case from its subject alternative name; it must be an exact copy (CA/B Forum BR §7.1.4.3)"))
            } else if commonName.unicodeScalars.contains(where: { !$0.isASCII }), commonName.contains("."), !commonName.contains(" ") {
                found.append(problem(.invalidCertificate, 0, "\(who) has the common name \"\(commonName)\", a Unicode domain name; a common name must copy the ASCII (xn--) form of a subject alternative name (CA/B Forum BR §7.1.4.3)"))
            }
        }

        // BR §3.2.2.6: no wildcard directly over a public suffix (*.co.uk); OpenSSL refuses only *.tld.
        if case .dnsName(let host) = context.peerName,
           !reported.contains(where: { $0.code == .hostnameMismatch && $0.certificateIndex == 0 }),
           !dnsNames.contains(where: { $0.lowercased() == host.lowercased() }) {
            let wildcards = dnsNames.filter { DNSNameSyntax.wildcard($0, matches: host) }
            let overSuffixes = wildcards.filter { PublicSuffixList.shared.isPublicSuffix(String($0.dropFirst(2))) }
            if !wildcards.isEmpty, overSuffixes.count == wildcards.count {
                let pattern = overSuffixes[0]
                found.append(problem(.hostnameMismatch, 0, "\(who) matches \(host) only through the wildcard \(pattern), which covers the public suffix \(pattern.dropFirst(2)) (CA/B Forum BR §3.2.2.6: no CA may issue it); the server needs a certificate that names \(host)"))
            }
        }
        return found
    }

    private func leafUsage() -> [CertificateProblem] {
        let leaf = chain[0]
        let who = context.named(0)
        var found: [CertificateProblem] = []
        if leaf.extendedKeyUsage != nil {
            if X509Fields.extensionInfo(leaf.handle.pointer, nid: NID_ext_key_usage).critical {
                found.append(problem(.wrongExtendedKeyUsage, 0, "\(who) marks its extended key usage critical, which server certificates must not (CA/B Forum BR §7.1.2.7.6); its CA must reissue it"))
            }
            if leaf.extendedKeyUsage?.contains("anyExtendedKeyUsage") == true {
                found.append(problem(.wrongExtendedKeyUsage, 0, "\(who) allows anyExtendedKeyUsage, which server certificates must not (CA/B Forum BR §7.1.2.7.10); its CA must reissue it with serverAuth only"))
            }
        }
        // BR §7.1.2.7.8: a server certificate is not a CA certificate.
        if leaf.basicConstraints?.isCertificateAuthority == true && chain.count > 1 {
            found.append(problem(.certificateAuthorityAsLeaf, 0, "\(who) is a certificate authority's certificate (basic constraints \(leaf.basicConstraints!)), not a server's (CA/B Forum BR §7.1.2.7.8); the server must present a certificate issued for it"))
        }
        return found
    }

    // MARK: - The peer's name against name constraints

    /// RFC 5280 §4.2.1.10 applied to the name connected to, not just to the
    /// leaf's names: a wildcard such as `*.example.com` must not let a CA
    /// that is barred from `bar.example.com` vouch for it (CVE-2025-61727).
    private func peerNameConstraints() -> [CertificateProblem] {
        guard let peerName = context.peerName,
              !reported.contains(where: { $0.code == .nameConstraintsViolated })
        else { return [] }
        var found: [CertificateProblem] = []
        for index in chain.indices.dropFirst() {
            guard let constraints = NameConstraintSet(chain[index].handle.pointer) else { continue }
            let who = context.named(index)
            switch peerName {
            case .dnsName(let host):
                if let base = constraints.excludedDNS.first(where: { DNSNameSyntax.isWithin(host, subtree: $0) }) {
                    found.append(problem(.nameConstraintsViolated, index, "\(host) is excluded by the name constraints of \(who) (excluded subtree \(base)), so no certificate it issues may vouch for it, even through a wildcard"))
                } else if !constraints.permittedDNS.isEmpty, !constraints.permittedDNS.contains(where: { DNSNameSyntax.isWithin(host, subtree: $0) }) {
                    found.append(problem(.nameConstraintsViolated, index, "\(host) is outside the names \(who) may certify (permitted: \(constraints.permittedDNS.joined(separator: ", ")))"))
                }
            case .ipAddress(let text):
                guard let address = X509Fields.ipAddressOctets(text) else { continue }
                if let range = constraints.excludedIP.first(where: { $0.contains(address) }) {
                    found.append(problem(.nameConstraintsViolated, index, "\(text) is excluded by the name constraints of \(who) (excluded range \(range))"))
                } else {
                    let sameFamily = constraints.permittedIP.filter { $0.address.count == address.count }
                    if !sameFamily.isEmpty, !sameFamily.contains(where: { $0.contains(address) }) {
                        found.append(problem(.nameConstraintsViolated, index, "\(text) is outside the addresses \(who) may certify (permitted: \(sameFamily.map(\.description).joined(separator: ", ")))"))
                    }
                }
            }
        }
        return found
    }
}
