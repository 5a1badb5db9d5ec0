import HTTPTypes
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// `porter [options] URL...`: fetches each URL of each group in order over reused
/// connections and writes the bodies, as curl does with the same options.
struct Fetch: Sendable {
    let global: GlobalOptions
    /// The groups of the command line (one, unless `--next` split it), each with its URLs.
    let groups: [TransferOptions]

    /// Runs every transfer and returns the exit status as curl does: the last transfer's,
    /// or with `-Z` the last failure's.
    func run() async -> Int32 {
        // Transfers run on the I/O thread: a response that arrives resumes the transfer
        // where it waits, with no hop to another thread (see HTTPClient.ioExecutor).
        await withTaskExecutorPreference(HTTPClient.ioExecutor) {
            await transferAll()
        }
    }

    /// One URL of the command line, with the output it pairs with and its group.
    struct TransferPlan: Sendable {
        /// The transfer's number, from 0 (`%{xfer_id}`).
        let index: Int
        /// The number of the command-line URL it came from, shared by a glob's URLs (`%{urlnum}`).
        let urlNumber: Int
        let group: Int
        let urlText: String
        let output: URLEntry.Output?
        /// The values the URL's glob patterns took, for `#1`... in `-o`.
        let globValues: [String]
    }

    /// What every transfer of one group shares, computed once.
    struct GroupContext: Sendable {
        let options: TransferOptions
        let client: HTTPClient
        let sharedOptions: RequestOptions
        let headerDump: FileOutput?
        let writeOut: WriteOutFormat?
        let cookieJar: CookieJar?
        let trace: TraceLog?
    }

