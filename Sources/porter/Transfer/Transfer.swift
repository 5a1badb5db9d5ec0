internal import CLinuxIO
import HTTPTypes
import PorterCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One URL of a `porter URL...` command: the request, and where its heads and body go.
struct Transfer {
    let options: TransferOptions
    let url: HTTPURL
    /// The URL as the command line gave it (after globbing), for `%{url}` and `%{url.*}`,
    /// with any password masked: write-out ends up in logs.
    let urlText: String
    let outputPath: String?
    let headerDump: FileOutput?
    /// The position of the URL on the command line, from 0.
    var urlIndex = 0
    /// The transfer's own number, from 0 (`%{xfer_id}`).
    var transferID = 0
    /// The cookie engine of `-b FILE` and `-c`, shared by every transfer of the command.
    var cookieJar: CookieJar?
    /// `--trace`/`--trace-ascii`: the command's trace, when asked for.
    var trace: TraceLog?
    /// The request options every transfer of the command shares (`TransferOptions.sharedRequestOptions()`).
    var sharedOptions: RequestOptions

    /// Runs the transfer and returns what happened: its exit status (0, or 22 for
    /// `--fail-with-body`) and what `-w` and `--timing` report. Failures are
    /// returned in the record, not thrown, so that `-w` can still describe them.
    ///
    /// With `swallowingRetryableStatus`, a response whose status `--retry` retries
    /// is read but not written, and the record says so.
    func run(client: HTTPClient, swallowingRetryableStatus: Bool = false) async -> TransferRecord {
        var record = TransferRecord(url: url, method: options.requestMethod, outputPath: outputPath)
        record.urlText = HTTPURL.maskingPassword(in: urlText)
        record.urlIndex = urlIndex
        record.transferID = transferID
        record.autoReferer = options.referer?.hasSuffix(";auto") == true
        let wire = WireTally()
        do throws(any Error) {
            try await perform(client: client, record: &record, wire: wire, swallowingRetryableStatus: swallowingRetryableStatus)
        } catch let error as PorterError {
            record.fail(code: ExitStatus.status(for: error.code), message: error.reason)
        } catch let error as CommandFailure {
            record.fail(code: error.exitCode, message: error.message)
        } catch {
            record.fail(code: 23, message: "\(error)")
        }
        record.wire = wire.counts.withLock { $0 }
        // `--remove-on-error`: a failed transfer leaves no partial file behind (curl's rule;
        // a resumed file is kept, since it held data before this transfer).
        if options.removeOnError, record.exitCode != 0, options.continueAt == nil,
           let output = wire.output, output.openedFile, let path = output.path {
            unlink(path)
        }
        return record
    }

    private func perform(
        client: HTTPClient, record: inout TransferRecord, wire: WireTally, swallowingRetryableStatus: Bool
    ) async throws {
        let credentials = try options.credentials(for: url)
        var (fields, omitted) = try options.requestFields(for: url, credentials: credentials)
        let resumeOffset = try options.resumeOffset(outputPath: outputPath)
        if let resumeOffset, resumeOffset > 0, fields[.range] == nil {
            fields[.range] = "bytes=\(resumeOffset)-"
        }
        var requestOptions = options.requestOptions(for: url, shared: sharedOptions)
        requestOptions.omittedFields = omitted
        if let credentials, options.authScheme != .basic {
            requestOptions.authentication = HTTPAuthentication(user: credentials.user, password: credentials.password, schemes: options.authScheme)
        }
        requestOptions.cookieJar = cookieJar
        guard let method = HTTPRequest.Method(options.requestMethod) else {
            throw PorterError(.invalidRequest, "\"\(options.requestMethod)\" is not a valid request method (RFC 9110 §9.1: a token)")
        }
        record.referer = fields[.referer]
        let body = try options.requestBody()
        let output = TransferOutput(
            path: outputPath, appending: (resumeOffset ?? 0) > 0,
            includesHeads: options.include || options.headOnly, headerDump: headerDump)
        wire.output = output
        let prefix = TracePrefix(time: options.global.traceTime, ids: options.global.traceIDs, transferID: transferID)
        let verbose: (@Sendable (ClientEvent) -> Void)? =
            trace.map { trace in
                var bytes: [UInt8]?
                if case .bytes(let content) = body { bytes = content }
                return trace.handler(prefix: prefix, sentBody: bytes)
            } ?? (options.global.verbose ? VerboseLog.handler(prefix: prefix) : nil)
        let report = options.report
        record.usedProxy = requestOptions.proxy != nil && requestOptions.noProxy?.matches(url) != true && requestOptions.unixSocketPath == nil
        requestOptions.eventHandler = { event in
            verbose?(event)
            wire.counts.withLock { $0.take(event) }
            switch event {
            case .responseHead(let head):
                output.writeHead(head)
            case .proxyResponseHead(let head) where !options.suppressConnectHeaders:
                output.writeHead(head)
            case .insecureRedirect(let from, let to):
                report.warning("redirected from \(from) to plain \(to): credentials and cookies were not sent, and the rest travels unencrypted")
            default:
                break
            }
        }

        record.exitCode = try await client.execute(method, url, fields: fields, upload: body, options: requestOptions) { response in
            record.take(response)
            defer { record.takeBody(response.body) }
            if let error = output.headWriteError { throw error }
            let status = response.wireHead.status
            if swallowingRetryableStatus && RetryPolicy.transientStatuses.contains(status) {
                record.retryableStatus = true
                try await response.body.forEachChunk { _ in }
                return 0
            }
            if options.fail && status >= 400 {
                throw CommandFailure(exitCode: 22, message: "The requested URL returned error: \(status)")
            }
            if let resumeOffset, resumeOffset > 0 {
                if try Self.resumeIsComplete(response, offset: resumeOffset) { return 0 }
            }
            // -z and --etag-compare: a 304, or a document the time condition does not want, leaves
            // the output file as it was (curl writes nothing, not even an empty file).
            // A saved ETag stays as it is: it is still the current one.
            if status == 304 || options.failsTimeCondition(response.wireHead) {
                try await response.body.forEachChunk { _ in }
                return 0
            }
            if let etagSave = options.etagSave {
                try Self.saveETag(response.wireHead, to: etagSave, createDirectories: options.createDirectories)
            }
            if options.remoteHeaderName, (200..<300).contains(status), let name = try options.headerNamedPath(response.wireHead) {
                if output.rename(to: name) { record.outputPath = name }
            }
            var meter: ProgressMeter?
            if options.showsProgress, ProgressMeter.isWanted(silent: options.global.silent, bodyToStandardOutput: outputPath == nil || outputPath == "-") {
                var total: UInt64?
                if let length = response.wireHead.fields["Content-Length"].flatMap({ UInt64($0) }) { total = length }
                meter = ProgressMeter(style: options.global.progressBar ? .bar : .meter, total: total)
            }
            let trace = trace
            try await response.body.forEachChunk { bytes throws(PorterError) in
                trace?.received(bytes, prefix: prefix)
                try output.destination().write(bytes)
                record.sizeDelivered += UInt64(bytes.count)
                meter?.add(bytes.count)
            }
            meter?.finish()
            if !options.raw { try output.writeTrailers(response.body.rawTrailerBytes) }
            if outputPath != nil { _ = try output.destination() }
            if options.extendedAttributes, let path = output.path, path != "-" {
                Self.setExtendedAttributes(of: path, url: response.url, contentType: response.wireHead.fields["Content-Type"])
            }
            if options.remoteTime, let path = output.path, path != "-",
               let modified = response.wireHead.fields["Last-Modified"].flatMap({ HTTPDate.parse($0, timeOptional: false) }) {
                Self.setModificationTime(of: path, to: modified)
            }
            if options.failWithBody && status >= 400 {
                record.errorMessage = "The requested URL returned error: \(status)"
                return 22
            }
            return 0
        }
    }
}

