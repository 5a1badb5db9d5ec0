internal import Foundation

/// What one run of a ``CurlCorpusCase`` produced: the client's exit status
/// and output, and the request lines the ``CurlTestServer`` saw.
///
/// A run does what curl's test harness does for the case: it starts a fresh
/// server, runs the client as `CLIENT -q [--include] ARGS [--output FILE]`
/// (see ``arguments(for:port:outputPath:)``) in a fresh working directory
/// holding an empty `log/` folder (the `-D log/…` paths in the corpus are
/// relative to it), then stops the server and collects the files.
public struct CurlCaseRun: Sendable {
    /// The server's port, to fill `%HTTPPORT` into the expectations.
    public var port: Int
    /// The client's arguments, port filled in.
    public var arguments: [String]
    /// The exit status, or `nil` when the client could not be run or did
    /// not finish in time (see ``harnessError``).
    public var status: Int32?
    /// Everything the client wrote to standard output.
    public var stdout: [UInt8]
    /// Everything the client wrote to standard error.
    public var stderr: String
    /// The `--output` file, or `nil` when none was asked for or none was written.
    public var outputFile: [UInt8]?
    /// The `-D` file, or `nil` when none was asked for or none was written.
    public var headerDump: [UInt8]?
    /// The request lines the server read, in order.
    public var requestLines: [String]
    /// What went wrong on the server's connections (context only).
    public var serverErrors: [String]
    /// Why the case could not be run as intended, or `nil`.
    public var harnessError: String?

    /// The environment variable naming the client to run instead of the
    /// built `porter`, e.g. `PORTER_CORPUS_CLIENT=/usr/bin/curl` to check
    /// the harness against curl itself. `PORTER_BIN` also works (see
    /// ``PorterProcess``), for every CLI test at once.
    public static let clientVariable = "PORTER_CORPUS_CLIENT"

    /// A run that never started, for a harness failure found before it
    /// (no client to run, for example).
    public init(harnessError: String) {
        self.init(
            port: 0, arguments: [], status: nil, stdout: [], stderr: "", outputFile: nil, headerDump: nil,
            requestLines: [], serverErrors: [], harnessError: harnessError)
    }

    /// A run with the given results, for checking the comparison itself.
    public init(
        port: Int, arguments: [String], status: Int32?, stdout: [UInt8], stderr: String, outputFile: [UInt8]?,
        headerDump: [UInt8]?, requestLines: [String], serverErrors: [String], harnessError: String?
    ) {
        self.port = port
        self.arguments = arguments
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.outputFile = outputFile
        self.headerDump = headerDump
        self.requestLines = requestLines
        self.serverErrors = serverErrors
        self.harnessError = harnessError
    }

    /// The client the corpus runs: `$PORTER_CORPUS_CLIENT`, else `porter`.
    ///
    /// - Throws: ``TestSupportError`` when neither is an executable file.
    public static func clientPath() throws -> String {
        if let override = ProcessInfo.processInfo.environment[clientVariable], !override.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: override) else {
                throw TestSupportError("\(clientVariable)=\(override) is not an executable file")
            }
            return override
        }
        return try PorterProcess.executablePath()
    }

    /// The client's arguments as curl's harness builds them: `-q` first,
    /// `--include` when the case says so, the case's arguments with the
    /// port filled in, and `--output outputPath` when the expected output
    /// is the reply itself (`expect_stdout_source` `reply/…`).
    public static func arguments(for corpusCase: CurlCorpusCase, port: Int, outputPath: String?) -> [String] {
        var arguments = ["-q"]
        if corpusCase.options.include {
            arguments.append("--include")
        }
        arguments += corpusCase.curlArguments.map { CurlCorpusCase.substitutingPort(in: $0, port: port) }
        if let outputPath {
            arguments += ["--output", outputPath]
        }
        return arguments
    }

    /// Runs `corpusCase` against `client` once. Never throws: what goes
    /// wrong in the harness is kept in ``harnessError``.
    ///
    /// Threading: the client and the server's connections run on threads
    /// of their own; stopping the server (which can block for seconds) too.
    public static func perform(
        _ corpusCase: CurlCorpusCase, client: String, timeout: Duration = .seconds(30)
    ) async -> CurlCaseRun {
        var run = CurlCaseRun(
            port: 0, arguments: [], status: nil, stdout: [], stderr: "", outputFile: nil, headerDump: nil,
            requestLines: [], serverErrors: [], harnessError: nil)
        let directory: String
        do {
            directory = try TemporaryDirectory.make(prefix: "porter-\(corpusCase.id)")
        } catch {
            run.harnessError = "cannot set up the case: \(error)"
            return run
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server: CurlTestServer
        do {
            try FileManager.default.createDirectory(atPath: directory + "/log", withIntermediateDirectories: false)
            server = try CurlTestServer(serving: corpusCase)
        } catch {
            run.harnessError = "cannot set up the case: \(error)"
            return run
        }

        run.port = server.port
        let outputPath = corpusCase.writesOutputFile ? directory + "/curl\(corpusCase.test).out" : nil
        run.arguments = arguments(for: corpusCase, port: server.port, outputPath: outputPath)
        let started = ContinuousClock.now
        do {
            let result = try await ChildProcess.run(
                client, run.arguments, environment: ["NO_PROXY": "*", "no_proxy": "*"],
                workingDirectory: directory, timeout: timeout)
            run.status = result.status
            run.stdout = result.stdout
            run.stderr = result.stderr
        } catch {
            let timedOut = ContinuousClock.now - started >= timeout
            run.harnessError = timedOut ? "the client did not finish within \(timeout); killed it (\(error))" : "\(error)"
        }
        await onOwnThread { server.stop() }
        run.requestLines = server.requestLines
        run.serverErrors = server.errors
        if let outputPath {
            run.outputFile = FileManager.default.contents(atPath: outputPath).map { [UInt8]($0) }
        }
        if let dumpPath = corpusCase.headerDumpPath {
            let path = dumpPath.hasPrefix("/") ? dumpPath : directory + "/" + dumpPath
            run.headerDump = FileManager.default.contents(atPath: path).map { [UInt8]($0) }
        }
        return run
    }

    private static func onOwnThread(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                work()
                continuation.resume()
            }
            thread.name = "CurlCaseRun stop"
            thread.start()
        }
    }
}
