import ArgumentParser
import PorterCore
import PorterTools

/// `porter cert HOST[:PORT] | URL ...`: connects to each server, shows its
/// handshake and certificates, and explains the verdict.
///
/// All the work is ``CertificateInspector``'s; this command parses the
/// targets, prints each report (text or JSON) in the order given and picks
/// the exit status.
struct Cert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Check TLS servers' certificates: handshake, chain as sent and as verified, OCSP, verdict.",
        discussion: """
            A target is HOST, HOST:PORT, [IPv6]:PORT or an https:// URL; the port defaults to 443. \
            Several targets are checked in parallel and reported in the order given. The handshake \
            records verification without enforcing it, so a failing chain is still shown; the verdict \
            is that of 'porter verify' on the chain the server sent, with the same trust (--cacert, \
            --capath, else the system store), plus the stapled OCSP response, --pinnedpubkey and the \
            client certificate exchange.

            Exit statuses:
              0   every target verifies (and none expires within --warn-days)
              2   usage error
              6   a host name cannot be resolved
              7   a server cannot be connected to
              10  expired or not yet valid
              11  not valid for the host name or IP address
              12  not trusted: self-signed leaf, untrusted root, incomplete chain, bad signature
              13  weak signature algorithm (SHA-1) or weak key (RSA below 2048 bits, DSA)
              14  constraints or usage: name constraints, key usage, extended key usage, \
            CA certificate misuse, path too long
              15  any other certificate problem (malformed or non-conforming certificate)
              16  the server's public key does not match --pinnedpubkey
              17  the stapled OCSP response says the certificate is revoked
              18  the server requires a client certificate (none given: use --cert and --key), \
            or refused the one given
              19  warning: valid, but a certificate expires within --warn-days
              28  timed out
              35  the TLS handshake failed before a certificate arrived
              58  the client certificate or key cannot be used
              77  the --cacert file cannot be used
            With several problems for one target, the status is that of its verdict, the first problem. \
            With several targets, the status is that of the first target (in the order given) with the \
            worst kind of result: a failed verdict (10-18), then an unreachable server (6, 7, 28, 35), \
            then a warning (19).
            """
    )

    @OptionGroup var tls: TLSOptions

    @Option(name: .customLong("warn-days"), help: ArgumentHelp("A certificate that expires within this many days is a warning (exit 19).", valueName: "days"))
    var warnDays: Int?

    @OptionGroup var format: ReportFormatOptions

    @OptionGroup var connection: ProbeConnectionOptions

    @Option(name: .customLong("parallel-max"), help: ArgumentHelp("The most targets checked at once (default 16).", valueName: "num"))
    var parallelMax = 16

    @Flag(name: .customLong("no-resume"), help: "Do not make a second handshake to see whether the server resumes sessions.")
    var noResume = false

    @Argument(help: ArgumentHelp("Servers to check: HOST[:PORT] or https://HOST[:PORT]/.", valueName: "target"))
    var targets: [String] = []

    func validate() throws {
        guard !targets.isEmpty else { throw ValidationError("no target given: porter cert HOST[:PORT] | URL ...") }
        if tls.insecure { throw ValidationError("porter cert never enforces verification, so -k/--insecure has no meaning here") }
        if let warnDays, warnDays < 0 { throw ValidationError("--warn-days must be 0 or more") }
        if parallelMax < 1 { throw ValidationError("--parallel-max must be 1 or more") }
        for target in targets { _ = try Self.parse(target) }
    }

    func run() async throws {
        let inspector: CertificateInspector
        do {
            inspector = try CertificateInspector(
                tls: tls.configuration, pinnedPublicKeys: tls.pinnedPublicKeys, warningDays: warnDays,
                connectTimeout: connection.connectTimeoutDuration,
                addressOverrides: try ResolveOption.overrides(connection.resolve), checksResumption: !noResume)
        } catch let error as PorterError {
            FileOutput.standardError.writeLine("porter: \(error.reason)")
            throw ExitCode(CertificateExitStatus.status(for: error))
        }
        let parsed = try targets.map(Self.parse)
        let inspections = await inspector.inspect(parsed, maximumConcurrent: parallelMax)
        let status = CertificateExitStatus.overall(inspections)
        let trust = CertText.trustSource(tls)
        let text = format.json
            ? CertJSON.document(inspections, exitStatus: status, trustSource: trust)
            : CertText(colour: Terminal.colourOnStandardOutput(), trustSource: trust).render(inspections)
        do {
            try FileOutput.standardOutput.write(Array(text.utf8))
        } catch {
            FileOutput.standardError.writeLine("porter: \(error.reason)")
            throw ExitCode(CertificateExitStatus.writeFailed)
        }
        if status != CertificateExitStatus.verified { throw ExitCode(status) }
    }

    // MARK: - Targets

    /// `HOST`, `HOST:PORT`, `[V6]:PORT`, a bare IPv6 address, or an `https://` URL.
    static func parse(_ text: String) throws -> CertificateInspector.Target {
        // HOST[:PORT] and https:// URLs go through the same URL parser as every fetch
        // (brackets, ports, IDNA); a bare IPv6 literal is bracketed first.
        let url: HTTPURL
        do {
            if let schemeEnd = text.firstRange(of: "://") {
                guard text[..<schemeEnd.lowerBound].lowercased() == "https" else {
                    throw ValidationError("\(text): porter cert checks TLS servers; use https:// or HOST:PORT")
                }
                url = try HTTPURL(parsing: text)
            } else {
                let isBareIPv6 = !text.hasPrefix("[") && text.filter { $0 == ":" }.count > 1
                url = try HTTPURL(parsing: "https://" + (isBareIPv6 ? "[\(text)]" : text))
            }
        } catch let error as PorterError {
            throw ValidationError("\(text): \(error.reason)")
        }
        var host = Substring(url.host)
        if host.hasSuffix(".") && host.count > 1 { host = host.dropLast() }
        return CertificateInspector.Target(host: String(host), port: url.port)
    }
}
