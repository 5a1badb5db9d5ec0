@_spi(PorterTools) import PorterCore

/// A parsed `Strict-Transport-Security` field value (RFC 6797 §6.1).
///
/// Parsing follows the RFC's rules for user agents: directive names are
/// case-insensitive, each may appear once, values may be quoted, unknown
/// directives are ignored, and `max-age` is required.
public struct StrictTransportSecurity: Sendable, Hashable {
    /// The policy's lifetime in seconds.
    public var maxAge: UInt64
    /// Whether the policy covers every subdomain.
    public var includesSubdomains: Bool
    /// Whether the site asks to be on the browsers' preload list.
    public var preload: Bool

    /// One year, the max-age the preload list requires and the Observatory recommends.
    public static let recommendedMaxAge: UInt64 = 31_536_000
    /// Six months, below which the Observatory fails a site.
    public static let minimumMaxAge: UInt64 = 15_768_000

    /// Parses a field value.
    ///
    /// - Throws: ``PorterError/Code/malformedHeaderField`` naming the problem:
    ///   no `max-age`, one that is not a number, or a directive given twice.
    public init(parsing value: String) throws(PorterError) {
        var maxAge: UInt64?
        var includesSubdomains = false
        var preload = false
        var seen: Set<String> = []
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let directive = part.trimmingASCIIWhitespace()
            if directive.isEmpty { continue }
            let equals = directive.firstIndex(of: "=")
            let name = directive[..<(equals ?? directive.endIndex)].trimmingASCIIWhitespace().lowercased()
            var argument = equals.map { directive[directive.index(after: $0)...].trimmingASCIIWhitespace() }
            if let quoted = argument, quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") {
                argument = quoted.dropFirst().dropLast()
            }
            // RFC 6797 §6.1 item 2: every directive appears at most once.
            guard seen.insert(name).inserted else {
                throw PorterError(.malformedHeaderField, "Strict-Transport-Security names \(name) twice; browsers ignore the whole header")
            }
            switch name {
            case "max-age":
                guard let argument, !argument.isEmpty, argument.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw PorterError(.malformedHeaderField, "Strict-Transport-Security max-age \"\(argument ?? "")\" is not a number of seconds")
                }
                maxAge = UInt64(argument) ?? UInt64.max
            case "includesubdomains":
                includesSubdomains = true
            case "preload":
                preload = true
            default:
                continue
            }
        }
        guard let maxAge else {
            throw PorterError(.malformedHeaderField, "Strict-Transport-Security has no max-age; browsers ignore it (RFC 6797 §6.1.1)")
        }
        self.maxAge = maxAge
        self.includesSubdomains = includesSubdomains
        self.preload = preload
    }

    /// Whether the policy alone meets the preload list's header rules:
    /// max-age of at least a year, `includeSubDomains` and `preload`.
    public var meetsPreloadHeaderRules: Bool { preloadHeaderProblems.isEmpty }

    /// What the header lacks for the preload list, in words.
    public var preloadHeaderProblems: [String] {
        var problems: [String] = []
        if maxAge < Self.recommendedMaxAge { problems.append("max-age is below one year (31536000)") }
        if !includesSubdomains { problems.append("includeSubDomains is missing") }
        if !preload { problems.append("the preload directive is missing") }
        return problems
    }

    /// A duration in words: `2 years`, `180 days`, `300 seconds`.
    public static func describe(seconds: UInt64) -> String {
        let day: UInt64 = 86_400
        if seconds >= recommendedMaxAge && seconds % recommendedMaxAge == 0 {
            let years = seconds / recommendedMaxAge
            return years == 1 ? "1 year" : "\(years) years"
        }
        if seconds >= day { return seconds / day == 1 ? "1 day" : "\(seconds / day) days" }
        return seconds == 1 ? "1 second" : "\(seconds) seconds"
    }
}
