import PorterCore
import PorterTools

/// `porter compare`'s report for a person: an overview with the two sides
/// next to each other, then redirects, HSTS, headers, cookies, TLS and the
/// findings, and the verdict with its exit status.
struct CompareText {
    let report: CompareReport
    let exitStatus: Int32
    let colour: Bool

    /// Cells wider than this are cut with `…` (the JSON has every byte).
    static let valueWidth = 44

    func lines() -> [String] {
        let target = report.target
        var lines = [paint("porter compare \(target.host)\(target.target == "/" ? "" : target.target)", .bold)
            + ": \(target.httpURL) vs \(target.httpsURL)"]
        for comparison in report.comparisons {
            lines += section(for: comparison)
        }
        let verdict: String
        switch report.severity {
        case .pass, .info: verdict = "all good"
        case .warning: verdict = "warnings"
        case .failure: verdict = "failures"
        case .unreachable: verdict = "unreachable"
        }
        lines.append("")
        lines.append(paint("Verdict: \(verdict) (exit \(exitStatus))", Self.colour(for: report.severity)))
        return lines
    }

    private func section(for comparison: Comparison) -> [String] {
        var lines: [String] = [""]
        if let address = comparison.address {
            lines.append(paint("Address \(address)", .bold))
            lines.append("")
        }
        lines += overview(comparison)
        lines += redirects(comparison)
        lines += hsts(comparison)
        lines += headers(comparison)
        lines += cookies(comparison)
        lines += tls(comparison)
        lines += findings(comparison)
        return lines
    }

    private func paint(_ text: String, _ colour: Terminal.Colour?) -> String {
        self.colour ? Terminal.paint(text, colour) : text
    }

    private func heading(_ text: String) -> [String] { ["", paint(text, .bold)] }

    // MARK: - Overview: the two sides, next to each other

    private func overview(_ comparison: Comparison) -> [String] {
        let (http, https) = (comparison.http, comparison.https)
        var table = TextTable(maximumWidths: [16, Self.valueWidth, Self.valueWidth])
        table.append(["", TextTable.Cell("HTTP :\(http.startURL.port)", .bold), TextTable.Cell("HTTPS :\(https.startURL.port)", .bold)])
        table.append(["reachability", reachability(http), reachability(https)])
        table.append(["first answer", firstAnswer(http), firstAnswer(https)])
        table.append(["final URL", TextTable.Cell(http.final?.url.description ?? "-"), TextTable.Cell(https.final?.url.description ?? "-")])
        table.append(["status", status(http), status(https)])
        table.append(["size", size(http), size(https)])
        let same = comparison.contentIdentical
        let hashColour: Terminal.Colour? = same.map { $0 ? .green : .yellow }
        table.append([
            "SHA-256", TextTable.Cell(http.body.map { String($0.sha256.prefix(16)) + "…" } ?? "-", hashColour),
            TextTable.Cell(https.body.map { String($0.sha256.prefix(16)) + "…" } ?? "-", hashColour),
        ])
        if let same { table.append(["content", "", TextTable.Cell(same ? "identical" : "differs", hashColour)]) }
        table.append(["DNS", phase(http) { $0.nameLookup }, phase(https) { $0.nameLookup }])
        table.append(["connect", phase(http) { $0.connect }, phase(https) { $0.connect }])
        table.append(["TLS handshake", phase(http) { $0.tlsHandshake }, phase(https) { $0.tlsHandshake }])
        table.append(["first byte", phase(http) { $0.firstByte }, phase(https) { $0.firstByte }])
        table.append(["total", phase(http) { $0.total }, phase(https) { $0.total }])
        table.append([
            "all hops", http.isReached ? TextTable.Cell("\(Milliseconds.short(http.totalTime)) (\(http.hops.count))") : "-",
            https.isReached ? TextTable.Cell("\(Milliseconds.short(https.totalTime)) (\(https.hops.count))") : "-",
        ])
        return table.lines(colour: colour)
    }

    private func reachability(_ side: SideResult) -> TextTable.Cell {
        if let problem = side.problem { return TextTable.Cell(problem.kind.rawValue, .magenta) }
        return TextTable.Cell(side.hops.first.map { "answered from \($0.remoteAddress)" } ?? "-", .green)
    }

