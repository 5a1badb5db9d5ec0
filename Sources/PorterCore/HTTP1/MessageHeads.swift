/// The HTTP version of a message, such as 1.1.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version, 1 for HTTP/1.x.
    public var major: Int
    /// The minor version, 0 or 1 for HTTP/1.x.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// A request line and header fields, ready for ``RequestEncoder``.
public struct RequestHead: Sendable, Hashable {
    /// The method token, e.g. `GET`.
    public var method: String
    /// The request target in origin form (`/path?query`) or absolute form.
    public var target: String
    /// The version written in the request line.
    public var version: HTTPVersion
    /// The header fields in the order they are sent.
    public var fields: HeaderFields

    /// Creates a request head.
    public init(method: String, target: String, version: HTTPVersion = .http1_1, fields: HeaderFields = HeaderFields()) {
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
    }
}

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
