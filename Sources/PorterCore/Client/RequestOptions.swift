/// How one request is carried out: redirects, limits, timeouts and fields.
public struct RequestOptions: Sendable {
    /// Whether 3xx responses with a `Location` are followed (curl's `-L`).
    public var followsRedirects: Bool
    /// The most redirects followed before ``PorterError/Code/tooManyRedirects`` (curl's `--max-redirs`); nil for no limit.
    public var maximumRedirects: Int?
    /// The most time to connect (TCP and TLS) to each host; nil for no limit.
    public var connectTimeout: Duration?
    /// The most time for the whole request, redirects and body included; nil for no limit.
    public var totalTimeout: Duration?
    /// The most time to wait for any byte while receiving; nil for no limit.
    public var idleTimeout: Duration?
    /// The HTTP version written in the request line (1.0 or 1.1).
    public var version: HTTPVersion
    /// Names of default fields (`User-Agent`, `Accept`, `Host`) not to send at all.
    public var omittedFields: Set<String>
    /// Whether `.` and `..` path segments are resolved before sending (curl's default; `--path-as-is` turns it off).
    public var removesDotSegments: Bool
    /// Called with each ``ClientEvent`` as it happens, on the request's task.
    public var eventHandler: (@Sendable (ClientEvent) -> Void)?

    /// Creates options: no redirects followed, a 300-second connect timeout (curl's default), no other limits.
    public init(
        followsRedirects: Bool = false,
        maximumRedirects: Int? = 50,
        connectTimeout: Duration? = .seconds(300),
        totalTimeout: Duration? = nil,
        idleTimeout: Duration? = nil,
        version: HTTPVersion = .http1_1,
        omittedFields: Set<String> = [],
        removesDotSegments: Bool = true,
        eventHandler: (@Sendable (ClientEvent) -> Void)? = nil
    ) {
        self.followsRedirects = followsRedirects
        self.maximumRedirects = maximumRedirects
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.idleTimeout = idleTimeout
        self.version = version
        self.omittedFields = omittedFields
        self.removesDotSegments = removesDotSegments
        self.eventHandler = eventHandler
    }
}
