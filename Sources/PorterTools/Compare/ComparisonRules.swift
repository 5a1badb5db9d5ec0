@_spi(PorterTools) import PorterCore

/// The rules that turn two sides into findings, in the terms the Mozilla
/// Observatory and the HSTS preload list use. Pure: no I/O.
struct ComparisonRules {
    let target: CompareTarget
    let http: SideResult
    let https: SideResult

    private static let sts = "Strict-Transport-Security"

    func findings(headers: HeaderDiff?, hsts: Comparison.HSTSObservation, cookies: [Comparison.CookieObservation]) -> [Finding] {
        reachabilityFindings() + redirectFindings() + hstsFindings(hsts) + headerFindings(headers)
            + cookieFindings(cookies) + contentFindings() + tlsFindings()
    }

    // MARK: - Reachability

    func reachabilityFindings() -> [Finding] {
        [http, https].compactMap { side in
            guard let problem = side.problem else { return nil }
            let what: String
            switch problem.kind {
            case .refused: what = "refuses connections"
            case .timedOut: what = "timed out"
            case .unresolved: what = "does not resolve"
            case .wrongProtocol: what = "speaks the wrong protocol"
            case .failed: what = "failed"
            }
            return Finding(
                "reachability.\(problem.kind.rawValue)", .unreachable, .reachability, side: side.scheme,
                "\(side.startURL) \(what): \(problem.message)")
        }
    }

    // MARK: - Redirects

    /// Whether HTTP's first answer redirects to HTTPS on the same host, as the preload list requires.
    var httpRedirectsToSameHostHTTPS: Bool {
        guard http.isReached, let next = http.hops.first?.next else { return false }
        return next.isSecure && next.host == target.host
    }

    func redirectFindings() -> [Finding] {
        var findings: [Finding] = []
        for side in [http, https] where side.isReached {
            if let chainBreak = side.chainBreak { findings.append(Self.finding(for: chainBreak, side: side)) }
            for hop in side.hops where hop.url.isSecure && hop.next?.isSecure == false {
                findings.append(Finding(
                    "redirects.downgrade", .failure, .redirects, side: side.scheme,
                    "\(hop.url) redirects back to plain HTTP (\(hop.next!)); every redirect from HTTPS must stay on HTTPS"))
            }
        }
        guard http.isReached, let first = http.hops.first else { return findings }
        guard let next = first.next else {
            findings.append(Finding(
                "redirects.missing", .failure, .redirects, side: "http",
                "\(first.url) answers \(first.status) itself instead of redirecting to HTTPS; redirect it with 301 to \(target.httpsURL)"))
            return findings
        }
        if !next.isSecure {
            if http.hops.dropFirst().contains(where: { $0.url.isSecure }) {
                findings.append(Finding(
                    "redirects.firstHopNotHTTPS", .warning, .redirects, side: "http",
                    "the first redirect goes to \(next), still plain HTTP; redirect straight to \(target.httpsURL) (the preload list requires it)"))
            } else if http.chainBreak == nil {
                findings.append(Finding(
                    "redirects.neverHTTPS", .failure, .redirects, side: "http",
                    "the redirects from \(first.url) end on \(http.hops.last!.url) without ever reaching HTTPS"))
            }
        } else if next.host != target.host {
            findings.append(Finding(
                "redirects.offHost", .warning, .redirects, side: "http",
                "the first redirect goes to another host, \(next); redirect to https://\(first.url.bracketedHost) first so that its HSTS policy is set (the preload list requires it)"))
        }
        if !first.isPermanentRedirect {
            findings.append(Finding(
                "redirects.temporary", .warning, .redirects, side: "http",
                "the first redirect is \(first.status) \(first.reason), a temporary one; use 301 or 308 so that browsers and search engines remember it"))
        }
        if next.isSecure && next.host == target.host && next.port != target.httpsPort {
            findings.append(Finding(
                "redirects.otherPort", .info, .redirects, side: "http",
                "the redirect goes to port \(next.port), not to the HTTPS port compared (\(target.httpsPort))"))
        }
        if httpRedirectsToSameHostHTTPS && first.isPermanentRedirect && http.chainBreak == nil {
            findings.append(Finding(
                "redirects.ok", .pass, .redirects, side: "http",
                "\(first.url) redirects with \(first.status) to \(next)"))
        }
        return findings
    }

