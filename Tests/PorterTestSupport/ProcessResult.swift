/// What a finished child process left behind: its exit status and everything
/// it wrote.
public struct ProcessResult: Sendable {
    /// The exit status; a process killed by signal N reports `128 + N`, as
    /// shells do.
    public var status: Int32
    /// Every byte the process wrote to standard output.
    public var stdout: [UInt8]
    /// Standard error, decoded as UTF-8 (invalid bytes become U+FFFD).
    public var stderr: String

    /// Creates a result; tests rarely need this outside of fakes.
    public init(status: Int32, stdout: [UInt8], stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Standard output decoded as UTF-8 (invalid bytes become U+FFFD).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}
