import HTTPTypes
import PorterCore

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
