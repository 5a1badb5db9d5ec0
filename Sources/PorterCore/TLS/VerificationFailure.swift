internal import COpenSSL

/// Turns OpenSSL's verification result into an error a person can act on:
/// which certificate is at fault, why, and what would fix it.
enum VerificationFailure {
    static func error(for ssl: OpaquePointer, verifyResult: Int, host: String) -> PorterError {
        var chain: [OpaquePointer] = []
        if let stack = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<COpenSSL_sk_X509_num(stack) {
                if let certificate = COpenSSL_sk_X509_value(stack, index) { chain.append(certificate) }
            }
        }
        let reason = explain(verifyResult: Int32(verifyResult), chain: chain, host: host)
        return PorterError(.certificateVerificationFailed, "SSL certificate problem for \(host): \(reason)")
    }

    static func explain(verifyResult: Int32, chain: [OpaquePointer], host: String) -> String {
        let openSSLText = String(cString: X509_verify_cert_error_string(Int(verifyResult)))
        guard let leaf = chain.first else { return openSSLText }
        let leafSubject = X509Text.subject(leaf)
        switch verifyResult {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            let culprit = chain.first { (X509Text.daysFromNow(X509_get0_notAfter($0)) ?? 0) < 0 || X509_cmp_current_time(X509_get0_notAfter($0)) < 0 } ?? leaf
            let notAfter = X509_get0_notAfter(culprit)
            let days = -(X509Text.daysFromNow(notAfter) ?? 0)
            let ago = days == 0 ? "today" : days == 1 ? "1 day ago" : "\(days) days ago"
            return "certificate \(X509Text.subject(culprit)) expired \(ago) (\(X509Text.time(notAfter))); the server must renew it"
        case X509_V_ERR_CERT_NOT_YET_VALID:
            let culprit = chain.first { X509_cmp_current_time(X509_get0_notBefore($0)) > 0 } ?? leaf
            return "certificate \(X509Text.subject(culprit)) is not valid before \(X509Text.time(X509_get0_notBefore(culprit))); check this machine's clock or the certificate's dates"
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            let names = X509Text.subjectAlternativeNames(leaf) ?? "no subject alternative names"
            return "certificate \(leafSubject) is not valid for \(host); it is valid for: \(names)"
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return "the server's certificate \(leafSubject) is self-signed and not trusted; pass it with --cacert if you trust it"
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            let root = chain.last.map(X509Text.subject) ?? "(unknown)"
            return "the chain ends in the root \(root), which is not in the trust store; pass it with --cacert if you trust it"
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            let last = chain.last ?? leaf
            return "unable to get local issuer certificate: \(X509Text.issuer(last)), the issuer of \(X509Text.subject(last)), is not trusted and was not sent by the server; pass the CA with --cacert, or the server must send its intermediate certificate"
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "unable to verify the first certificate \(leafSubject): its issuer \(X509Text.issuer(leaf)) is unknown; the server must send its intermediate certificate"
        default:
            return "\(openSSLText) (certificate \(leafSubject))"
        }
    }
}