    @concurrent private func transferAll() async -> Int32 {
        let report = Report(silent: global.silent, showError: global.showError)
        var status: Int32 = 0
        var contexts: [GroupContext] = []
        var plans: [TransferPlan] = []
        var clients: [ClientKey: HTTPClient] = [:]
        var urlNumber = 0
        // The cookie engine is one for the whole command, as curl shares cookies between transfers.
        let cookieJar: CookieJar?
        let trace: TraceLog?
        do throws(PorterError) {
            cookieJar = try makeCookieJar()
            trace = try global.tracePath.map { path throws(PorterError) in try TraceLog(path: path, ascii: global.traceASCII) }
        } catch {
            report.failure(error)
            return ExitStatus.status(for: error.code)
        }
        for (groupIndex, options) in groups.enumerated() {
            if options.tls.insecure && !global.silent {
                report.warning("--insecure: the server's certificate is NOT verified; anyone on the path can read and change this transfer")
            }
            let key = ClientKey(tls: options.tls.configuration, userAgent: options.userAgent.flatMap { $0.isEmpty ? nil : $0 })
            let client = clients[key] ?? {
                var configuration = HTTPClient.Configuration(tls: key.tls)
                if let userAgent = key.userAgent { configuration.userAgent = userAgent }
                return HTTPClient(configuration: configuration)
            }()
            clients[key] = client
            let headerDump: FileOutput?
            let writeOut: WriteOutFormat?
            do throws(PorterError) {
                headerDump = try options.dumpHeader.map { path throws(PorterError) in try FileOutput.create(path: path) }
                writeOut = try options.writeOut.map { format throws(PorterError) in try WriteOutFormat(parsing: format) }
            } catch {
                report.failure(error)
                return ExitStatus.status(for: error.code)
            }
            // As curl, even under -s: the format the user wrote does not do what they meant.
            for name in writeOut?.unknownVariables ?? [] {
                FileOutput.standardError.writeLine("porter: warning: unknown --write-out variable %{\(name)}; it writes nothing")
            }
            let usesCookies = options.cookieJarPath != nil || options.cookie.contains { !$0.contains("=") }
            contexts.append(GroupContext(
                options: options, client: client, sharedOptions: options.sharedRequestOptions(), headerDump: headerDump,
                writeOut: writeOut, cookieJar: usesCookies ? cookieJar : nil, trace: trace))
            for entry in options.entries {
                guard let urlText = entry.url else { continue }
                defer { urlNumber += 1 }
                do throws(PorterError) {
                    let matches = options.globOff ? [URLGlob.Match(url: urlText, values: [])] : try URLGlob.expand(urlText)
                    for match in matches {
                        plans.append(TransferPlan(index: plans.count, urlNumber: urlNumber, group: groupIndex, urlText: match.url, output: entry.output, globValues: match.values))
                    }
                } catch {
                    report.failure(error)
                    return ExitStatus.status(for: error.code)
                }
            }
        }
        func finish(_ record: TransferRecord, _ context: GroupContext) {
            if let message = record.errorMessage, record.exitCode != 0 {
                report.failure(code: record.exitCode, message)
            }
            // curl: one after another, the last transfer's result is the command's; at the same
            // time (-Z), a failure's (--fail-early stops at the first failure either way).
            if !global.parallel || record.exitCode != 0 { status = record.exitCode }
            if context.options.showTiming { TimingWaterfall.print(record) }
            context.writeOut?.write(record)
        }
        if global.parallel {
            var failed = 0
            var finished = 0
            var pacer = Pacer(interval: global.rateInterval)
            await withTaskGroup(of: (TransferRecord, Int, String).self) { group in
                var pending = plans[...]
                var running = 0
                // --parallel-max-host: transfers under way per origin; each plan's origin parsed once.
                var perHost: [String: Int] = [:]
                let hosts = global.parallelMaxHost == nil ? [] : plans.map { Self.hostKey($0.urlText) }
                func nextPlan() -> TransferPlan? {
                    guard let limit = global.parallelMaxHost else { return pending.popFirst() }
                    guard let index = pending.firstIndex(where: { perHost[hosts[$0.index], default: 0] < limit }) else { return nil }
                    return pending.remove(at: index)
                }
                while running > 0 || !pending.isEmpty {
                    while running < global.parallelMax, !(global.failEarly && failed > 0), let plan = nextPlan() {
                        await pacer.wait()
                        let context = contexts[plan.group]
                        let prepared = prepare(plan, context)
                        let host = hosts.isEmpty ? "" : hosts[plan.index]
                        running += 1
                        perHost[host, default: 0] += 1
                        group.addTask {
                            switch prepared {
                            case .ready(let transfer): return (await runWithRetries(transfer, context: context, report: report), plan.group, host)
                            case .failed(let record): return (record, plan.group, host)
                            }
                        }
                    }
                    if global.failEarly && failed > 0 { pending = [] }
                    if let (record, groupIndex, host) = await group.next() {
                        running -= 1
                        perHost[host, default: 1] -= 1
                        // After --fail-early stopped the command, the transfers it cancelled say nothing more.
                        guard !(global.failEarly && failed > 0) else { continue }
                        finished += 1
                        if record.exitCode != 0 { failed += 1 }
                        finish(record, contexts[groupIndex])
                        if global.failEarly && failed > 0 { group.cancelAll() }
                    }
                }
            }
            if !global.silent {
                FileOutput.standardError.writeLine("porter: \(finished) transfers, \(finished - failed) succeeded, \(failed) failed")
            }
        } else {
            var pacer = Pacer(interval: global.rateInterval)
            for plan in plans {
                await pacer.wait()
                let context = contexts[plan.group]
                let record: TransferRecord
                switch prepare(plan, context) {
                case .ready(let transfer): record = await runWithRetries(transfer, context: context, report: report)
                case .failed(let failure): record = failure
                }
                finish(record, context)
                if global.failEarly && record.exitCode != 0 { break }
            }
        }
        for client in clients.values { client.closeIdleConnections() }
        if let cookieJar {
            for path in Set(groups.compactMap(\.cookieJarPath)) {
                do throws(PorterError) {
                    try FileOutput.create(path: path).write(Array(cookieJar.netscapeFormat().utf8))
                } catch {
                    report.failure(error)
                    status = ExitStatus.status(for: error.code)
                }
            }
        }
        return status
    }

    /// The origin a URL's transfers count against for `--parallel-max-host`.
    private static func hostKey(_ text: String) -> String {
        (try? HTTPURL(parsing: text))?.origin ?? text
    }

    /// `--rate`: transfers start no closer together than the interval.
    struct Pacer {
        let interval: Duration?
        private var last: ContinuousClock.Instant?

        init(interval: Duration?) { self.interval = interval }

