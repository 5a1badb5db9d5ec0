internal import COpenSSL

/// What a server's stapled OCSP response (RFC 6960, sent in the TLS
/// `status_request` extension, RFC 6066 §8) says about its leaf certificate.
///
/// An immutable value. Made by ``check(response:leaf:issuer:untrusted:verifier:at:)``,
/// which verifies the response's signature against the same trust anchors as the chain.
public struct OCSPStatus: Sendable, Hashable {
    /// The leaf's revocation status as the response gives it.
    public enum State: Sendable, Hashable {
        /// Stapling was not asked for.
        case notRequested
        /// The server stapled nothing.
        case notStapled
        /// The responder vouches that the leaf is not revoked.
        case good
        /// The responder says the leaf is revoked, since `time`, for `reason` (e.g. `keyCompromise`) when given.
        case revoked(time: CertificateTime?, reason: String?)
        /// The responder does not know the leaf.
        case unknown
        /// The response cannot be used: malformed, not signed by a trusted responder, stale, or about another certificate.
        case invalid(String)
    }

    /// The status.
    public let state: State
    /// When the responder produced this status, if the response was readable.
    public let thisUpdate: CertificateTime?
    /// When a newer status will be available, if the responder said.
    public let nextUpdate: CertificateTime?

    /// Creates a status.
    public init(state: State, thisUpdate: CertificateTime? = nil, nextUpdate: CertificateTime? = nil) {
        self.state = state
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
    }

    /// A short name for scripts: `notRequested`, `notStapled`, `good`, `revoked`, `unknown` or `invalid`.
    public var name: String {
        switch state {
        case .notRequested: return "notRequested"
        case .notStapled: return "notStapled"
        case .good: return "good"
        case .revoked: return "revoked"
        case .unknown: return "unknown"
        case .invalid: return "invalid"
        }
    }

    /// The status in words, e.g. `good (produced 2026-…, next update 2026-…)`.
    public var summary: String {
        let dates = [thisUpdate.map { "this update \($0)" }, nextUpdate.map { "next update \($0)" }].compactMap { $0 }
        let when = dates.isEmpty ? "" : " (\(dates.joined(separator: ", ")))"
        switch state {
        case .notRequested: return "not requested"
        case .notStapled: return "none stapled"
        case .good: return "good\(when)"
        case .revoked(let time, let reason):
            return "REVOKED" + (time.map { " since \($0)" } ?? "") + (reason.map { ", reason \($0)" } ?? "") + when
        case .unknown: return "unknown to the responder\(when)"
        case .invalid(let why): return "unusable: \(why)"
        }
    }

    /// Checks a DER OCSP response about `leaf`, issued by `issuer`.
    ///
    /// The response must be successful, signed by the issuer or a responder it
    /// delegated to (verified against `verifier`'s trust anchors, with
    /// `untrusted` as intermediates), hold a status for `leaf`, and be current
    /// at `time` (five minutes of clock skew allowed).
    public static func check(
        response der: [UInt8], leaf: Certificate, issuer: Certificate?, untrusted: [Certificate],
        verifier: CertificateVerifier, at time: CertificateTime = .now
    ) -> OCSPStatus {
        OpenSSLError.clear()
        defer { OpenSSLError.clear() }
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
        }
        guard let response = parsed else { return OCSPStatus(state: .invalid("the stapled bytes are not an OCSP response")) }
        defer { OCSP_RESPONSE_free(response) }
        let responseStatus = OCSP_response_status(response)
        guard responseStatus == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            let text = String(cString: OCSP_response_status_str(Int(responseStatus)))
            return OCSPStatus(state: .invalid("the responder answered \(text)"))
        }
        guard let basic = OCSP_response_get1_basic(response) else {
            return OCSPStatus(state: .invalid("the response holds no basic OCSP response"))
        }
        defer { OCSP_BASICRESP_free(basic) }
        guard let issuer else {
            return OCSPStatus(state: .invalid("the issuer of \(leaf.subject) is unknown, so the response cannot be matched to it"))
        }
        guard let identifier = OCSP_cert_to_id(nil, leaf.handle.pointer, issuer.handle.pointer) else {
            return OCSPStatus(state: .invalid("cannot identify \(leaf.subject) for OCSP"))
        }
        defer { OCSP_CERTID_free(identifier) }

        var status: Int32 = -1
        var reason: Int32 = -1
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        guard OCSP_resp_find_status(basic, identifier, &status, &reason, &revokedAt, &thisUpdate, &nextUpdate) == 1 else {
            return OCSPStatus(state: .invalid("it holds no status for \(leaf.subject)"))
        }
        let produced = thisUpdate.map { X509Fields.time(UnsafePointer($0)) }
        let next = nextUpdate.map { X509Fields.time(UnsafePointer($0)) }

        let store: OpaquePointer
        switch verifier.makeStore() {
        case .success(let made): store = made
        case .failure(let failure): return OCSPStatus(state: .invalid(failure.text), thisUpdate: produced, nextUpdate: next)
        }
        defer { X509_STORE_free(store) }
        guard let stack = COpenSSL_sk_X509_new_null() else {
            return OCSPStatus(state: .invalid("out of memory"), thisUpdate: produced, nextUpdate: next)
        }
        // The stack borrows the certificates.
        defer { COpenSSL_sk_X509_free(stack) }
        for certificate in untrusted + [issuer] { _ = COpenSSL_sk_X509_push(stack, certificate.handle.pointer) }
        guard OCSP_basic_verify(basic, stack, store, 0) == 1 else {
            let reasons = OpenSSLErrorStack.drain()
            return OCSPStatus(state: .invalid("its signature does not verify against the trust anchors: \(reasons)"), thisUpdate: produced, nextUpdate: next)
        }
        // RFC 6960 §3.2 item 6: thisUpdate not in the future, nextUpdate not in the past.
        let skew: Int64 = 300
        if let produced, produced.secondsSinceEpoch > time.secondsSinceEpoch + skew {
            return OCSPStatus(state: .invalid("it was produced in the future (\(produced))"), thisUpdate: produced, nextUpdate: next)
        }
        if let next, next.secondsSinceEpoch < time.secondsSinceEpoch - skew {
            return OCSPStatus(state: .invalid("it is stale: its next update was due \(next)"), thisUpdate: produced, nextUpdate: next)
        }

        switch status {
        case V_OCSP_CERTSTATUS_GOOD:
            return OCSPStatus(state: .good, thisUpdate: produced, nextUpdate: next)
        case V_OCSP_CERTSTATUS_REVOKED:
            let since = revokedAt.map { X509Fields.time(UnsafePointer($0)) }
            let why = reason >= 0 ? String(cString: OCSP_crl_reason_str(Int(reason))) : nil
            return OCSPStatus(state: .revoked(time: since, reason: why), thisUpdate: produced, nextUpdate: next)
        default:
            return OCSPStatus(state: .unknown, thisUpdate: produced, nextUpdate: next)
        }
    }
}