    private static func finding(for chainBreak: SideResult.ChainBreak, side: SideResult) -> Finding {
        switch chainBreak {
        case .loop(let url):
            let path = (side.hops.map(\.url.description) + [url.description]).joined(separator: " -> ")
            return Finding("redirects.loop", .failure, .redirects, side: side.scheme, "redirect loop: \(path)")
        case .tooManyRedirects(let limit):
            return Finding(
                "redirects.tooMany", .failure, .redirects, side: side.scheme,
                "more than \(limit) redirects from \(side.startURL); shorten the chain (--max-redirs raises the limit)")
        case .invalidLocation(let message):
            return Finding("redirects.invalidLocation", .failure, .redirects, side: side.scheme, message)
        case .hopFailed(let url, _, let message):
            return Finding("redirects.hopFailed", .failure, .redirects, side: side.scheme, "the redirect to \(url) failed: \(message)")
        }
    }

    // MARK: - HSTS

    var hstsObservation: Comparison.HSTSObservation {
        var observation = Comparison.HSTSObservation(value: nil, url: nil, policy: nil, parseError: nil, sentOverHTTP: nil, preloadProblems: [])
        // RFC 6797 §8.1: only the first field counts; over plain HTTP it is ignored.
        observation.sentOverHTTP = http.hops.lazy.filter { !$0.url.isSecure }.compactMap { $0.fields[Self.sts] }.first
        let secureHops = https.isReached ? https.hops.filter(\.url.isSecure) : []
        if let hop = secureHops.first(where: { $0.fields.contains(Self.sts) }), let value = hop.fields[Self.sts] {
            observation.value = value
            observation.url = hop.url
            do {
                observation.policy = try StrictTransportSecurity(parsing: value)
            } catch {
                observation.parseError = error.reason
            }
        }
        if let policy = observation.policy {
            observation.preloadProblems = policy.preloadHeaderProblems
        } else if https.isReached {
            observation.preloadProblems = ["no valid Strict-Transport-Security header"]
        }
        if http.isReached && !httpRedirectsToSameHostHTTPS {
            observation.preloadProblems.append("HTTP does not redirect to HTTPS on the same host first")
        }
        return observation
    }

    func hstsFindings(_ observation: Comparison.HSTSObservation) -> [Finding] {
        var findings: [Finding] = []
        if let value = observation.sentOverHTTP {
            let redirects = http.hops.first?.next?.isSecure == true
            findings.append(Finding(
                "hsts.sentOverHTTP", redirects ? .info : .warning, .hsts, side: "http",
                "Strict-Transport-Security (\(value)) is sent over plain HTTP, where browsers ignore it (RFC 6797 §8.1)"
                    + (redirects ? "" : "; and HTTP serves content without redirecting, so visitors who type the name stay on HTTP")))
        }
        guard https.isReached else { return findings }
        guard let value = observation.value else {
            findings.append(Finding(
                "hsts.missing", .failure, .hsts, side: "https",
                "\(https.startURL) sends no Strict-Transport-Security; add 'Strict-Transport-Security: max-age=63072000; includeSubDomains; preload' to HTTPS responses"))
            return findings
        }
        guard let policy = observation.policy else {
            findings.append(Finding("hsts.invalid", .failure, .hsts, side: "https", "\(observation.parseError ?? "invalid header"): \(value)"))
            return findings
        }
        let age = "max-age=\(policy.maxAge) (\(StrictTransportSecurity.describe(seconds: policy.maxAge)))"
        if policy.maxAge == 0 {
            findings.append(Finding("hsts.maxAgeZero", .failure, .hsts, side: "https", "max-age=0 tells browsers to forget the policy"))
        } else if policy.maxAge < StrictTransportSecurity.minimumMaxAge {
            findings.append(Finding(
                "hsts.maxAgeTooShort", .failure, .hsts, side: "https",
                "\(age) is below the six-month minimum (15768000); use at least one year (31536000)"))
        } else if policy.maxAge < StrictTransportSecurity.recommendedMaxAge {
            findings.append(Finding(
                "hsts.maxAgeShort", .warning, .hsts, side: "https",
                "\(age) is below the recommended one year (31536000)"))
        } else {
            let directives = [policy.includesSubdomains ? "includeSubDomains" : nil, policy.preload ? "preload" : nil].compactMap { $0 }
            findings.append(Finding("hsts.ok", .pass, .hsts, side: "https", ([age] + directives).joined(separator: ", ")))
        }
        if !policy.includesSubdomains {
            findings.append(Finding(
                "hsts.noIncludeSubDomains", .info, .hsts, side: "https",
                "includeSubDomains is missing: subdomains are not covered, and the preload list requires it"))
        }
        let problems = observation.preloadProblems
        if problems.isEmpty {
            findings.append(Finding("hsts.preloadReady", .pass, .hsts, side: "https", "meets the preload list's requirements"))
        } else if policy.preload {
            findings.append(Finding(
                "hsts.preloadNotEligible", .warning, .hsts, side: "https",
                "asks to be preloaded, but the preload list would refuse it: " + problems.joined(separator: "; ")))
        } else {
            findings.append(Finding(
                "hsts.notPreloadReady", .info, .hsts, side: "https",
                "not ready for the preload list: " + problems.joined(separator: "; ")))
        }
        return findings
    }

