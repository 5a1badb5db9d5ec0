/// One HTTP request as a ``ScriptedServer`` received it.
///
/// The server does not judge the request: ``head`` keeps the exact bytes,
/// and the parsed fields are a convenience for assertions.
public struct ReceivedRequest: Sendable {
    /// The request exactly as sent, from the request line through the empty
    /// line that ends the head (CRLF or bare LF, whichever the client used),
    /// decoded as UTF-8.
    public var head: String
    /// The first line without its line ending, e.g. `GET /a HTTP/1.1`.
    public var requestLine: String
    /// The header fields in the order sent: names as sent (not lowercased),
    /// values with surrounding spaces and tabs removed. Lines without a colon
    /// are left out here but kept in ``head``.
    public var headers: [(name: String, value: String)]
    /// The body after transfer decoding: the `Content-Length` bytes, or the
    /// chunk data of a `Transfer-Encoding: chunked` body. Empty when the
    /// request was read with `readingBody: false`.
    public var body: [UInt8]
    /// The body bytes as they arrived on the wire, chunk framing and
    /// trailers included.
    public var rawBody: [UInt8]

    /// Creates a request; the server makes these, tests rarely need to.
    public init(
        head: String, requestLine: String, headers: [(name: String, value: String)],
        body: [UInt8] = [], rawBody: [UInt8] = []
    ) {
        self.head = head
        self.requestLine = requestLine
        self.headers = headers
        self.body = body
        self.rawBody = rawBody
    }

    /// The method: the request line up to its first space.
    public var method: String { field(0) }
    /// The request target, e.g. `/path?query` or an absolute URL.
    public var target: String { field(1) }
    /// The protocol version, e.g. `HTTP/1.1`.
    public var version: String { field(2) }
    /// ``body`` decoded as UTF-8.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The value of the first field named `name` (compared ignoring ASCII
    /// case), or `nil`.
    public func value(forHeader name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The values of every field named `name`, in order.
    public func values(forHeader name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    private func field(_ index: Int) -> String {
        let parts = requestLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        return index < parts.count ? String(parts[index]) : ""
    }
}
