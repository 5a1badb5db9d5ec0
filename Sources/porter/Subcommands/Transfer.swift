import HTTPTypes
import PorterCore

/// One URL of a `porter URL...` command: the request, and where its heads and body go.
struct Transfer {
    let command: Fetch
    let url: HTTPURL
    let outputPath: String?
    let headerDump: FileOutput?

    /// Runs the transfer and returns what happened: its exit status (0, or 22 for
    /// `--fail-with-body`) and what `-w` and `--timing` report. Failures are
    /// returned in the record, not thrown, so that `-w` can still describe them.
    func run(client: HTTPClient) async -> TransferRecord {
        var record = TransferRecord(url: url, method: command.requestMethod, outputPath: outputPath)
        do throws(any Error) {
            try await perform(client: client, record: &record)
        } catch let error as PorterError {
            record.fail(code: ExitStatus.status(for: error.code), message: error.reason)
        } catch let error as HTTPStatusFailure {
            record.fail(code: 22, message: error.message)
        } catch {
            record.fail(code: 23, message: "\(error)")
        }
        return record
    }

    private func perform(client: HTTPClient, record: inout TransferRecord) async throws {
        let (fields, omitted) = try command.requestFields(for: url)
        var options = command.requestOptions()
        options.omittedFields = omitted
        guard let method = HTTPRequest.Method(command.requestMethod) else {
            throw PorterError(.invalidRequest, "\"\(command.requestMethod)\" is not a valid request method (RFC 9110 §9.1: a token)")
        }
        let request = HTTPRequest(method: method, scheme: url.scheme, authority: url.authority, path: url.target, headerFields: fields)
        let body = try command.requestBody()
        let showHeads = command.include || command.headOnly

        record.exitCode = try await client.execute(request, body: body, options: options) { response in
            record.take(response)
            defer { record.takeBody(response.body) }
            let status = response.wireHead.status
            if command.fail && status >= 400 {
                throw HTTPStatusFailure(message: "The requested URL returned error: \(status)")
            }
            var output: FileOutput?
            func destination() throws(PorterError) -> FileOutput {
                if let output { return output }
                let created = try outputPath.map { path throws(PorterError) in try FileOutput.create(path: path) } ?? FileOutput.standardOutput
                output = created
                return created
            }
            for head in response.precedingHeads + [response.wireHead] {
                try headerDump?.write(head.rawBytes)
                if showHeads { try destination().write(head.rawBytes) }
            }
            try await response.body.forEachChunk { bytes throws(PorterError) in
                try destination().write(bytes)
            }
            if outputPath != nil { _ = try destination() }
            if command.failWithBody && status >= 400 {
                record.errorMessage = "The requested URL returned error: \(status)"
                return 22
            }
            return 0
        }
    }
}

/// `-f`: the server answered with an HTTP error status.
struct HTTPStatusFailure: Error {
    let message: String
}

/// Where the command's diagnostics go, honouring `-s` and `-S`.
struct Report {
    let silent: Bool
    let showError: Bool

    func warning(_ text: String) {
        if !silent { FileOutput.standardError.writeLine("porter: warning: \(text)") }
    }

    func failure(_ error: PorterError) {
        failure(code: ExitStatus.status(for: error.code), error.reason)
    }

    func failure(code: Int32, _ text: String) {
        if !silent || showError { FileOutput.standardError.writeLine("porter: (\(code)) \(text)") }
    }
}

extension Fetch {
    var report: Report { Report(silent: silent, showError: showError) }
}
