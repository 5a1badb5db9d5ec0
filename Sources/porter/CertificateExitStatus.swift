import PorterCore

/// The exit statuses of `porter verify` and `porter cert`, by the class of the verdict's problem;
/// docs/CERTIFICATES.md has the same table.
enum CertificateExitStatus {
    static let verified: Int32 = 0
    static let unreadableInput: Int32 = 1
    static let time: Int32 = 10
    static let name: Int32 = 11
    static let trust: Int32 = 12
    static let weakCryptography: Int32 = 13
    static let constraintsOrUsage: Int32 = 14
    static let other: Int32 = 15
    static let writeFailed: Int32 = 23

    static func status(for code: CertificateProblem.Code) -> Int32 {
        switch code {
        case .expired, .notYetValid: return time
        case .hostnameMismatch: return name
        case .selfSignedLeaf, .untrustedRoot, .incompleteChain, .badSignature: return trust
        case .weakSignatureAlgorithm, .weakKey: return weakCryptography
        case .nameConstraintsViolated, .wrongKeyUsage, .wrongExtendedKeyUsage, .notACertificateAuthority,
             .certificateAuthorityAsLeaf, .pathTooLong:
            return constraintsOrUsage
        default: return other
        }
    }
}
