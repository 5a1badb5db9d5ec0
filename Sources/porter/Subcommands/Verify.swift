import ArgumentParser
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// `porter verify LEAF.pem`: verifies a server certificate chain offline, as
/// a TLS connection would, and explains what is wrong.
///
/// All the work is ``CertificateVerifier``'s; this command reads the files,
/// prints the chain and the verdict (as text or JSON) and picks the exit
/// status from the verdict's class.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a server certificate chain offline and explain the verdict.",
        discussion: """
            The leaf file may hold the whole chain the server sends: the first certificate is the leaf, \
            the others are used as untrusted intermediates.

            Exit statuses:
              0   the chain verifies
              1   an input file cannot be read or holds no valid certificate
              2   usage error
              10  expired or not yet valid
              11  not valid for the --host or --ip given
              12  not trusted: self-signed leaf, untrusted root, incomplete chain, bad signature
              13  weak signature algorithm (SHA-1) or weak key (RSA below 2048 bits, DSA)
              14  constraints or usage: name constraints, key usage, extended key usage, \
            CA certificate misuse, path too long
              15  any other problem (malformed or non-conforming certificate)
            With several problems, the status is that of the first, shown as the verdict.
            """
    )

    typealias Status = CertificateExitStatus

    @Option(name: .customLong("ca"), help: ArgumentHelp("Trust only the certificates in this PEM file (default: the system trust store).", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("untrusted"), help: ArgumentHelp("Untrusted intermediate certificates (PEM) that may complete the chain; may be repeated.", valueName: "file"))
    var untrustedFiles: [String] = []

    @Option(name: .customLong("host"), help: ArgumentHelp("The host name the certificate must be valid for (an IP literal is checked as --ip).", valueName: "name"))
    var host: String?

    @Option(name: .customLong("ip"), help: ArgumentHelp("The IP address the certificate must be valid for.", valueName: "address"))
    var ipAddress: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("Verify at this instant instead of now (ISO 8601, e.g. 2024-03-01T00:00:00Z).", valueName: "time"))
    var at: String?

    @Option(name: .customLong("max-depth"), help: ArgumentHelp("The most intermediate CA certificates allowed between the leaf and a trust anchor.", valueName: "n"))
    var maxDepth: Int?

    @OptionGroup var format: ReportFormatOptions

    @Argument(help: ArgumentHelp("The server's certificate in PEM, optionally followed by its intermediates.", valueName: "leaf.pem"))
    var leafFile: String

    func validate() throws {
        if host != nil && ipAddress != nil { throw ValidationError("--host and --ip cannot be used together") }
        if let host, host.isEmpty { throw ValidationError("--host needs a name") }
        if let ipAddress, !Self.isIPAddress(ipAddress) { throw ValidationError("--ip \(ipAddress) is not an IPv4 or IPv6 address") }
        if let at, CertificateTime(iso8601: at) == nil {
            throw ValidationError("--at \(at) is not an ISO 8601 time such as 2024-03-01T00:00:00Z")
        }
        if let maxDepth, maxDepth < 0 { throw ValidationError("--max-depth must be 0 or more") }
    }

    func run() throws {
        let verifier: CertificateVerifier
        let leaf: Certificate
        do {
            let leafChain = try Certificate.certificates(fromPEMFile: leafFile)
            leaf = leafChain[0]
            var intermediates = Array(leafChain.dropFirst())
            for file in untrustedFiles { intermediates += try Certificate.certificates(fromPEMFile: file) }
            let anchors = try caFile.map { path throws(PorterError) in try Certificate.certificates(fromPEMFile: path) }
            verifier = CertificateVerifier(
                trustAnchors: anchors, intermediates: intermediates, peerName: peerName,
                validationTime: at.flatMap(CertificateTime.init(iso8601:)), maximumDepth: maxDepth)
        } catch {
            FileOutput.standardError.writeLine("porter: \(error.reason)")
            throw ExitCode(Status.unreadableInput)
        }

        let report = verifier.verify(leaf: leaf)
        let status: Int32
        switch report.verdict {
        case .ok: status = Status.verified
        case .failed(let problem): status = Status.status(for: problem.code)
        }
        let text = format.json ? Self.json(report, status: status, trustSource: trustSource) : Self.text(report, trustSource: trustSource, timeGiven: at != nil)
        do {
            try FileOutput.standardOutput.write(Array(text.utf8))
        } catch {
            FileOutput.standardError.writeLine("porter: \(error.reason)")
            throw ExitCode(Status.writeFailed)
        }
        if status != Status.verified { throw ExitCode(status) }
    }

    private var peerName: CertificateVerifier.PeerName? {
        if let ipAddress { return .ipAddress(ipAddress) }
        guard let host else { return nil }
        // As curl does: a host that is an IP literal is checked against IP addresses.
        let literal = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return Self.isIPAddress(literal) ? .ipAddress(literal) : .dnsName(host)
    }

    private var trustSource: String {
        caFile ?? "the system trust store"
    }

    private static func isIPAddress(_ text: String) -> Bool {
        SocketAddress.octets(ofNumericHost: text) != nil
    }

    // MARK: - Text

    static func text(_ report: CertificateVerification, trustSource: String, timeGiven: Bool) -> String {
        var lines: [String] = []
        for (index, certificate) in report.chain.enumerated() {
            lines.append("certificate \(index): \(CertificateText.role(index, in: report))")
            for (label, value) in CertificateText.fields(certificate, at: report.validationTime) {
                lines.append("  " + (label + ":").padding(to: 21) + value)
            }
        }
        lines.append("")
        lines.append("name checked:        " + (report.peerName.map { name in
            switch name {
            case .dnsName(let host): return "\(host) (DNS)"
            case .ipAddress(let address): return "\(address) (IP)"
            }
        } ?? "none (give --host or --ip to check one)"))
        lines.append("verified at:         \(report.validationTime)\(timeGiven ? "" : " (now)")")
        lines.append("trust anchors:       \(trustSource)")
        switch report.verdict {
        case .ok:
            lines.append("verdict: OK")
        case .failed(let problem):
            lines.append("verdict: FAILED — \(problem.explanation)")
            lines.append("problems:")
            for (number, problem) in report.problems.enumerated() {
                let at = problem.certificateIndex.map { " certificate \($0)" } ?? ""
                lines.append("  \(number + 1). [\(problem.code)\(at)] \(problem.explanation)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    static func json(_ report: CertificateVerification, status: Int32, trustSource: String) -> String {
        var object = JSONObject()
        switch report.verdict {
        case .ok: object.add("verdict", .string("ok"))
        case .failed: object.add("verdict", .string("failed"))
        }
        object.add("exitStatus", .number(Int(status)))
        object.add("explanation", .string(report.explanation))
        object.add("peerName", report.peerName.map(CertificateJSON.peerName) ?? .null)
        object.add("validationTime", .string(report.validationTime.iso8601))
        object.add("trustAnchors", .string(trustSource))
        object.add("endsInTrustAnchor", .bool(report.endsInTrustAnchor))
        object.add("chain", .array(report.chain.indices.map { index in
            CertificateJSON.certificate(report.chain[index], index: index, role: CertificateText.role(index, in: report), at: report.validationTime)
        }))
        object.add("problems", .array(report.problems.map { problem in
            var item = JSONObject()
            item.add("code", .string(problem.code.name))
            item.add("certificateIndex", problem.certificateIndex.map { .number($0) } ?? .null)
            item.add("subject", problem.subject.map(JSONValue.string) ?? .null)
            item.add("explanation", .string(problem.explanation))
            return .object(item)
        }))
        return JSONValue.object(object).rendered()
    }

}

private extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
