import PorterCore
import PorterTools

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
    // `porter cert` only: what a live connection adds.
    static let pinnedKeyMismatch: Int32 = 16
    static let revoked: Int32 = 17
    static let clientCertificateRequired: Int32 = 18
    static let expiringSoon: Int32 = 19
    static let writeFailed: Int32 = 23
    static let clientCertificateInvalid: Int32 = 58
    static let caFileInvalid: Int32 = 77

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

/// `porter cert`'s statuses beyond the verdict's: a live connection adds pins, revocation,
/// client certificates, expiry warnings and the failures of reaching the server.
extension CertificateExitStatus {
    /// The status of a problem found on a live connection (`porter cert`).
    static func connectionStatus(for code: CertificateProblem.Code) -> Int32 {
        switch code {
        case .pinnedPublicKeyMismatch: return pinnedKeyMismatch
        case .revoked: return revoked
        case .clientCertificateRequired: return clientCertificateRequired
        case .expiringSoon: return expiringSoon
        default: return status(for: code)
        }
    }

    /// The status of a server that could not be inspected.
    static func status(for error: PorterError) -> Int32 {
        switch error.code {
        case .cannotResolveHost: return 6
        case .cannotConnect: return 7
        case .timedOut: return 28
        case .clientCertificateInvalid: return clientCertificateInvalid
        case .fileReadFailed, .certificateDecodingFailed, .tlsConfigurationInvalid: return caFileInvalid
        default: return 35
        }
    }

    /// The status of one inspection's verdict.
    static func status(for inspection: CertificateInspection) -> Int32 {
        switch inspection.verdict {
        case .ok: return verified
        case .warning: return expiringSoon
        case .failed(let problem): return connectionStatus(for: problem.code)
        case .unreachable(let error): return status(for: error)
        }
    }

    /// The first inspection's status among those of the worst kind: failed, unreachable, warning.
    static func overall(_ inspections: [CertificateInspection]) -> Int32 {
        func rank(_ inspection: CertificateInspection) -> Int {
            switch inspection.verdict {
            case .failed: return 3
            case .unreachable: return 2
            case .warning: return 1
            case .ok: return 0
            }
        }
        guard let worst = inspections.max(by: { rank($0) < rank($1) }), rank(worst) > 0,
              let first = inspections.first(where: { rank($0) == rank(worst) })
        else { return verified }
        return status(for: first)
    }
}