    /// The first response: a redirect's status and target, or the status alone.
    private func firstAnswer(_ side: SideResult) -> TextTable.Cell {
        guard side.isReached, let first = side.hops.first else { return "-" }
        guard let next = first.next else { return TextTable.Cell("\(first.status), no redirect") }
        let more = side.redirects.count > 1 ? " (+\(side.redirects.count - 1))" : ""
        return TextTable.Cell("\(first.status) -> \(next)\(more)", first.isPermanentRedirect ? nil : .yellow)
    }

    private func status(_ side: SideResult) -> TextTable.Cell {
        if let final = side.final { return TextTable.Cell("\(final.status) \(final.reason)") }
        if side.chainBreak != nil { return TextTable.Cell("chain broken", .red) }
        return "-"
    }

    private func size(_ side: SideResult) -> TextTable.Cell {
        guard side.final != nil, let body = side.body else { return "-" }
        return TextTable.Cell("\(body.size) bytes")
    }

    /// A phase of the side's first hop, from the hop's start.
    private func phase(_ side: SideResult, _ value: (HopTiming) -> Duration?) -> TextTable.Cell {
        guard side.isReached, let first = side.hops.first, let duration = value(first.timing) else { return "-" }
        return TextTable.Cell(Milliseconds.short(duration))
    }

    // MARK: - Sections

    private func redirects(_ comparison: Comparison) -> [String] {
        var table = TextTable(maximumWidths: [5, 3, 5, 60, 63, 40])
        for side in [comparison.http, comparison.https] where side.isReached {
            for (index, hop) in side.hops.enumerated() {
                var change = ""
                if let next = hop.next {
                    var parts: [String] = []
                    parts.append(hop.changesScheme ? "\(hop.url.scheme) -> \(next.scheme)" : "same scheme")
                    parts.append(hop.changesHost ? "host -> \(next.host)" : "same host")
                    parts.append(hop.isPermanentRedirect ? "permanent" : "temporary")
                    change = parts.joined(separator: ", ")
                }
                let colour: Terminal.Colour? = hop.next == nil ? nil : hop.isPermanentRedirect ? .green : .yellow
                table.append([
                    index == 0 ? TextTable.Cell(side.scheme.uppercased(), .bold) : "", "\(index + 1)",
                    TextTable.Cell("\(hop.status)", colour), TextTable.Cell(hop.url.description),
                    TextTable.Cell(hop.next.map { "-> \($0)" } ?? ""), TextTable.Cell(change),
                    TextTable.Cell(Milliseconds.short(hop.timing.total) + (hop.timing.reusedConnection ? " (reused)" : "")),
                ])
            }
            if let chainBreak = side.chainBreak {
                table.append(["", "", TextTable.Cell("stop", .red), TextTable.Cell(Self.describe(chainBreak))])
            }
        }
        return heading("Redirects") + (table.rows.isEmpty ? ["  (no side answered)"] : table.lines(colour: colour))
    }

    static func describe(_ chainBreak: SideResult.ChainBreak) -> String {
        switch chainBreak {
        case .loop(let url): "redirect loop back to \(url)"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        case .invalidLocation(let message): message
        case .hopFailed(let url, _, let message): "\(url): \(message)"
        }
    }

    private func hsts(_ comparison: Comparison) -> [String] {
        let hsts = comparison.hsts
        var lines = heading("HSTS")
        if let value = hsts.value {
            lines.append("  HTTPS sends: \(value)")
            if let policy = hsts.policy {
                lines.append("  max-age \(StrictTransportSecurity.describe(seconds: policy.maxAge)), includeSubDomains \(policy.includesSubdomains ? "yes" : "no"), preload \(policy.preload ? "yes" : "no")")
            }
        } else if comparison.https.isReached {
            lines.append("  HTTPS sends no Strict-Transport-Security")
        } else {
            lines.append("  HTTPS was not reached")
        }
        if hsts.policy != nil || comparison.https.isReached {
            lines.append(hsts.preloadProblems.isEmpty
                ? "  preload list: " + paint("eligible", .green)
                : "  preload list: not eligible (" + hsts.preloadProblems.joined(separator: "; ") + ")")
        }
        if let overHTTP = hsts.sentOverHTTP {
            lines.append("  HTTP sends: \(overHTTP) (ignored by browsers over plain HTTP)")
        }
        return lines
    }

