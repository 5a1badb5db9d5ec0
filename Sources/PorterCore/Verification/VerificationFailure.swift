internal import COpenSSL

/// Turns a failed verification on a live connection into an error a person
/// can act on, in the words ``CertificateVerifier`` uses offline: which
/// certificate is at fault, why, and what would fix it.
enum VerificationFailure {
    /// The first error OpenSSL's verification reported during a handshake.
    ///
    /// Recorded in the verify callback, on the thread running the handshake.
    struct Record {
        /// OpenSSL's `X509_V_ERR_*` code.
        let error: Int32
        /// The position of the certificate at fault (0 is the leaf).
        let depth: Int
        /// The certificate OpenSSL was checking.
        let culprit: Certificate?
        /// The chain as built up to the failure, leaf first.
        let chain: [Certificate]

        init(error: Int32, depth: Int, culprit: Certificate?, chain: [Certificate]) {
            self.error = error
            self.depth = depth
            self.culprit = culprit
            self.chain = chain
        }

        /// Reads the failure the store context is reporting.
        init(storeContext: OpaquePointer) {
            error = X509_STORE_CTX_get_error(storeContext)
            depth = Int(X509_STORE_CTX_get_error_depth(storeContext))
            culprit = X509_STORE_CTX_get_current_cert(storeContext).map { Certificate(handle: X509Handle(retaining: $0)) }
            var built: [Certificate] = []
            if let stack = X509_STORE_CTX_get0_chain(storeContext) {
                for index in 0..<COpenSSL_sk_X509_num(stack) {
                    if let certificate = COpenSSL_sk_X509_value(stack, index) {
                        built.append(Certificate(handle: X509Handle(retaining: certificate)))
                    }
                }
            }
            chain = built
        }
    }

    /// The error for a handshake on `ssl` whose verification failed with `verifyResult`.
    static func error(for ssl: OpaquePointer, record: Record?, verifyResult: Int, host: String) -> PorterError {
        var sent: [Certificate] = []
        if let stack = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<COpenSSL_sk_X509_num(stack) {
                if let certificate = COpenSSL_sk_X509_value(stack, index) {
                    sent.append(Certificate(handle: X509Handle(retaining: certificate)))
                }
            }
        }
        let reason = explain(verifyResult: Int32(verifyResult), record: record, sentChain: sent, host: host)
        return PorterError(.certificateVerificationFailed, "SSL certificate problem for \(host): \(reason)")
    }

    /// The explanation ``ChainContext`` gives for the failure, followed by OpenSSL's own words.
    static func explain(verifyResult: Int32, record: Record?, sentChain: [Certificate], host: String) -> String {
        let error = record?.error ?? verifyResult
        let openSSLText = String(cString: X509_verify_cert_error_string(Int(error)))
        let chain = (record?.chain).flatMap { $0.isEmpty ? nil : $0 } ?? sentChain
        guard !chain.isEmpty else { return openSSLText }
        let untrustedEnd: Set<Int32> = [
            X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
        ]
        let endsInTrustAnchor = !untrustedEnd.contains(error) && (chain.last?.isSelfSigned ?? false)
        let literal = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let peerName: CertificateVerifier.PeerName =
            X509Fields.ipAddressOctets(literal) != nil ? .ipAddress(literal) : .dnsName(host)
        let context = ChainContext(
            chain: chain, endsInTrustAnchor: endsInTrustAnchor, peerName: peerName, time: .now, timeIsNow: true,
            wording: .connection)
        let problem = context.problem(openSSLError: error, depth: record?.depth ?? 0, culprit: record?.culprit)
        return "\(problem.explanation) (OpenSSL: \(openSSLText))"
    }
}
