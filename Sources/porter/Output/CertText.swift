import PorterCore
import PorterTools

/// The human-readable report of `porter cert`: per target the handshake, the
/// chain as sent, the chain as verified and the verdict.
///
/// Certificates are shown with `porter verify`'s fields. Colour marks only
/// the verdict, and only when ``colour`` is true (a terminal, no `NO_COLOR`).
struct CertText {
    let colour: Bool
    /// Where the trust anchors come from, e.g. `ca.pem` or `the system trust store`.
    let trustSource: String

    /// `--cacert` and `--capath` in words, or the system store.
    static func trustSource(_ tls: TLSOptions) -> String {
        let sources = [tls.caFile, tls.caDirectory.map { "\($0) (directory)" }].compactMap { $0 }
        return sources.isEmpty ? "the system trust store" : sources.joined(separator: " and ")
    }

    func render(_ inspections: [CertificateInspection]) -> String {
        inspections.map { lines($0).joined(separator: "\n") + "\n" }.joined(separator: "\n")
    }

    func lines(_ inspection: CertificateInspection) -> [String] {
        var lines = ["== \(Self.targetName(inspection)) =="]
        func line(_ label: String, _ value: String) {
            lines.append((label + ":").padded(to: 21) + value)
        }
        if let address = inspection.address { line("connected to", "\(address.host) port \(address.port)") }

        if let session = inspection.session {
            line("tls version", session.version)
            line("cipher suite", session.cipher)
            line("key exchange group", session.keyExchangeGroup ?? "(not named)")
            line("alpn", session.applicationProtocol ?? "none (the server chose no application protocol)")
            line("session resumed", Self.resumption(inspection.resumption))
        } else if let error = inspection.connectionError, !inspection.sentChain.isEmpty {
            line("handshake", "failed after the server sent its certificates: \(error.reason)")
        }
        if !inspection.sentChain.isEmpty {
            line("ocsp stapling", inspection.ocsp.summary)
            line("client certificate", Self.clientCertificate(inspection))
        }

        if !inspection.sentChain.isEmpty, let verification = inspection.verification {
            let count = inspection.sentChain.count
            lines.append("")
            lines.append("chain as sent (\(count) certificate\(count == 1 ? "" : "s")):")
            for (index, certificate) in inspection.sentChain.enumerated() {
                lines.append("certificate \(index): \(Self.sentRole(index, certificate))")
                lines += Self.fieldLines(certificate, at: verification.validationTime)
            }
            lines.append("")
            lines += verifiedChainLines(inspection, verification)
            lines.append("")
            line("name checked", verification.peerName.map(Self.peerName) ?? "none")
            line("verified at", "\(verification.validationTime) (now)")
            line("trust anchors", trustSource)
        }

        switch inspection.verdict {
        case .ok:
            lines.append("verdict: " + Terminal.paint("OK", colour ? .green : nil))
        case .warning(let problem):
            lines.append("verdict: " + Terminal.paint("WARNING", colour ? .yellow : nil) + " — \(problem.explanation)")
        case .failed(let problem):
            lines.append("verdict: " + Terminal.paint("FAILED", colour ? .red : nil) + " — \(problem.explanation)")
        case .unreachable(let error):
            lines.append("verdict: " + Terminal.paint("UNREACHABLE", colour ? .red : nil) + " — \(error.reason)")
        }
        let listed = inspection.problems + inspection.warnings
        if listed.count > 1 || (!inspection.problems.isEmpty && !inspection.warnings.isEmpty) {
            lines.append("problems:")
            for (number, problem) in listed.enumerated() {
                let at = problem.certificateIndex.map { " certificate \($0)" } ?? ""
                lines.append("  \(number + 1). [\(problem.code)\(at)] \(problem.explanation)")
            }
        }
        return lines
    }

    /// The chain OpenSSL built, each certificate named by its place in the chain as sent,
    /// and shown in full only when the server did not send it (the trust anchor).
    private func verifiedChainLines(_ inspection: CertificateInspection, _ verification: CertificateVerification) -> [String] {
        var lines: [String] = []
        var extra: [(Int, Certificate)] = []
        if verification.isValid {
            lines.append("chain as verified (\(verification.chain.count) certificates, to a trust anchor):")
        } else if verification.endsInTrustAnchor {
            lines.append("chain as built (\(verification.chain.count) certificates, to a trust anchor, but it does not verify):")
        } else {
            lines.append("chain as built (no trust anchor reached; it does not verify):")
        }
        for (index, certificate) in verification.chain.enumerated() {
            let role = CertificateText.role(index, in: verification)
            if let sent = inspection.sentChain.firstIndex(of: certificate) {
                lines.append("  \(index). \(certificate.subject) — \(role), sent as certificate \(sent)")
            } else {
                lines.append("  \(index). \(certificate.subject) — \(role), from \(trustSource)")
                extra.append((index, certificate))
            }
        }
        let unused = inspection.sentChain.indices.filter { !verification.chain.contains(inspection.sentChain[$0]) }
        if !unused.isEmpty {
            lines.append("  not used: certificate\(unused.count == 1 ? "" : "s") \(unused.map(String.init).joined(separator: ", ")) as sent")
        }
        for (index, certificate) in extra {
            lines.append("verified chain certificate \(index): \(CertificateText.role(index, in: verification))")
            lines += Self.fieldLines(certificate, at: verification.validationTime)
        }
        return lines
    }

    static func fieldLines(_ certificate: Certificate, at time: CertificateTime) -> [String] {
        CertificateText.fields(certificate, at: time).map { label, value in "  " + (label + ":").padded(to: 21) + value }
    }

    static func targetName(_ inspection: CertificateInspection) -> String {
        let host = inspection.host.contains(":") ? "[\(inspection.host)]" : inspection.host
        return "\(host):\(inspection.port)"
    }

    static func sentRole(_ index: Int, _ certificate: Certificate) -> String {
        if index == 0 { return certificate.isSelfSigned ? "leaf (self-signed)" : "leaf" }
        return certificate.isSelfSigned ? "root" : "intermediate"
    }

    static func peerName(_ name: CertificateVerifier.PeerName) -> String {
        switch name {
        case .dnsName(let host): return "\(host) (DNS)"
        case .ipAddress(let address): return "\(address) (IP)"
        }
    }

    static func resumption(_ resumption: CertificateInspection.Resumption) -> String {
        switch resumption {
        case .resumed: return "no (first handshake); a second handshake resumed it"
        case .notResumed: return "no (first handshake); a second handshake was not resumed"
        case .notOffered: return "no (first handshake); the server issued no resumable session"
        case .notTried: return "no"
        case .failed(let reason): return "no (first handshake); a second handshake failed: \(reason)"
        }
    }

    static func clientCertificate(_ inspection: CertificateInspection) -> String {
        guard inspection.clientCertificateRequested else { return "not requested" }
        return inspection.clientCertificateSent ? "requested, sent" : "requested, none sent"
    }
}

extension String {
    /// The text followed by spaces up to `width` characters (at least one space).
    fileprivate func padded(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
