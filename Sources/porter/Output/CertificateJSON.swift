import PorterCore

/// The JSON objects `porter verify --json` and `porter cert --json` share:
/// a certificate and the name a chain was checked against.
enum CertificateJSON {
    /// The name a chain was checked against, as `{"kind": "DNS" | "IP", "value": …}`.
    static func peerName(_ name: CertificateVerifier.PeerName) -> JSONValue {
        var peer = JSONObject()
        switch name {
        case .dnsName(let host):
            peer.add("kind", .string("DNS"))
            peer.add("value", .string(host))
        case .ipAddress(let address):
            peer.add("kind", .string("IP"))
            peer.add("value", .string(address))
        }
        return .object(peer)
    }

    static func certificate(_ certificate: Certificate, index: Int, role: String, at time: CertificateTime) -> JSONValue {
        func strings(_ values: [String]?) -> JSONValue { values.map { .array($0.map(JSONValue.string)) } ?? .null }
        var object = JSONObject()
        object.add("index", .number(index))
        object.add("role", .string(role))
        object.add("version", .number(certificate.version))
        object.add("subject", .string(certificate.subject))
        object.add("issuer", .string(certificate.issuer))
        object.add("commonNames", strings(certificate.commonNames))
        object.add("subjectAlternativeNames", strings(certificate.subjectAlternativeNames?.map(\.description)))
        object.add("notBefore", .string(certificate.notBefore.iso8601))
        object.add("notAfter", .string(certificate.notAfter.iso8601))
        object.add("daysLeft", .number(certificate.daysLeft(at: time)))
        object.add("serialNumber", .string(certificate.serialNumber))
        object.add("sha256Fingerprint", .string(certificate.sha256Fingerprint))
        object.add("subjectPublicKeyInfoSHA256", .string(certificate.subjectPublicKeyInfoSHA256))
        object.add("pinnedPublicKey", .string(certificate.pinnedPublicKey))
        var key = JSONObject()
        key.add("algorithm", .string(certificate.publicKey.algorithm))
        key.add("bits", .number(certificate.publicKey.bits))
        key.add("curve", certificate.publicKey.curve.map(JSONValue.string) ?? .null)
        object.add("publicKey", .object(key))
        object.add("signatureAlgorithm", .string(certificate.signatureAlgorithm))
        object.add("basicConstraints", certificate.basicConstraints.map { constraints -> JSONValue in
            var value = JSONObject()
            value.add("ca", .bool(constraints.isCertificateAuthority))
            value.add("pathLength", constraints.pathLengthConstraint.map { .number($0) } ?? .null)
            value.add("critical", .bool(constraints.isCritical))
            return .object(value)
        } ?? .null)
        object.add("keyUsage", strings(certificate.keyUsage))
        object.add("extendedKeyUsage", strings(certificate.extendedKeyUsage))
        object.add("selfSigned", .bool(certificate.isSelfSigned))
        return .object(object)
    }
}
