import PorterCore
import PorterTools

/// `porter compare --json`: the whole report as one JSON object, with the
/// same content as the table. Durations are milliseconds; keys keep their order.
enum CompareJSON {
    static func document(_ report: CompareReport, exitStatus: Int32) -> JSONValue {
        let target = report.target
        return .object([
            ("target", .object([
                ("host", .string(target.host)),
                ("path", .string(target.target)),
                ("httpPort", .int(target.httpPort)),
                ("httpsPort", .int(target.httpsPort)),
                ("httpURL", .string(target.httpURL.description)),
                ("httpsURL", .string(target.httpsURL.description)),
            ])),
            ("verdict", .string(report.severity.description)),
            ("exitStatus", .int(exitStatus)),
            ("comparisons", .array(report.comparisons.map(comparison))),
        ])
    }

    private static func comparison(_ comparison: Comparison) -> JSONValue {
        .object([
            ("address", .optional(comparison.address)),
            ("verdict", .string(comparison.severity.description)),
            ("http", side(comparison.http)),
            ("https", side(comparison.https)),
            ("hsts", hsts(comparison.hsts)),
            ("headers", comparison.headers.map(headers) ?? .null),
            ("cookies", .array(comparison.cookies.map(cookie))),
            ("content", content(comparison)),
            ("timing", .object([("http", timing(comparison.http)), ("https", timing(comparison.https))])),
            ("tls", comparison.https.tls.map(tls) ?? .null),
            ("findings", .array(comparison.findings.map(finding))),
        ])
    }

    private static func side(_ side: SideResult) -> JSONValue {
        .object([
            ("url", .string(side.startURL.description)),
            ("reached", .bool(side.isReached)),
            ("problem", side.problem.map { problem in
                .object([
                    ("kind", .string(problem.kind.rawValue)),
                    ("error", .string(problem.errorCode)),
                    ("message", .string(problem.message)),
                ])
            } ?? .null),
            ("hops", .array(side.hops.map(hop))),
            ("chainBreak", side.chainBreak.map(chainBreak) ?? .null),
            ("finalURL", .optional(side.final?.url.description)),
            ("fetchedWithoutVerification", .bool(side.fetchedWithoutVerification)),
        ])
    }

    private static func hop(_ hop: ProbeHop) -> JSONValue {
        .object([
            ("url", .string(hop.url.description)),
            ("status", .int(hop.status)),
            ("reason", .string(hop.reason)),
            ("location", .optional(hop.location)),
            ("next", .optional(hop.next?.description)),
            ("permanent", hop.next == nil ? .null : .bool(hop.isPermanentRedirect)),
            ("schemeChange", hop.next == nil ? .null : .bool(hop.changesScheme)),
            ("hostChange", hop.next == nil ? .null : .bool(hop.changesHost)),
            ("remoteAddress", .string(hop.remoteAddress.description)),
            ("timing", hopTiming(hop.timing)),
        ])
    }

    private static func hopTiming(_ timing: HopTiming) -> JSONValue {
        .object([
            ("reusedConnection", .bool(timing.reusedConnection)),
            ("dnsMs", .milliseconds(timing.nameLookup)),
            ("connectMs", .milliseconds(timing.connect)),
            ("tlsHandshakeMs", .milliseconds(timing.tlsHandshake)),
            ("firstByteMs", .milliseconds(timing.firstByte)),
            ("totalMs", .milliseconds(timing.total)),
        ])
    }

    private static func chainBreak(_ chainBreak: SideResult.ChainBreak) -> JSONValue {
        switch chainBreak {
        case .loop(let url):
            .object([("kind", .string("loop")), ("url", .string(url.description))])
        case .tooManyRedirects(let limit):
            .object([("kind", .string("tooManyRedirects")), ("limit", .int(limit))])
        case .invalidLocation(let message):
            .object([("kind", .string("invalidLocation")), ("message", .string(message))])
        case .hopFailed(let url, let code, let message):
            .object([("kind", .string("hopFailed")), ("url", .string(url.description)), ("error", .string(code)), ("message", .string(message))])
        }
    }

