

/// A parsed status line and header block.
public struct ResponseHead: Sendable, Hashable {
    /// The version from the status line.
    public var version: HTTPVersion
    /// The three-digit status code.
    public var status: Int
    /// The reason phrase, possibly empty.
    public var reason: String
    /// The header fields in wire order, obs-folded lines unfolded.
    public var fields: HeaderFields
    /// The head exactly as received: status line, field lines and the empty line.
    public var rawBytes: [UInt8]

    /// Creates a response head.
    public init(version: HTTPVersion, status: Int, reason: String, fields: HeaderFields, rawBytes: [UInt8]) {
        self.version = version
        self.status = status
        self.reason = reason
        self.fields = fields
        self.rawBytes = rawBytes
    }

    /// Whether this is an interim (1xx) response that a final one will follow.
    public var isInformational: Bool { (100..<200).contains(status) }
}
