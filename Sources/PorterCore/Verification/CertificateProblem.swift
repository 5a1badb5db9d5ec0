/// One reason a certificate chain does not verify: what is wrong, with which
/// certificate, and what would fix it.
///
/// Problems compare by code, certificate index and explanation. The
/// ``explanation`` is for people; programs switch on ``code``.
public struct CertificateProblem: Sendable, Hashable, CustomStringConvertible {
    /// The class of a verification problem. New codes may be added in any release.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable name of this code, e.g. `"expired"`.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The stable name.
        public var description: String { name }

        // MARK: - Time

        /// A certificate's validity period ended before the validation time.
        public static let expired = Code("expired")
        /// A certificate's validity period starts after the validation time.
        public static let notYetValid = Code("notYetValid")

        // MARK: - Names

        /// The leaf is not valid for the peer's DNS name or IP address.
        public static let hostnameMismatch = Code("hostnameMismatch")

        // MARK: - Trust

        /// The leaf is self-signed and is not one of the trust anchors.
        public static let selfSignedLeaf = Code("selfSignedLeaf")
        /// The chain ends in a self-signed root that is not one of the trust anchors.
        public static let untrustedRoot = Code("untrustedRoot")
        /// A certificate's issuer is neither among the intermediates supplied nor a trust anchor.
        public static let incompleteChain = Code("incompleteChain")
        /// A signature in the chain does not verify with the issuer's key.
        public static let badSignature = Code("badSignature")

        // MARK: - Algorithms and keys

        /// A certificate is signed with a digest too weak for security level 2 (MD5, SHA-1).
        public static let weakSignatureAlgorithm = Code("weakSignatureAlgorithm")
        /// A key is too small (RSA below 2048 bits, EC below 224 bits), of an odd size, or of a refused kind (DSA).
        public static let weakKey = Code("weakKey")

        // MARK: - Constraints and usage

        /// A name in the chain (or the peer's name) is outside an issuer's name constraints.
        public static let nameConstraintsViolated = Code("nameConstraintsViolated")
        /// A key usage extension does not allow what the certificate is used for.
        public static let wrongKeyUsage = Code("wrongKeyUsage")
        /// An extended key usage extension does not allow TLS server authentication, or is malformed for it.
        public static let wrongExtendedKeyUsage = Code("wrongExtendedKeyUsage")
        /// A certificate that signs another is not a certificate authority (no `cA` in basic constraints).
        public static let notACertificateAuthority = Code("notACertificateAuthority")
        /// The leaf is a certificate authority's certificate, not a server's.
        public static let certificateAuthorityAsLeaf = Code("certificateAuthorityAsLeaf")
        /// The chain is longer than the maximum depth or a path length constraint allows.
        public static let pathTooLong = Code("pathTooLong")

        // MARK: - What a live server adds

        /// The leaf's public key is not one of the pinned keys (curl's `--pinnedpubkey`).
        public static let pinnedPublicKeyMismatch = Code("pinnedPublicKeyMismatch")
        /// The stapled OCSP response says the leaf is revoked.
        public static let revoked = Code("revoked")
        /// The server requires a client certificate and none was offered, or it refused the one offered.
        public static let clientCertificateRequired = Code("clientCertificateRequired")
        /// A warning, not a failure: a certificate is valid but expires within the warning period.
        public static let expiringSoon = Code("expiringSoon")

        // MARK: - Structure

        /// A certificate breaks a rule of RFC 5280 or the CA/Browser Forum's
        /// Baseline Requirements (malformed or misplaced extensions, serial
        /// numbers, names, unknown critical extensions…).
        public static let invalidCertificate = Code("invalidCertificate")
        /// Any other failure OpenSSL reports; the explanation quotes it.
        public static let otherFailure = Code("otherFailure")
    }

    /// What class of problem this is.
    public let code: Code
    /// The position in the chain of the certificate at fault (0 is the leaf), or nil when the problem is not one certificate's.
    public let certificateIndex: Int?
    /// The subject of the certificate at fault, or nil.
    public let subject: String?
    /// What is wrong and what would fix it, in plain words.
    public let explanation: String

    /// Creates a problem.
    public init(code: Code, certificateIndex: Int?, subject: String?, explanation: String) {
        self.code = code
        self.certificateIndex = certificateIndex
        self.subject = subject
        self.explanation = explanation
    }

    /// The explanation.
    public var description: String { explanation }
}
