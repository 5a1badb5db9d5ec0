import ArgumentParser
import HTTPTypes
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// `porter [options] URL...`: fetches each URL in order over reused
/// connections and writes the bodies, as curl does with the same options.
struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch URLs (the default subcommand: 'porter URL' is 'porter fetch URL')."
    )

    @Argument(help: "The URLs to fetch, in order.")
    var urls: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Write the body to this file instead of standard output (once per URL, in order).", valueName: "file"))
    var outputs: [String] = []

    @Flag(name: [.customShort("O"), .customLong("remote-name")], help: "Write the body to a file named like the URL's last path segment.")
    var remoteNameCount: Int

    @Flag(name: [.customShort("i"), .customLong("include")], help: "Include the response heads in the output.")
    var include = false

    @Flag(name: [.customShort("I"), .customLong("head")], help: "Send HEAD and show only the response head.")
    var headOnly = false

    @Option(name: [.customShort("X"), .customLong("request")], parsing: .unconditional, help: ArgumentHelp("The request method.", valueName: "method"))
    var method: String?

    @Option(name: [.customShort("H"), .customLong("header")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Add a header 'Name: value'; 'Name:' removes a default one, 'Name;' sends it empty.", valueName: "header"))
    var headers: [String] = []

    @Option(name: [.customShort("d"), .customLong("data"), .customLong("data-ascii")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Send this POST body (form-encoded); '@file' reads it from a file without newlines. Several are joined with '&'.", valueName: "data"))
    var data: [String] = []

    @Option(name: .customLong("data-binary"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Send this POST body exactly; '@file' reads it from a file as is.", valueName: "data"))
    var dataBinary: [String] = []

    @Option(name: [.customShort("A"), .customLong("user-agent")], parsing: .unconditional, help: ArgumentHelp("The User-Agent to send.", valueName: "name"))
    var userAgent: String?

    @Flag(name: [.customShort("L"), .customLong("location")], help: "Follow redirects.")
    var followRedirects = false

    @Option(name: .customLong("max-redirs"), help: ArgumentHelp("The most redirects to follow (-1: no limit; default 50).", valueName: "num"))
    var maxRedirects: Int?

    @Flag(name: [.customShort("f"), .customLong("fail")], help: "Fail with exit status 22, and no body, on HTTP errors (status 400 and above).")
    var fail = false

    @Flag(name: .customLong("fail-with-body"), help: "Fail with exit status 22 on HTTP errors, after writing the body.")
    var failWithBody = false

    @Flag(name: [.customShort("s"), .customLong("silent")], help: "Show no progress or error messages.")
    var silent = false

    @Flag(name: [.customShort("S"), .customLong("show-error")], help: "With -s, still show error messages.")
    var showError = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Show the connection, TLS and the request and response heads on standard error.")
    var verbose = false

    @OptionGroup var tls: TLSOptions

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("The most seconds to connect (TCP and TLS).", valueName: "seconds"))
    var connectTimeout: Double?

    @Option(name: [.customShort("m"), .customLong("max-time")], help: ArgumentHelp("The most seconds for each whole transfer.", valueName: "seconds"))
    var maxTime: Double?

    @Option(name: [.customShort("D"), .customLong("dump-header")], parsing: .unconditional, help: ArgumentHelp("Write the response heads to this file ('-' for standard output).", valueName: "file"))
    var dumpHeader: String?

    @Option(name: [.customShort("r"), .customLong("range")], parsing: .unconditional, help: ArgumentHelp("Ask for this byte range, e.g. 0-499.", valueName: "range"))
    var range: String?

    @Flag(name: [.customShort("0"), .customLong("http1.0")], help: "Send HTTP/1.0 requests.")
    var http10 = false

    @Flag(name: .customLong("http1.1"), help: "Send HTTP/1.1 requests (the default).")
    var http11 = false

    @Flag(name: .customLong("path-as-is"), help: "Send '.' and '..' path segments as they are.")
    var pathAsIs = false

    @Flag(name: .customLong("compressed"), help: "Ask for a compressed response (gzip, deflate, br, zstd) and decode it.")
    var compressed = false

    @Flag(name: .customLong("tr-encoding"), help: "Ask for a compressed transfer encoding and decode it.")
    var transferEncoding = false

    @Flag(name: .customLong("raw"), help: "Pass content and transfer codings through undecoded.")
    var raw = false

    @Option(name: .customLong("max-filesize"), help: ArgumentHelp("Fail with exit status 63 when the body would exceed this size (suffixes k, M, G).", valueName: "bytes"))
    var maxFileSize: ByteCount?

    @Option(name: [.customShort("e"), .customLong("referer")], parsing: .unconditional,
            help: ArgumentHelp("Send this Referer; ';auto' (alone or after a URL) also sets it on redirects.", valueName: "URL"))
    var referer: String?

    @Flag(name: .customLong("post301"), help: "Keep POST as POST after a 301 redirect.")
    var post301 = false

    @Flag(name: .customLong("post302"), help: "Keep POST as POST after a 302 redirect.")
    var post302 = false

    @Flag(name: .customLong("post303"), help: "Keep POST as POST after a 303 redirect.")
    var post303 = false

    @Flag(name: .customLong("follow"), help: "Follow redirects changing any method that sends a body to GET after 301, 302 and 303, as POST is.")
    var followBySpecification = false

    @Option(name: .customLong("proto-redir"), help: ArgumentHelp("Protocols redirects may lead to: '=https' only https, '-http' not http, 'all' (default http,https).", valueName: "protocols"))
    var protoRedirect: String?

    @Flag(name: .customLong("http0.9"), inversion: .prefixedNo, help: "Accept a response without a status line as HTTP/0.9 (the whole stream is the body).")
    var http09 = false

    @Flag(name: .customLong("ignore-content-length"), help: "Ignore Content-Length and read the body until the connection closes.")
    var ignoreContentLength = false

    @Flag(name: [.customShort("g"), .customLong("globoff")], help: "Take {} and [] in URLs literally instead of expanding them.")
    var globOff = false

    @Option(name: [.customShort("w"), .customLong("write-out")], parsing: .unconditional,
            help: ArgumentHelp("After each transfer, write this format with curl's %{variables} ('@file' reads it from a file).", valueName: "format"))
    var writeOut: String?

    @Flag(name: .customLong("timing"), help: "After each transfer, draw a timing waterfall on standard error, one bar per redirect hop.")
    var showTiming = false

    @Option(name: .customLong("retry"), help: ArgumentHelp("Retry a transient failure (timeout, refused with --retry-connrefused, 408, 429, 500, 502, 503, 504) this many times.", valueName: "num"))
    var retries = 0

    @Option(name: .customLong("retry-delay"), help: ArgumentHelp("Wait this many seconds between retries instead of backing off (1, 2, 4, ... s).", valueName: "seconds"))
    var retryDelay: Double?

    @Option(name: .customLong("retry-max-time"), help: ArgumentHelp("Start no retry after this many seconds since the first attempt.", valueName: "seconds"))
    var retryMaxTime: Double?

    @Flag(name: .customLong("retry-all-errors"), help: "Retry on every error, and retry non-idempotent requests too.")
    var retryAllErrors = false

    @Flag(name: .customLong("retry-connrefused"), help: "Count a refused connection as transient for --retry.")
    var retryConnectionRefused = false

    @Option(name: [.customShort("C"), .customLong("continue-at")], parsing: .unconditional,
            help: ArgumentHelp("Resume at this byte offset; '-' takes it from the size of the output file.", valueName: "offset"))
    var continueAt: String?

    @Flag(name: [.customShort("#"), .customLong("progress-bar")], help: "Show a compact progress bar instead of the progress meter.")
    var progressBar = false

    @Flag(name: .customLong("no-progress-meter"), help: "Show no progress meter (errors are still shown).")
    var noProgressMeter = false

    @Flag(name: [.customShort("Z"), .customLong("parallel")], help: "Run the transfers at the same time instead of one after another.")
    var parallel = false

    @Option(name: .customLong("parallel-max"), help: ArgumentHelp("With -Z, the most transfers at once (default 50).", valueName: "num"))
    var parallelMax = 50

    @Option(name: [.customShort("x"), .customLong("proxy")], parsing: .unconditional,
            help: ArgumentHelp("Use this HTTP proxy ([http://][user:password@]host[:port]); '' ignores the environment's proxies.", valueName: "url"))
    var proxy: String?

    @Option(name: [.customShort("U"), .customLong("proxy-user")], parsing: .unconditional,
            help: ArgumentHelp("Credentials for the proxy (Basic).", valueName: "user:password"))
    var proxyUser: String?

    @Option(name: .customLong("noproxy"), parsing: .unconditional,
            help: ArgumentHelp("Hosts, domains, IPs or CIDR ranges to reach without the proxy ('*' for all); replaces no_proxy.", valueName: "list"))
    var noProxy: String?

    @Flag(name: [.customShort("4"), .customLong("ipv4")], help: "Connect over IPv4 only.")
    var ipv4Only = false

    @Flag(name: [.customShort("6"), .customLong("ipv6")], help: "Connect over IPv6 only.")
    var ipv6Only = false

    @Option(name: .customLong("unix-socket"), help: ArgumentHelp("Connect to this Unix-domain socket instead of the URL's host.", valueName: "path"))
    var unixSocket: String?

    @Option(name: .customLong("resolve"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Use these addresses for host:port instead of resolving it: HOST:PORT:ADDR[,ADDR...].", valueName: "host:port:addr"))
    var resolve: [String] = []

    @Option(name: [.customShort("u"), .customLong("user")], parsing: .unconditional,
            help: ArgumentHelp("Credentials for Basic authentication.", valueName: "user:password"))
    var user: String?

    @Option(name: .customLong("oauth2-bearer"), parsing: .unconditional, help: ArgumentHelp("Send this OAuth 2 bearer token.", valueName: "token"))
    var bearerToken: String?

    @Option(name: [.customShort("b"), .customLong("cookie")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Send these cookies ('name=value; ...'), or read a Netscape cookie file and use its cookies where they belong.", valueName: "data|file"))
    var cookie: [String] = []

    @Option(name: [.customShort("c"), .customLong("cookie-jar")], parsing: .unconditional,
            help: ArgumentHelp("Write every cookie to this Netscape cookie file at the end.", valueName: "file"))
    var cookieJarPath: String?

    @Option(name: [.customShort("T"), .customLong("upload-file")], parsing: .unconditional,
            help: ArgumentHelp("PUT this file, read and sent in pieces.", valueName: "file"))
    var uploadFile: String?

    @Option(name: [.customShort("F"), .customLong("form")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Send multipart/form-data: 'name=value', 'name=@file' (a file part), 'name=<file' (its contents as the value).", valueName: "name=content"))
    var form: [String] = []

    @Option(name: .customLong("json"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("POST this JSON ('@file' reads it) with Content-Type and Accept application/json.", valueName: "data"))
    var json: [String] = []

    @Flag(name: [.customShort("q"), .customLong("disable")], help: "Accepted for curl compatibility: Porter reads no configuration file.")
    var disableConfigFile = false

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("no URL specified") }
        if let maxRedirects, maxRedirects < -1 { throw ValidationError("--max-redirs must be -1 or more") }
        for (name, value) in [("--connect-timeout", connectTimeout), ("--max-time", maxTime)] {
            if let value, !(value >= 0 && value.isFinite) { throw ValidationError("\(name) must be a number of seconds, 0 or more") }
        }
        if let proxy, !proxy.isEmpty {
            let url = try HTTPURL(parsing: proxy)
            guard url.scheme == "http" else { throw ValidationError("--proxy \(proxy): only http:// proxies are supported") }
        }
        _ = try Self.redirectProtocols(protoRedirect)
        if parallelMax < 1 { throw ValidationError("--parallel-max must be 1 or more") }
        if retries < 0 { throw ValidationError("--retry must be 0 or more") }
        if let continueAt, continueAt != "-", UInt64(continueAt) == nil {
            throw ValidationError("-C/--continue-at takes a byte offset or '-'")
        }
        if continueAt == "-" && outputs.isEmpty && remoteNameCount == 0 {
            throw ValidationError("-C - needs an output file (-o or -O) to take the offset from")
        }
        if ipv4Only && ipv6Only { throw ValidationError("-4 and -6 cannot be used together") }
        _ = try ResolveOption.overrides(resolve)
        if outputs.count > urls.count { throw ValidationError("more --output options (\(outputs.count)) than URLs (\(urls.count))") }
    }

    func run() async throws {
        // Transfers run on the I/O thread: a response that arrives resumes the transfer
        // where it waits, with no hop to another thread (see HTTPClient.ioExecutor).
        try await withTaskExecutorPreference(HTTPClient.ioExecutor) {
            try await transferAll()
        }
    }

    @concurrent private func transferAll() async throws {
        let report = Report(silent: silent, showError: showError)
        if tls.insecure && !silent {
            report.warning("--insecure: the server's certificate is NOT verified; anyone on the path can read and change this transfer")
        }
        var clientConfiguration = HTTPClient.Configuration(tls: tls.configuration)
        if let userAgent { clientConfiguration.userAgent = userAgent }
        let client = HTTPClient(configuration: clientConfiguration)
        let sharedOptions = sharedRequestOptions()
        let headerDump: FileOutput?
        do {
            headerDump = try dumpHeader.map { path throws(PorterError) in try FileOutput.create(path: path) }
        } catch {
            report.failure(error)
            throw ExitCode(ExitStatus.status(for: error.code))
        }

        var status: Int32 = 0
        let cookieJar: CookieJar?
        do throws(PorterError) {
            cookieJar = try makeCookieJar()
        } catch {
            report.failure(error)
            throw ExitCode(ExitStatus.status(for: error.code))
        }
        let writeOut: WriteOutFormat?
        do {
            writeOut = try self.writeOut.map { format throws(PorterError) in try WriteOutFormat(parsing: format) }
        } catch {
            report.failure(code: ExitStatus.usage, error.reason)
            throw ExitCode(ExitStatus.usage)
        }
        var remoteNamesUsed = 0
        var expanded: [String] = []
        for urlText in urls {
            do throws(PorterError) {
                expanded += globOff ? [urlText] : try URLGlob.expand(urlText)
            } catch {
                report.failure(error)
                throw ExitCode(ExitStatus.status(for: error.code))
            }
        }
        let plans = expanded.enumerated().map { index, urlText in
            TransferPlan(index: index, urlText: urlText, outputPath: index < outputs.count ? outputs[index] : nil)
        }
        func finish(_ record: TransferRecord) {
            if let message = record.errorMessage, record.exitCode != 0 {
                report.failure(code: record.exitCode, message)
            }
            if record.exitCode != 0 { status = record.exitCode }
            if showTiming { TimingWaterfall.print(record) }
            writeOut?.write(record)
        }
        if parallel {
            var failed = 0
            await withTaskGroup(of: TransferRecord.self) { group in
                var pending = plans[...]
                var running = 0
                while running > 0 || !pending.isEmpty {
                    while running < parallelMax, let plan = pending.popFirst() {
                        let prepared = prepare(plan, remoteNamesUsed: &remoteNamesUsed, headerDump: headerDump, cookieJar: cookieJar, sharedOptions: sharedOptions)
                        running += 1
                        group.addTask {
                            switch prepared {
                            case .ready(let transfer): return await runWithRetries(transfer, client: client, report: report)
                            case .failed(let record): return record
                            }
                        }
                    }
                    if let record = await group.next() {
                        running -= 1
                        if record.exitCode != 0 { failed += 1 }
                        finish(record)
                    }
                }
            }
            if !silent {
                FileOutput.standardError.writeLine("porter: \(plans.count) transfers, \(plans.count - failed) succeeded, \(failed) failed")
            }
        } else {
            for plan in plans {
                switch prepare(plan, remoteNamesUsed: &remoteNamesUsed, headerDump: headerDump, cookieJar: cookieJar, sharedOptions: sharedOptions) {
                case .ready(let transfer): finish(await runWithRetries(transfer, client: client, report: report))
                case .failed(let record): finish(record)
                }
            }
        }
        client.closeIdleConnections()
        if let cookieJarPath, let cookieJar {
            do throws(PorterError) {
                try FileOutput.create(path: cookieJarPath).write(Array(cookieJar.netscapeFormat().utf8))
            } catch {
                report.failure(error)
                status = ExitStatus.status(for: error.code)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// The byte offset `-C` asks to resume at: the number, or for `-`, the output file's size.
    func resumeOffset(outputPath: String?) throws -> UInt64? {
        guard let continueAt else { return nil }
        if continueAt != "-" { return UInt64(continueAt) }
        guard let outputPath, outputPath != "-" else {
            throw CommandFailure(exitCode: 2, message: "-C - needs an output file to take the offset from")
        }
        return FileOutput.size(of: outputPath) ?? 0
    }

    /// Whether a progress meter may be shown at all (`-s`, `-v` and `--no-progress-meter` turn it off).
    var showsProgress: Bool { !silent && !verbose && !noProgressMeter }

    var retryPolicy: RetryPolicy {
        RetryPolicy(
            retries: retries, fixedDelay: Self.duration(retryDelay), maximumTime: Self.duration(retryMaxTime),
            allErrors: retryAllErrors, connectionRefused: retryConnectionRefused)
    }

    /// Runs `transfer`, again after a transient failure while `--retry` allows.
    private func runWithRetries(_ transfer: Transfer, client: HTTPClient, report: Report) async -> TransferRecord {
        let policy = retryPolicy
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            let mayRetry = attempt < policy.retries && policy.allows(method: requestMethod)
            let record = await transfer.run(client: client, swallowingRetryableStatus: mayRetry)
            guard let delay = policy.delay(after: record, attempt: attempt, elapsed: ContinuousClock.now - started) else {
                return record
            }
            attempt += 1
            let problem = record.retryableStatus ? "HTTP error \(record.status)" : (record.errorMessage ?? "transfer failed")
            let left = policy.retries - attempt
            report.warning("\(problem); will retry in \(delay.components.seconds) seconds, \(left) \(left == 1 ? "retry" : "retries") left")
            try? await Task.sleep(for: delay)
        }
    }

    /// One URL of the command line, with the output it pairs with.
    struct TransferPlan {
        let index: Int
        let urlText: String
        let outputPath: String?
    }

    /// The boundary of `-F`'s multipart body, the same for the body and its Content-Type:
    /// random per process, so that no content contains it by chance.
    var multipartBoundary: String { Self.boundary }
    private static let boundary = "------------------------porter" + String(UInt64.random(in: .min ... .max), radix: 16)

    /// curl's `--proto-redir` list: `=a,b` exactly these, `+a`/`a` add, `-a` remove, `all`.
    static func redirectProtocols(_ text: String?) throws -> Set<String> {
        var allowed: Set<String> = ["http", "https"]
        guard let text else { return allowed }
        for item in text.split(separator: ",") {
            var token = Substring(item.lowercased())
            let sign = token.first.flatMap { "=+-".contains($0) ? $0 : nil }
            if sign != nil { token = token.dropFirst() }
            let names: Set<String> = token == "all" ? ["http", "https"] : [String(token)]
            guard names.isSubset(of: ["http", "https"]) else {
                throw ValidationError("--proto-redir: unknown protocol \"\(token)\" (Porter speaks http and https)")
            }
            switch sign {
            case "=": allowed = names
            case "-": allowed.subtract(names)
            default: allowed.formUnion(names)
            }
        }
        return allowed
    }

    /// A transfer ready to run, or the record of why it cannot start.
    enum PreparedTransfer {
        case ready(Transfer)
        case failed(TransferRecord)
    }

    /// The transfer for `plan`, or the record of why it cannot start (a bad URL, no remote name).
    private func prepare(
        _ plan: TransferPlan, remoteNamesUsed: inout Int, headerDump: FileOutput?, cookieJar: CookieJar?, sharedOptions: RequestOptions
    ) -> PreparedTransfer {
        do throws(PorterError) {
            let url = try HTTPURL(parsing: plan.urlText, removingDotSegments: !pathAsIs)
            var outputPath = plan.outputPath
            if outputPath == nil && remoteNamesUsed < remoteNameCount {
                remoteNamesUsed += 1
                outputPath = try remoteName(for: url)
            }
            return .ready(Transfer(
                command: self, url: Self.uploadTarget(url, file: uploadFile), outputPath: outputPath, headerDump: headerDump,
                urlIndex: plan.index, cookieJar: cookieJar, sharedOptions: sharedOptions))
        } catch {
            var record = TransferRecord(urlText: plan.urlText, method: requestMethod)
            record.urlIndex = plan.index
            record.fail(code: ExitStatus.status(for: error.code), message: error.reason)
            return .failed(record)
        }
    }

    /// The cookie engine: on with `-c`, or with `-b` naming a file (loaded into it).
    private func makeCookieJar() throws(PorterError) -> CookieJar? {
        let files = cookie.filter { !$0.contains("=") }
        guard cookieJarPath != nil || !files.isEmpty else { return nil }
        let jar = CookieJar()
        for file in files where !file.isEmpty {
            // A cookie file that does not exist yet is an empty jar, as in curl.
            guard FileOutput.size(of: file) != nil else { continue }
            jar.load(netscapeFormat: String(decoding: try LocalFile.read(file), as: UTF8.self))
        }
        return jar
    }

    /// curl's `-T`: a URL ending in `/` gets the file's name appended.
    static func uploadTarget(_ url: HTTPURL, file: String?) -> HTTPURL {
        guard let file, url.path.hasSuffix("/"), let name = file.split(separator: "/").last else { return url }
        var target = url
        let query = url.target.dropFirst(url.path.count)
        target.target = String(url.path + name + query)
        return target
    }

    /// curl's `-O`: the last path segment, which must not be empty.
    private func remoteName(for url: HTTPURL) throws(PorterError) -> String {
        let name = url.path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard !name.isEmpty, name != ".", name != ".." else {
            throw PorterError(.writeFailed, "the URL \(url) has no file name to use for --remote-name; use --output")
        }
        return name
    }


    static func duration(_ seconds: Double?) -> Duration? {
        guard let seconds, seconds > 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// The proxy for `url`: `-x`, else the environment's (`http_proxy`, `https_proxy`, `all_proxy`), with `--proxy-user`.
    func proxyConfiguration(for url: HTTPURL) -> ProxyConfiguration? {
        var configuration: ProxyConfiguration?
        if let proxy {
            configuration = proxy.isEmpty ? nil : (try? HTTPURL(parsing: proxy)).map { ProxyConfiguration(url: $0) }
        } else {
            configuration = ProxyConfiguration.fromEnvironment(for: url)
        }
        if let proxyUser, configuration != nil { configuration?.credentials = proxyUser }
        return configuration
    }

    private static func environment(_ name: String) -> String? {
        (getenv(name) ?? getenv(name.uppercased())).map { String(cString: $0) }
    }

    /// The request options of `url`: those every transfer shares (``sharedRequestOptions()``,
    /// computed once per command), with the proxy for this URL and a verbose log of its own.
    func requestOptions(for url: HTTPURL, shared: RequestOptions) -> RequestOptions {
        var options = shared
        options.proxy = proxyConfiguration(for: url)
        if verbose { options.eventHandler = VerboseLog.handler() }
        return options
    }

    /// The request options that do not depend on the URL. Computed once per command, not per
    /// transfer: reading a parsed option of swift-argument-parser costs a generic metadata
    /// look-up, and these are some thirty reads (7% of a keep-alive request's samples).
    func sharedRequestOptions() -> RequestOptions {
        var kept: Set<Int> = []
        if post301 { kept.insert(301) }
        if post302 { kept.insert(302) }
        if post303 { kept.insert(303) }
        var options = RequestOptions(
            followsRedirects: followRedirects || followBySpecification,
            maximumRedirects: maxRedirects == -1 ? nil : (maxRedirects ?? 50),
            // As in curl, 0 means "no limit" for --max-time and "the default" for --connect-timeout.
            connectTimeout: Self.duration(connectTimeout) ?? .seconds(300),
            totalTimeout: Self.duration(maxTime),
            version: http10 ? .http1_0 : .http1_1,
            removesDotSegments: !pathAsIs,
            postKeptAfterRedirects: kept,
            setsRefererOnRedirect: referer?.hasSuffix(";auto") == true,
            decodesContent: compressed && !raw,
            decodesTransferCodings: transferEncoding && !raw,
            maximumBodyBytes: maxFileSize?.bytes)
        options.allowedRedirectSchemes = (try? Self.redirectProtocols(protoRedirect)) ?? ["http", "https"]
        options.allowsHTTP09 = http09
        options.ignoresContentLength = ignoreContentLength
        options.deliversRawBody = raw
        options.redirectsBodyMethodsLikePOST = followBySpecification
        options.noProxy = noProxy.map(NoProxyList.init) ?? Self.environment("no_proxy").map(NoProxyList.init)
        options.addressFamilies = ipv4Only ? .ipv4Only : ipv6Only ? .ipv6Only : .any
        options.unixSocketPath = unixSocket
        options.addressOverrides = (try? ResolveOption.overrides(resolve)) ?? [:]
        return options
    }
}
