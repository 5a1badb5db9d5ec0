/// The report of one ``CertificateVerifier/verify(leaf:intermediates:)``: the
/// verdict, every problem found, and the chain as it was built.
public struct CertificateVerification: Sendable {
    /// Whether the chain verifies and, if not, the problem that decides it.
    public enum Verdict: Sendable, Hashable {
        /// The chain verifies for the peer name at the validation time.
        case ok
        /// The chain does not verify; this is the first problem found (OpenSSL's, as a live
        /// connection would report it, else the first of Porter's own checks).
        case failed(CertificateProblem)
    }

    /// Every problem found, OpenSSL's first (in the order it found them), then Porter's own checks'.
    public let problems: [CertificateProblem]
    /// The chain as built, leaf first; it ends in a trust anchor when ``endsInTrustAnchor`` is true,
    /// else it stops where no issuer was found. Never empty.
    public let chain: [Certificate]
    /// Whether the last certificate of ``chain`` is a trust anchor.
    public let endsInTrustAnchor: Bool
    /// The name the leaf was checked against, if any.
    public let peerName: CertificateVerifier.PeerName?
    /// The instant the chain was verified at.
    public let validationTime: CertificateTime

    /// Creates a report.
    public init(
        problems: [CertificateProblem], chain: [Certificate], endsInTrustAnchor: Bool,
        peerName: CertificateVerifier.PeerName?, validationTime: CertificateTime
    ) {
        self.problems = problems
        self.chain = chain
        self.endsInTrustAnchor = endsInTrustAnchor
        self.peerName = peerName
        self.validationTime = validationTime
    }

    /// ``Verdict/ok`` when there is no problem, else the first problem.
    public var verdict: Verdict {
        problems.first.map(Verdict.failed) ?? .ok
    }

    /// Whether the chain verifies.
    public var isValid: Bool { problems.isEmpty }

    /// The verified chain, leaf first, ending in a trust anchor; nil when the chain does not verify.
    public var verifiedChain: [Certificate]? { isValid ? chain : nil }

    /// `OK`, or the deciding problem's explanation.
    public var explanation: String {
        problems.first?.explanation ?? "OK"
    }
}