        mutating func wait() async {
            defer { last = .now }
            guard let interval, let last else { return }
            let due = last + interval
            if due > .now { try? await Task.sleep(until: due) }
        }
    }

    /// Groups with the same TLS settings and User-Agent share one client and its connections.
    private struct ClientKey: Hashable {
        let tls: TLSConfiguration
        let userAgent: String?
    }

    /// Runs `transfer`, again after a transient failure while `--retry` allows.
    private func runWithRetries(_ transfer: Transfer, context: GroupContext, report: Report) async -> TransferRecord {
        let policy = context.options.retryPolicy
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            let mayRetry = attempt < policy.retries && policy.allows(method: context.options.requestMethod)
            var record = await transfer.run(client: context.client, swallowingRetryableStatus: mayRetry)
            record.retries = attempt
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

    /// A transfer ready to run, or the record of why it does not (a failure, or
    /// `--skip-existing`'s skip, which succeeds).
    enum PreparedTransfer {
        case ready(Transfer)
        case failed(TransferRecord)
    }

    /// The transfer for `plan`, or the record of why it cannot start (a bad URL, no file name).
    private func prepare(_ plan: TransferPlan, _ context: GroupContext) -> PreparedTransfer {
        let options = context.options
        do throws(PorterError) {
            // --proto-default: a URL without a scheme takes it.
            let text = options.defaultScheme != "http" && !plan.urlText.contains("://") ? options.defaultScheme + "://" + plan.urlText : plan.urlText
            let parsed = try HTTPURL(parsing: text, removingDotSegments: !options.pathAsIs)
            if options.disallowUsernameInURL, parsed.userInfo != nil {
                var record = TransferRecord(urlText: HTTPURL.maskingPassword(in: plan.urlText), method: options.requestMethod)
                record.fail(code: 67, message: "the URL \(HTTPURL.maskingPassword(in: plan.urlText)) holds a user name, which --disallow-username-in-url refuses")
                return .failed(record)
            }
            let allowed = TransferOptions.redirectProtocols(options.protocols)
            guard allowed.contains(parsed.scheme) else {
                throw PorterError(.unsupportedScheme, "\(parsed.scheme) is not allowed by --proto; \(plan.urlText) was not fetched")
            }
            let url = try options.requestURL(TransferOptions.uploadTarget(parsed, file: options.uploadFile))
            let outputPath = try options.outputPath(for: plan.output, url: url, globValues: plan.globValues)
            if options.skipExisting, let outputPath, outputPath != "-", FileOutput.size(of: outputPath) != nil {
                // curl: a note, and the transfer counts as done.
                if !options.global.silent { FileOutput.standardError.writeLine("porter: note: skipped \(plan.urlText): \(outputPath) exists") }
                var record = TransferRecord(url: url, method: options.requestMethod, outputPath: outputPath)
                record.urlIndex = plan.urlNumber
                record.transferID = plan.index
                return .failed(record)
            }
            return .ready(Transfer(
                options: options, url: url, urlText: plan.urlText, outputPath: outputPath, headerDump: context.headerDump,
                urlIndex: plan.urlNumber, transferID: plan.index, cookieJar: context.cookieJar, trace: context.trace,
                sharedOptions: context.sharedOptions))
        } catch {
            var record = TransferRecord(urlText: plan.urlText, method: options.requestMethod)
            record.urlIndex = plan.urlNumber
            record.transferID = plan.index
            record.fail(code: ExitStatus.status(for: error.code), message: error.reason)
            return .failed(record)
        }
    }

    /// The cookie engine: on with `-c`, or with `-b` naming a file (loaded into it), in any group.
    private func makeCookieJar() throws(PorterError) -> CookieJar? {
        let files = groups.flatMap { $0.cookie.filter { !$0.contains("=") } }
        guard groups.contains(where: { $0.cookieJarPath != nil }) || !files.isEmpty else { return nil }
        let jar = CookieJar()
        for file in files where !file.isEmpty {
            // A cookie file that does not exist yet is an empty jar, as in curl.
            guard FileOutput.size(of: file) != nil else { continue }
            jar.load(netscapeFormat: String(decoding: try LocalFile.read(file), as: UTF8.self), skippingSessionCookies: groups.contains(where: \.junkSessionCookies))
        }
        return jar
    }
}