extension Transfer {
    /// `--etag-save`: the response's ETag and a newline, or an empty file when it has none (curl).
    static func saveETag(_ head: ResponseHead, to path: String, createDirectories: Bool) throws(PorterError) {
        if createDirectories { try TransferOptions.createParentDirectories(of: path) }
        let etag = (200..<400).contains(head.status) ? head.fields["ETag"] : nil
        try FileOutput.create(path: path).write(Array((etag.map { $0 + "\n" } ?? "").utf8))
    }

    /// `--xattr`: the URL (without credentials) and the content type as curl stores them;
    /// a file system without extended attributes leaves the file as it is.
    static func setExtendedAttributes(of path: String, url: HTTPURL, contentType: String?) {
        var attributes = [("user.xdg.origin.url", url.description)]
        if let contentType { attributes.append(("user.mime_type", contentType)) }
        for (name, value) in attributes {
            let bytes = Array(value.utf8)
            _ = setxattr(path, name, bytes, bytes.count, 0)
        }
    }

    /// `-R`: the output file's modification time becomes the server's `Last-Modified`.
    static func setModificationTime(of path: String, to seconds: Int64) {
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, path, &times, 0)
    }

    /// Checks the answer to a resumed download (`-C`): a 206 must continue exactly at
    /// `offset`; a 416 whose `Content-Range` total equals `offset` means the file is
    /// already complete (returns true). Anything else fails with exit 33 before a byte
    /// is written, so the partial file is never corrupted.
    static func resumeIsComplete(_ response: HTTPClientResponse, offset: UInt64) throws -> Bool {
        let head = response.wireHead
        let contentRange = head.fields["Content-Range"] ?? ""
        switch head.status {
        case 206:
            // RFC 9110 §14.4: "bytes first-last/complete".
            let first = contentRange.split(separator: " ").last?.split(separator: "-").first.flatMap { UInt64($0) }
            guard first == offset else {
                throw CommandFailure(exitCode: 33, message: "the server resumed at \"\(contentRange)\", not at byte \(offset); the output file was left as it was")
            }
            return false
        case 416:
            if contentRange.hasPrefix("bytes */"), UInt64(contentRange.dropFirst(8)) == offset { return true }
            throw CommandFailure(exitCode: 33, message: "the server cannot resume at byte \(offset) (416, Content-Range \"\(contentRange)\")")
        case 200..<300:
            throw CommandFailure(exitCode: 33, message: "the server ignored the range request (status \(head.status)) and sent the whole body; resuming is not possible, the output file was left as it was")
        default:
            return false
        }
    }
}

/// What one transfer leaves for its record: the wire counts, taken from the client's
/// events as they come, and its output once made.
///
/// `output` is set and read by the transfer's own task only; the events that update
/// `counts` come on that task too, but the lock keeps the handler `Sendable`.
final class WireTally: @unchecked Sendable {
    let counts = Mutex(TransferRecord.Wire())
    var output: TransferOutput?
}