    private static func hsts(_ hsts: Comparison.HSTSObservation) -> JSONValue {
        .object([
            ("present", .bool(hsts.value != nil)),
            ("value", .optional(hsts.value)),
            ("url", .optional(hsts.url?.description)),
            ("valid", .bool(hsts.policy != nil)),
            ("error", .optional(hsts.parseError)),
            ("maxAge", hsts.policy.map { .int($0.maxAge) } ?? .null),
            ("includeSubDomains", hsts.policy.map { .bool($0.includesSubdomains) } ?? .null),
            ("preload", hsts.policy.map { .bool($0.preload) } ?? .null),
            ("preloadReady", .bool(hsts.policy != nil && hsts.preloadProblems.isEmpty)),
            ("preloadProblems", .array(hsts.preloadProblems.map(JSONValue.string))),
            ("sentOverHTTP", .optional(hsts.sentOverHTTP)),
        ])
    }

    private static func headers(_ diff: HeaderDiff) -> JSONValue {
        func names(_ state: HeaderDiff.State) -> JSONValue {
            .array(diff.entries.filter { $0.state == state }.map { .string($0.name) })
        }
        return .object([
            ("same", names(.same)),
            ("different", names(.different)),
            ("onlyHTTP", names(.onlyHTTP)),
            ("onlyHTTPS", names(.onlyHTTPS)),
            ("fields", .array(diff.entries.map { entry in
                .object([
                    ("name", .string(entry.name)),
                    ("state", .string(entry.state.rawValue)),
                    ("http", entry.http.map { .array($0.map(JSONValue.string)) } ?? .null),
                    ("https", entry.https.map { .array($0.map(JSONValue.string)) } ?? .null),
                    ("security", .bool(entry.isSecurityField)),
                    ("volatile", .bool(entry.isVolatile)),
                ])
            })),
        ])
    }

    private static func cookie(_ observation: Comparison.CookieObservation) -> JSONValue {
        let cookie = observation.cookie
        return .object([
            ("name", .string(cookie.name)),
            ("url", .string(observation.url.description)),
            ("overHTTPS", .bool(observation.url.isSecure)),
            ("secure", .bool(cookie.secure)),
            ("httpOnly", .bool(cookie.httpOnly)),
            ("sameSite", .optional(cookie.sameSite)),
            ("problems", .array(observation.problems.map(JSONValue.string))),
        ])
    }

    private static func content(_ comparison: Comparison) -> JSONValue {
        func body(_ side: SideResult) -> JSONValue {
            guard let final = side.final, let body = side.body else { return .null }
            return .object([
                ("url", .string(final.url.description)),
                ("status", .int(final.status)),
                ("size", .int(body.size)),
                ("sha256", .string(body.sha256)),
            ])
        }
        return .object([
            ("http", body(comparison.http)),
            ("https", body(comparison.https)),
            ("identical", comparison.contentIdentical.map(JSONValue.bool) ?? .null),
        ])
    }

    private static func timing(_ side: SideResult) -> JSONValue {
        guard side.isReached, let first = side.hops.first else { return .null }
        return .object([
            ("dnsMs", .milliseconds(first.timing.nameLookup)),
            ("connectMs", .milliseconds(first.timing.connect)),
            ("tlsHandshakeMs", .milliseconds(first.timing.tlsHandshake)),
            ("firstByteMs", .milliseconds(first.timing.firstByte)),
            ("totalMs", .milliseconds(first.timing.total)),
            ("hops", .int(side.hops.count)),
            ("allHopsMs", .milliseconds(side.totalTime)),
        ])
    }

    private static func tls(_ tls: TLSSummary) -> JSONValue {
        .object([
            ("version", tls.version.isEmpty ? .null : .string(tls.version)),
            ("cipher", tls.cipher.isEmpty ? .null : .string(tls.cipher)),
            ("keyExchangeGroup", .optional(tls.keyExchangeGroup)),
            ("verified", .bool(tls.verified)),
            ("verifyResult", .int(tls.verifyResult)),
            ("leafSubject", .optional(tls.leafSubject)),
            ("leafIssuer", .optional(tls.leafIssuer)),
            ("subjectAlternativeNames", .optional(tls.leafSubjectAlternativeNames)),
            ("notAfter", .optional(tls.leafNotAfter)),
            ("daysLeft", tls.daysLeft.map { .int($0) } ?? .null),
            ("verdict", .string(tls.verdict)),
            ("verificationFailure", .optional(tls.verificationFailure)),
        ])
    }

    private static func finding(_ finding: Finding) -> JSONValue {
        .object([
            ("code", .string(finding.code)),
            ("severity", .string(finding.severity.description)),
            ("section", .string(finding.section.rawValue)),
            ("side", .optional(finding.side)),
            ("message", .string(finding.message)),
        ])
    }
}
