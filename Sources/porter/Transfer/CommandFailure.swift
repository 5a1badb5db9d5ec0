import HTTPTypes
import PorterCore

/// A failure the command itself decides on (`-f` and an HTTP error status, a resume the server
/// refused), with curl's exit status for it.
struct CommandFailure: Error {
    let exitCode: Int32
    let message: String
}