    // MARK: - Headers

    func headerFindings(_ diff: HeaderDiff?) -> [Finding] {
        var findings: [Finding] = []
        if let final = https.final {
            findings += Self.securityHeaderFindings(final.fields)
        }
        guard let diff else { return findings }
        let security = diff.differences.filter { $0.isSecurityField && $0.name.lowercased() != "strict-transport-security" }
        if !security.isEmpty {
            findings.append(Finding(
                "headers.securityDiffers", .warning, .headers,
                "security headers differ between the final HTTP and HTTPS responses: \(Self.describe(security))"))
        }
        let backend = diff.differences.filter { ["server", "via"].contains($0.name.lowercased()) }
        if !backend.isEmpty {
            findings.append(Finding(
                "headers.backendDiffers", .info, .headers,
                "\(Self.describe(backend)): the two ports may reach different back ends"))
        }
        let others = diff.differences.filter { !$0.isSecurityField && !["server", "via"].contains($0.name.lowercased()) }
        if !others.isEmpty {
            findings.append(Finding("headers.differ", .info, .headers, "other fields differ: \(Self.describe(others))"))
        }
        return findings
    }

    private static func describe(_ entries: [HeaderDiff.Entry]) -> String {
        entries.map { entry in
            let left = entry.http.map { "\"\($0.joined(separator: ", "))\"" } ?? "absent"
            let right = entry.https.map { "\"\($0.joined(separator: ", "))\"" } ?? "absent"
            return "\(entry.name) (HTTP \(left), HTTPS \(right))"
        }.joined(separator: "; ")
    }

    /// The Observatory's header checks on the final HTTPS response.
    static func securityHeaderFindings(_ fields: HeaderFields) -> [Finding] {
        var findings: [Finding] = []
        var missing: [String] = []
        let csp = fields["Content-Security-Policy"]
        if csp == nil {
            missing.append("Content-Security-Policy")
            findings.append(Finding(
                "headers.cspMissing", .warning, .headers, side: "https",
                "no Content-Security-Policy: nothing limits where scripts may come from"))
        }
        let nosniff = fields["X-Content-Type-Options"]
        if nosniff?.lowercased() != "nosniff" {
            missing.append("X-Content-Type-Options")
            findings.append(Finding(
                "headers.contentTypeOptions", .warning, .headers, side: "https",
                nosniff.map { "X-Content-Type-Options is \"\($0)\"; the only valid value is nosniff" }
                    ?? "no X-Content-Type-Options: nosniff"))
        }
        let frameOptions = fields["X-Frame-Options"]?.uppercased()
        let frameAncestors = csp.map { policy in
            policy.split(separator: ";").contains { $0.trimmingASCIIWhitespace().lowercased().hasPrefix("frame-ancestors") }
        } ?? false
        if !frameAncestors && frameOptions != "DENY" && frameOptions != "SAMEORIGIN" {
            missing.append("X-Frame-Options")
            findings.append(Finding(
                "headers.frameOptions", .warning, .headers, side: "https",
                frameOptions.map { "X-Frame-Options is \"\($0)\"; use DENY or SAMEORIGIN, or CSP frame-ancestors" }
                    ?? "neither X-Frame-Options nor CSP frame-ancestors: the page can be framed (clickjacking)"))
        }
        if let referrer = fields["Referrer-Policy"] {
            if referrer.lowercased().split(separator: ",").last?.trimmingASCIIWhitespace() == "unsafe-url" {
                findings.append(Finding(
                    "headers.referrerPolicy", .warning, .headers, side: "https",
                    "Referrer-Policy unsafe-url sends full URLs, even from HTTPS to HTTP"))
            }
        } else {
            missing.append("Referrer-Policy")
            findings.append(Finding(
                "headers.referrerPolicyMissing", .info, .headers, side: "https",
                "no Referrer-Policy (browsers default to strict-origin-when-cross-origin)"))
        }
        if fields["Permissions-Policy"] == nil {
            missing.append("Permissions-Policy")
            findings.append(Finding("headers.permissionsPolicyMissing", .info, .headers, side: "https", "no Permissions-Policy"))
        }
        if missing.isEmpty && findings.isEmpty {
            findings.append(Finding(
                "headers.security", .pass, .headers, side: "https",
                "Content-Security-Policy, X-Content-Type-Options, frame protection, Referrer-Policy and Permissions-Policy are set"))
        }
        return findings
    }

    // MARK: - Cookies

