import ArgumentParser
import PorterCore
import PorterTools

/// `porter compare HOST | URL`: requests the same path over plain HTTP and
/// HTTPS, follows each side's redirects hop by hop, and reports redirects,
/// HSTS, headers, cookies, content, timing and TLS with verdicts and an exit
/// status a CI job can gate on.
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a host's HTTP and HTTPS ports: redirects, HSTS, headers, cookies, content, timing, TLS.",
        discussion: """
            Requests the same path on both ports (80 and 443 unless --http-port and \
            --https-port say otherwise), follows every redirect hop by hop on each side, \
            and judges the result in the terms the Mozilla Observatory and the HSTS \
            preload list use.

            Exit statuses (the worst finding decides):
              0  all good: passed checks and notes only
              3  warnings: e.g. a 302 instead of a 301, HSTS max-age under a year
              4  failures: e.g. no redirect to HTTPS, no HSTS, a loop, a bad certificate
              5  unreachable: a port refused, timed out or spoke the wrong protocol
              2  bad command line
            """
    )

    @Argument(help: ArgumentHelp("The host (example.org), or a URL whose path and query are kept.", valueName: "host-or-url"))
    var target: String

    @Option(name: .customLong("http-port"), help: ArgumentHelp("The plain HTTP port (default 80).", valueName: "port"))
    var httpPort: Int?

    @Option(name: .customLong("https-port"), help: ArgumentHelp("The HTTPS port (default 443).", valueName: "port"))
    var httpsPort: Int?

    @OptionGroup var connection: ProbeConnectionOptions

    @OptionGroup var tls: TLSOptions

    @Flag(name: .customLong("all-addresses"), help: "Compare each IPv4 and IPv6 address of the host on its own.")
    var allAddresses = false

    @OptionGroup var format: ReportFormatOptions

    @Option(name: .customLong("max-redirs"), help: ArgumentHelp("The most redirects to follow on each side (default 10); more is a failure.", valueName: "num"))
    var maxRedirects = 10

    @Option(name: [.customShort("m"), .customLong("max-time")], help: ArgumentHelp("The most seconds for each request, default 30.", valueName: "seconds"))
    var maxTime: Double = 30

    /// The exit statuses, documented in the help and in docs/COMPARE.md.
    enum Status {
        static let good: Int32 = 0
        static let warnings: Int32 = 3
        static let failures: Int32 = 4
        static let unreachable: Int32 = 5

        static func status(for severity: FindingSeverity) -> Int32 {
            switch severity {
            case .pass, .info: good
            case .warning: warnings
            case .failure: failures
            case .unreachable: unreachable
            }
        }
    }

    func validate() throws {
        for (name, port) in [("--http-port", httpPort), ("--https-port", httpsPort)] {
            if let port, !(1...65535).contains(port) { throw ValidationError("\(name) must be a port from 1 to 65535") }
        }
        if maxRedirects < 0 { throw ValidationError("--max-redirs must be 0 or more") }
        if !(maxTime > 0 && maxTime.isFinite) { throw ValidationError("--max-time must be a number of seconds above 0") }
        do {
            _ = try CompareTarget(parsing: target)
        } catch {
            throw ValidationError(error.reason)
        }
    }

    func run() async throws {
        if tls.insecure {
            FileOutput.standardError.writeLine("porter: warning: --insecure: the HTTPS side's certificate is NOT verified")
        }
        let compareTarget = try CompareTarget(parsing: target, httpPort: httpPort, httpsPort: httpsPort)
        let overrides = try ResolveOption.overrides(connection.resolve)
        let options = CompareOptions(
            tls: tls.configuration, maximumRedirects: maxRedirects,
            connectTimeout: connection.connectTimeoutDuration,
            requestTimeout: .milliseconds(Int64((maxTime * 1000).rounded(.up))),
            addressOverrides: overrides, comparesEveryAddress: allAddresses)
        let report = await SiteComparer(target: compareTarget, options: options).run()
        let status = Status.status(for: report.severity)
        let text: String
        if format.json {
            text = CompareJSON.document(report, exitStatus: status).rendered()
        } else {
            let renderer = CompareText(report: report, exitStatus: status, colour: Terminal.colourOnStandardOutput())
            text = renderer.lines().joined(separator: "\n") + "\n"
        }
        do {
            try FileOutput.standardOutput.write(Array(text.utf8))
        } catch {
            FileOutput.standardError.writeLine("porter: (23) \(error.reason)")
            throw ExitCode(23)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
