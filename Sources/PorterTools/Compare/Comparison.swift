@_spi(PorterTools) import PorterCore

/// The comparison of the plain HTTP side and the HTTPS side of one host
/// (or of one of its addresses): what each answered, and every finding.
public struct Comparison: Sendable, Hashable {
    /// What was seen of `Strict-Transport-Security`.
    public struct HSTSObservation: Sendable, Hashable {
        /// The value the HTTPS side sent, or nil.
        public var value: String?
        /// The URL whose response carried ``value``.
        public var url: HTTPURL?
        /// The parsed policy, when ``value`` parses.
        public var policy: StrictTransportSecurity?
        /// Why ``value`` does not parse.
        public var parseError: String?
        /// A value sent over plain HTTP, which browsers ignore.
        public var sentOverHTTP: String?
        /// What keeps the host off the preload list, in words; empty when it qualifies.
        public var preloadProblems: [String]
    }

    /// A cookie one of the sides set, and what is wrong with it.
    public struct CookieObservation: Sendable, Hashable {
        /// The response that set it.
        public var url: HTTPURL
        /// The cookie's name and attributes.
        public var cookie: SetCookie
        /// What is wrong with it, in words; empty when nothing is.
        public var problems: [String]
    }

    /// The address both sides were pinned to, with `--all-addresses`; nil otherwise.
    public var address: String?
    /// The plain HTTP side.
    public var http: SideResult
    /// The HTTPS side.
    public var https: SideResult
    /// What was seen of HSTS.
    public var hsts: HSTSObservation
    /// The difference of the final responses' fields, when both sides have one.
    public var headers: HeaderDiff?
    /// Every cookie either side set.
    public var cookies: [CookieObservation]
    /// Whether the final bodies are byte for byte the same, when both sides have one.
    public var contentIdentical: Bool?
    /// Every verdict, section by section.
    public var findings: [Finding]

    /// The worst finding's severity, or ``FindingSeverity/pass``.
    public var severity: FindingSeverity { findings.map(\.severity).max() ?? .pass }

    /// Compares two sides of `target` and draws every finding.
    public init(address: String?, target: CompareTarget, http: SideResult, https: SideResult) {
        self.address = address
        self.http = http
        self.https = https
        let rules = ComparisonRules(target: target, http: http, https: https)
        hsts = rules.hstsObservation
        if let left = http.final, let right = https.final {
            headers = HeaderDiff(http: left.fields, https: right.fields)
        }
        cookies = rules.cookieObservations
        if let left = http.body, let right = https.body, http.final != nil, https.final != nil {
            contentIdentical = left == right
        }
        findings = rules.findings(headers: headers, hsts: hsts, cookies: cookies)
    }
}