    private func headers(_ comparison: Comparison) -> [String] {
        guard let diff = comparison.headers else { return [] }
        var table = TextTable(maximumWidths: [28, 38, 38, 30])
        table.append([TextTable.Cell("field", .bold), TextTable.Cell("HTTP", .bold), TextTable.Cell("HTTPS", .bold), ""])
        let entries = diff.entries.filter(\.isSecurityField) + diff.entries.filter { !$0.isSecurityField }
        let securityNames = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy", "Strict-Transport-Security"]
        let absentSecurity = securityNames.filter { diff[$0] == nil }
        for entry in entries {
            let state: TextTable.Cell
            switch entry.state {
            case .same: state = TextTable.Cell("same", .dim)
            case .different: state = TextTable.Cell(entry.isVolatile ? "varies" : "different", entry.isVolatile ? .dim : .yellow)
            case .onlyHTTP: state = TextTable.Cell("HTTP only", .yellow)
            case .onlyHTTPS: state = TextTable.Cell("HTTPS only", entry.isSecurityField ? nil : .yellow)
            }
            table.append([
                TextTable.Cell(entry.name, entry.isSecurityField ? .cyan : nil),
                TextTable.Cell(entry.http?.joined(separator: ", ") ?? "-"), TextTable.Cell(entry.https?.joined(separator: ", ") ?? "-"),
                state,
            ])
        }
        let frameAncestors = [diff["Content-Security-Policy"]?.http, diff["Content-Security-Policy"]?.https].contains { values in
            values?.contains { $0.lowercased().contains("frame-ancestors") } == true
        }
        for name in absentSecurity {
            let covered = name == "X-Frame-Options" && frameAncestors
            table.append([
                TextTable.Cell(name, .cyan), "-", "-",
                covered ? TextTable.Cell("absent (CSP frame-ancestors)", .dim) : TextTable.Cell("absent", .yellow),
            ])
        }
        return heading("Headers (final responses)") + table.lines(colour: colour)
    }

    private func cookies(_ comparison: Comparison) -> [String] {
        guard !comparison.cookies.isEmpty else { return [] }
        var table = TextTable(maximumWidths: [24, 50, 80])
        for observation in comparison.cookies {
            let cookie = observation.cookie
            let flags = [cookie.secure ? "Secure" : nil, cookie.httpOnly ? "HttpOnly" : nil, cookie.sameSite.map { "SameSite=\($0)" }].compactMap { $0 }
            table.append([
                TextTable.Cell(cookie.name), TextTable.Cell(observation.url.description),
                TextTable.Cell(([flags.isEmpty ? "no attributes" : flags.joined(separator: " ")] + observation.problems).joined(separator: "; "),
                               observation.problems.isEmpty ? .green : .yellow),
            ])
        }
        return heading("Cookies") + table.lines(colour: colour)
    }

    private func tls(_ comparison: Comparison) -> [String] {
        guard let tls = comparison.https.tls else { return [] }
        var lines = heading("TLS (\(comparison.https.startURL.authority))")
        if !tls.version.isEmpty {
            lines.append("  \(tls.version), \(tls.cipher)\(tls.keyExchangeGroup.map { ", \($0)" } ?? "")")
        }
        if let subject = tls.leafSubject {
            let days = tls.daysLeft.map { ", \($0) days left" } ?? ""
            lines.append("  leaf \(subject), issued by \(tls.leafIssuer ?? "?"), expires \(tls.leafNotAfter ?? "?")\(days)")
        }
        let colour: Terminal.Colour = tls.verdict == "valid" ? .green : tls.verdict == "invalid" ? .red : .yellow
        lines.append("  certificate: " + paint(tls.verdict, colour) + (tls.verificationFailure.map { " (\($0))" } ?? ""))
        return lines
    }

    private func findings(_ comparison: Comparison) -> [String] {
        var table = TextTable(maximumWidths: [11, 34])
        let ordered = comparison.findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
        for finding in ordered {
            table.append([
                TextTable.Cell(Self.label(finding.severity), Self.colour(for: finding.severity)),
                TextTable.Cell(finding.code), TextTable.Cell((finding.side.map { "[\($0)] " } ?? "") + finding.message),
            ])
        }
        return heading("Findings") + table.lines(colour: colour)
    }

    static func label(_ severity: FindingSeverity) -> String {
        switch severity {
        case .pass: "PASS"
        case .info: "INFO"
        case .warning: "WARN"
        case .failure: "FAIL"
        case .unreachable: "UNREACHABLE"
        }
    }

    static func colour(for severity: FindingSeverity) -> Terminal.Colour {
        switch severity {
        case .pass: .green
        case .info: .cyan
        case .warning: .yellow
        case .failure: .red
        case .unreachable: .magenta
        }
    }
}