    var cookieObservations: [Comparison.CookieObservation] {
        var observations: [Comparison.CookieObservation] = []
        for side in [http, https] where side.isReached {
            for hop in side.hops {
                for value in hop.fields.values(named: "Set-Cookie") {
                    guard let cookie = SetCookie(parsing: value) else { continue }
                    var problems: [String] = []
                    if !hop.url.isSecure {
                        problems.append(cookie.secure
                            ? "set with Secure over plain HTTP, which browsers refuse"
                            : "set over plain HTTP, readable by anyone on the path")
                    } else {
                        if !cookie.secure {
                            problems.append(cookie.isSameSiteNone ? "SameSite=None without Secure, which browsers refuse" : "no Secure: it is also sent over plain HTTP")
                        }
                        if !cookie.httpOnly { problems.append("no HttpOnly: scripts can read it") }
                        if cookie.sameSite == nil { problems.append("no SameSite") }
                    }
                    let observation = Comparison.CookieObservation(url: hop.url, cookie: cookie, problems: problems)
                    // The HTTP side's chain often ends on the same HTTPS URL as the HTTPS side.
                    if !observations.contains(observation) { observations.append(observation) }
                }
            }
        }
        return observations
    }

    func cookieFindings(_ cookies: [Comparison.CookieObservation]) -> [Finding] {
        var findings: [Finding] = []
        var reported: Set<String> = []
        func add(_ code: String, _ severity: FindingSeverity, _ side: String, _ name: String, _ message: String) {
            guard reported.insert("\(code) \(side) \(name)").inserted else { return }
            findings.append(Finding(code, severity, .cookies, side: side, message))
        }
        for observation in cookies {
            let cookie = observation.cookie
            let name = cookie.name
            if !observation.url.isSecure {
                add("cookies.overHTTP", .warning, "http", name, "cookie \(name) is \(observation.problems.first ?? "set over plain HTTP") (\(observation.url))")
                continue
            }
            let side = observation.url.isSecure ? "https" : "http"
            if !cookie.secure {
                add("cookies.notSecure", .warning, side, name,
                    cookie.isSameSiteNone
                        ? "cookie \(name) has SameSite=None without Secure, which browsers refuse; add Secure"
                        : "cookie \(name) is set over HTTPS without Secure, so browsers also send it over plain HTTP; add Secure")
            }
            if !cookie.httpOnly {
                add("cookies.notHttpOnly", .info, side, name, "cookie \(name) has no HttpOnly: scripts can read it (add it unless scripts need the cookie)")
            }
            if cookie.sameSite == nil {
                add("cookies.noSameSite", .info, side, name, "cookie \(name) has no SameSite (browsers default to Lax)")
            }
        }
        return findings
    }

    // MARK: - Content

    func contentFindings() -> [Finding] {
        guard let left = http.final, let right = https.final, let leftBody = http.body, let rightBody = https.body else { return [] }
        var findings: [Finding] = []
        if left.status != right.status {
            findings.append(Finding(
                "content.statusDiffers", .warning, .content,
                "the final responses differ in status: \(left.status) over HTTP, \(right.status) over HTTPS"))
        }
        if leftBody == rightBody {
            findings.append(Finding(
                "content.identical", .pass, .content,
                "both final bodies are identical (\(leftBody.size) bytes, SHA-256 \(leftBody.sha256.prefix(16))…)"))
        } else if left.url == right.url {
            findings.append(Finding(
                "content.dynamic", .info, .content,
                "both sides end on \(left.url), but its body changed between the two requests (\(leftBody.size) and \(rightBody.size) bytes): the page is dynamic"))
        } else {
            findings.append(Finding(
                "content.differs", .warning, .content,
                "the final bodies differ: \(leftBody.size) bytes (SHA-256 \(leftBody.sha256.prefix(16))…) from \(left.url), \(rightBody.size) bytes (SHA-256 \(rightBody.sha256.prefix(16))…) from \(right.url)"))
        }
        return findings
    }

    // MARK: - TLS

    func tlsFindings() -> [Finding] {
        guard let tls = https.tls else { return [] }
        if let failure = tls.verificationFailure {
            return [Finding("tls.certificate", .failure, .tls, side: "https", failure)]
        }
        guard https.isReached else { return [] }
        let leaf = tls.leafSubject.map { ", \($0)" } ?? ""
        let days = tls.daysLeft.map { ", \($0) days left" } ?? ""
        if !tls.verified {
            return [Finding(
                "tls.notVerified", .warning, .tls, side: "https",
                "the certificate was not verified (--insecure)\(leaf)\(days)")]
        }
        if let daysLeft = tls.daysLeft, daysLeft < TLSSummary.renewalWarningDays {
            return [Finding(
                "tls.expiresSoon", .warning, .tls, side: "https",
                "the certificate\(leaf) expires in \(daysLeft) days (\(tls.leafNotAfter ?? "")); renew it")]
        }
        return [Finding("tls.ok", .pass, .tls, side: "https", "\(tls.version), \(tls.cipher)\(leaf)\(days)")]
    }
}
