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
