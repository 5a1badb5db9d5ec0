/// A failure of Porter's test support: a helper could not set up, run or
/// check what a test asked of it.
///
/// The ``message`` says what failed and, where it helps, what to install or
/// look at (a log file, the output of a tool). Thrown errors make the test
/// fail; no helper skips a test on its own.
public struct TestSupportError: Error, Sendable, CustomStringConvertible {
    /// What failed, in words meant for the person reading the test log.
    public let message: String
    /// The source file that raised the error.
    public let fileID: String
    /// The line in ``fileID`` that raised the error.
    public let line: Int

    /// Creates an error with a message and the place that raised it.
    public init(_ message: String, fileID: String = #fileID, line: Int = #line) {
        self.message = message
        self.fileID = fileID
        self.line = line
    }

    public var description: String { "\(message) (\(fileID):\(line))" }
}
