import ArgumentParser
import PorterCore

/// curl's exit statuses, for the same failures.
enum ExitStatus {
    static let usage: Int32 = 2

    /// The status for a library error, by its code (curl's `CURLcode` numbers).
    static func status(for code: PorterError.Code) -> Int32 {
        switch code {
        // curl takes a response without a valid status line for HTTP/0.9, which it refuses: 1.
        case .unsupportedScheme, .malformedStatusLine: return 1
        case .invalidURL, .invalidRedirect: return 3
        case .cannotResolveProxy: return 5
        case .cannotResolveHost: return 6
        case .cannotConnect: return 7
        case .malformedHeaderField, .invalidContentLength, .conflictingContentLength: return 8
        case .incompleteBody, .incompleteHead: return 18
        case .writeFailed: return 23
        case .fileReadFailed: return 26
        case .timedOut: return 28
        case .tlsHandshakeFailed: return 35
        case .cancelled: return 42
        case .invalidRequest: return 43
        case .localBindFailed: return 45
        case .cipherListInvalid: return 59
        case .rewindFailed: return 65
        case .tooManyRedirects: return 47
        case .emptyReply: return 52
        case .sendFailed: return 55
        case .receiveFailed, .proxyTunnelFailed, .invalidChunkSize, .malformedChunk, .tlsStreamFailed,
             .headerBlockTooLarge: return 56
        case .certificateVerificationFailed: return 60
        case .unsupportedContentEncoding, .badContentEncoding, .invalidTransferEncoding: return 61
        case .maximumFileSizeExceeded: return 63
        case .clientCertificateInvalid: return 58
        case .tlsConfigurationInvalid: return 77
        case .pinnedPublicKeyMismatch: return 90
        case .certificateStatusInvalid: return 91
        case .revocationListInvalid: return 82
        // curl 8's CURLE_PROXY, "proxy handshake error".
        case .proxyHandshakeFailed: return 97
        case .headerFieldTooLarge, .tooManyHeaderFields: return 100
        default: return 8
        }
    }

}
