@_spi(PorterTools) import PorterCore

/// What one side of a comparison, the plain HTTP port or the HTTPS port, answered.
///
/// A side is *reached* when its first request got a response (``problem`` is
/// nil). Its chain then has every hop in order; when a later hop failed, or
/// the redirects looped or ran past the limit, ``chainBreak`` says so and
/// there is no final response.
public struct SideResult: Sendable, Hashable {
    /// Why a port could not be compared.
    public struct Problem: Sendable, Hashable {
        /// The class of problem.
        public enum Kind: String, Sendable, Hashable {
            /// Nothing listens on the port.
            case refused
            /// The connect or the response took longer than the limit.
            case timedOut
            /// The host name did not resolve.
            case unresolved
            /// The port speaks TLS where plain HTTP was expected, or the reverse.
            case wrongProtocol
            /// Any other failure, named in the message.
            case failed
        }
        /// The class of problem.
        public var kind: Kind
        /// The library error's code name, e.g. `cannotConnect`.
        public var errorCode: String
        /// What happened, in words.
        public var message: String
    }

    /// Why a chain that started stopped before a final response.
    public enum ChainBreak: Sendable, Hashable {
        /// A redirect led back to a URL already requested.
        case loop(HTTPURL)
        /// More redirects than the limit.
        case tooManyRedirects(limit: Int)
        /// A redirect's `Location` could not be used.
        case invalidLocation(String)
        /// A later hop's request failed.
        case hopFailed(url: HTTPURL, errorCode: String, message: String)
    }

    /// The final body: how large it was and its SHA-256.
    public struct BodySummary: Sendable, Hashable {
        /// Body bytes as received.
        public var size: UInt64
        /// SHA-256 of those bytes, 64 lower-case hexadecimal digits.
        public var sha256: String
    }

    /// `http` or `https`.
    public var scheme: String
    /// The first URL requested.
    public var startURL: HTTPURL
    /// Why the first request got no response, or nil when the side was reached.
    public var problem: Problem?
    /// Every response, in order; the last is the final one unless ``chainBreak`` is set.
    public var hops: [ProbeHop]
    /// Why the chain stopped early, or nil.
    public var chainBreak: ChainBreak?
    /// The final body, when there is a final response.
    public var body: BodySummary?
    /// The TLS summary of the first HTTPS hop, for the HTTPS side.
    public var tls: TLSSummary?
    /// Whether the chain was fetched with certificate verification off because it failed
    /// (``TLSSummary/verificationFailure`` says why), so that the rest can still be compared.
    public var fetchedWithoutVerification: Bool
    /// The time from the first request to the end of the final body.
    public var totalTime: Duration

    /// Whether the first request got a response.
    public var isReached: Bool { problem == nil && !hops.isEmpty }

    /// The final response, when the chain ended in one.
    public var final: ProbeHop? {
        guard isReached, chainBreak == nil, let last = hops.last, last.next == nil else { return nil }
        return last
    }

    /// The hops that were redirects.
    public var redirects: [ProbeHop] { hops.filter { $0.next != nil } }
}
