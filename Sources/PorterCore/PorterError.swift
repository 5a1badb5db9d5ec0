/// The one error type Porter's library throws.
///
/// Every failure carries a ``Code`` that says what class of failure it is, a
/// human ``reason`` naming what happened (and, where known, to which host and
/// what the user can do), and the place in Porter's source that raised it.
/// Errors compare by code only, so callers can `switch` or `==` on them
/// without depending on the wording of the reason.
public struct PorterError: Error, Sendable, CustomStringConvertible {
    /// The class of a failure. New codes may be added in any release.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable name of this code, e.g. `"invalidChunkSize"`.
        public let name: String

        private init(_ name: String) { self.name = name }

        public var description: String { name }

        // MARK: - Usage and URLs

        /// The URL's scheme is neither `http` nor `https`.
        public static let unsupportedScheme = Code("unsupportedScheme")
        /// The URL could not be parsed.
        public static let invalidURL = Code("invalidURL")
        /// A request header, method or target would be unsafe on the wire (CR, LF, NUL, bad token).
        public static let invalidRequest = Code("invalidRequest")
        /// A local file (request body, CA bundle) could not be read.
        public static let fileReadFailed = Code("fileReadFailed")

        // MARK: - Transport

        /// The host name did not resolve to any address.
        public static let cannotResolveHost = Code("cannotResolveHost")
        /// No address of the host accepted a connection.
        public static let cannotConnect = Code("cannotConnect")
        /// A request body read from a stream had to be sent again (a redirect that keeps it).
        public static let rewindFailed = Code("rewindFailed")
        /// The socket could not bind to the local interface or port asked for.
        public static let localBindFailed = Code("localBindFailed")
        /// The proxy's host name did not resolve.
        public static let cannotResolveProxy = Code("cannotResolveProxy")
        /// The proxy refused or failed to open a `CONNECT` tunnel.
        public static let proxyTunnelFailed = Code("proxyTunnelFailed")
        /// A SOCKS proxy refused the handshake or the tunnel, or answered in a way that is not SOCKS.
        public static let proxyHandshakeFailed = Code("proxyHandshakeFailed")
        /// Sending to the peer failed (reset, broken pipe).
        public static let sendFailed = Code("sendFailed")
        /// Receiving from the peer failed (reset or a transport error).
        public static let receiveFailed = Code("receiveFailed")
        /// A connect, idle or total deadline passed.
        public static let timedOut = Code("timedOut")
        /// The operation was cancelled by its task.
        public static let cancelled = Code("cancelled")

        // MARK: - TLS

        /// The TLS handshake failed for a reason other than certificate verification.
        public static let tlsHandshakeFailed = Code("tlsHandshakeFailed")
        /// The server's certificate chain did not verify.
        public static let certificateVerificationFailed = Code("certificateVerificationFailed")
        /// The local TLS configuration (CA file or directory) could not be loaded.
        public static let tlsConfigurationInvalid = Code("tlsConfigurationInvalid")
        /// The certificate revocation lists (curl's `--crlfile`) could not be loaded.
        public static let revocationListInvalid = Code("revocationListInvalid")
        /// The server's certificate status (its stapled OCSP response) is missing, bad or not good.
        public static let certificateStatusInvalid = Code("certificateStatusInvalid")
        /// A cipher list, TLS 1.3 cipher suite list or group list names nothing OpenSSL can use.
        public static let cipherListInvalid = Code("cipherListInvalid")
        /// The TLS stream failed after the handshake.
        public static let tlsStreamFailed = Code("tlsStreamFailed")
        /// Bytes that should hold a certificate (PEM or DER) could not be decoded.
        public static let certificateDecodingFailed = Code("certificateDecodingFailed")
        /// The server's public key is not one of the pinned keys (curl's `--pinnedpubkey`).
        public static let pinnedPublicKeyMismatch = Code("pinnedPublicKeyMismatch")
        /// The client certificate or its private key (`--cert`, `--key`) cannot be loaded or do not match.
        public static let clientCertificateInvalid = Code("clientCertificateInvalid")

        // MARK: - HTTP protocol violations (RFC 9112)

        /// The server closed the connection without sending a single byte.
        public static let emptyReply = Code("emptyReply")
        /// The status line is not `HTTP/1.x NNN [reason]`.
        public static let malformedStatusLine = Code("malformedStatusLine")
        /// A header line is not `name: value`, or holds a forbidden byte.
        public static let malformedHeaderField = Code("malformedHeaderField")
        /// The response header block exceeded its size limit.
        public static let headerBlockTooLarge = Code("headerBlockTooLarge")
        /// One line of the response head was longer than allowed.
        public static let headerFieldTooLarge = Code("headerFieldTooLarge")
        /// The response had more header fields than allowed.
        public static let tooManyHeaderFields = Code("tooManyHeaderFields")
        /// `Content-Length` is not a decimal number, or overflows.
        public static let invalidContentLength = Code("invalidContentLength")
        /// Several `Content-Length` fields disagree (RFC 9112 §6.3 item 5).
        public static let conflictingContentLength = Code("conflictingContentLength")
        /// `Transfer-Encoding` does not end in `chunked`, or names an unknown coding.
        public static let invalidTransferEncoding = Code("invalidTransferEncoding")
        /// A chunk-size line is malformed: no hexadecimal size, one that overflows, or malformed chunk extensions.
        public static let invalidChunkSize = Code("invalidChunkSize")
        /// Chunk data was not followed by CRLF, or a trailer line was malformed.
        public static let malformedChunk = Code("malformedChunk")
        /// The connection closed before the announced body was complete.
        public static let incompleteBody = Code("incompleteBody")
        /// The connection closed in the middle of the response head.
        public static let incompleteHead = Code("incompleteHead")

        // MARK: - Content codings (RFC 9110 §8.4)

        /// `Content-Encoding` (or `Transfer-Encoding`) names a coding Porter cannot decode.
        public static let unsupportedContentEncoding = Code("unsupportedContentEncoding")
        /// A coded body is corrupt, was cut short, has stray bytes after its end, or stacks too many codings.
        public static let badContentEncoding = Code("badContentEncoding")

        // MARK: - Client policy

        /// More redirects than the configured maximum.
        public static let tooManyRedirects = Code("tooManyRedirects")
        /// A redirect without a usable `Location`.
        public static let invalidRedirect = Code("invalidRedirect")
        /// A consumer of a response body failed to take the bytes (a full disk, a closed pipe).
        public static let writeFailed = Code("writeFailed")
        /// A response body was read after the handler it was handed to had returned
        /// (its connection then belongs to another request, or is closed).
        public static let responseBodyExpired = Code("responseBodyExpired")
        /// The body, once decoded, grew past the configured maximum size.
        public static let maximumFileSizeExceeded = Code("maximumFileSizeExceeded")
    }

    /// What class of failure this is.
    public let code: Code
    /// What happened, in words a person can act on.
    public let reason: String
    /// The source file in Porter that raised the error.
    public let fileID: String
    /// The line in ``fileID`` that raised the error.
    public let line: Int

    /// Creates an error; `fileID` and `line` default to the caller's position.
    public init(_ code: Code, _ reason: String, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.fileID = fileID
        self.line = line
    }

    public var description: String { reason }

    /// Errors are equal when their codes are.
    public static func ~= (pattern: Code, error: PorterError) -> Bool { pattern == error.code }
}

extension PorterError: Equatable {
    /// Errors are equal when their codes are, whatever their reasons.
    public static func == (lhs: PorterError, rhs: PorterError) -> Bool { lhs.code == rhs.code }
}
