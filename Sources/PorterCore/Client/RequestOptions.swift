
/// How one request is carried out: redirects, limits, timeouts and fields.
public struct RequestOptions: Sendable {
    /// Which address families connections may use.
    public var addressFamilies: AddressFamilies = .any
    /// Connect to this Unix-domain socket instead of resolving the URL's host (curl's `--unix-socket`).
    /// The URL still gives the scheme, `Host` and target.
    public var unixSocketPath: String?
    /// The HTTP proxy to send requests through, or nil for direct connections
    /// (see ``ProxyConfiguration/fromEnvironment(for:environment:)``).
    public var proxy: ProxyConfiguration?
    /// Hosts reached directly even when ``proxy`` is set (curl's `--noproxy`, `no_proxy`).
    public var noProxy: NoProxyList?
    /// Addresses to use for `host:port` instead of resolving it (curl's `--resolve`), keyed by `host:port`
    /// with the host lower-cased and an IPv6 literal without brackets.
    public var addressOverrides: [String: [SocketAddress]] = [:]
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
    /// Redirect statuses after which a POST stays a POST (curl's `--post301`,
    /// `--post302`, `--post303`); by default 301, 302 and 303 turn POST into GET.
    public var postKeptAfterRedirects: Set<Int>
    /// Whether a followed redirect sends `Referer` with the URL it came from (curl's `-e ';auto'`).
    public var setsRefererOnRedirect: Bool
    /// Whether to ask for compressed content (`Accept-Encoding: gzip, deflate, br, zstd`,
    /// unless the request sets its own) and decode what `Content-Encoding` names (curl's `--compressed`).
    public var decodesContent: Bool
    /// Whether to ask for transfer codings (`TE: gzip`) and decode the codings
    /// `Transfer-Encoding` names before `chunked` (curl's `--tr-encoding`).
    public var decodesTransferCodings: Bool
    /// The most body bytes accepted, after decoding: a larger `Content-Length` fails before
    /// the body is read, and a body that grows past it fails as it crosses
    /// (``PorterError/Code/maximumFileSizeExceeded``, curl's `--max-filesize`). Nil for no limit.
    public var maximumBodyBytes: UInt64?
    /// Cookies to send and to store from every response, redirects included (curl's `-b FILE`, `-c`).
    public var cookieJar: CookieJar?
    /// The schemes a redirect may lead to (curl's `--proto-redir`); a redirect elsewhere
    /// fails with ``PorterError/Code/unsupportedScheme``.
    public var allowedRedirectSchemes: Set<String> = ["http", "https"]
    /// Whether a response without a status line is accepted as HTTP/0.9 (curl's `--http0.9`).
    public var allowsHTTP09 = false
    /// Whether `Content-Length` is ignored and the body read until close (curl's `--ignore-content-length`).
    public var ignoresContentLength = false
    /// Whether the body is delivered exactly as it arrived: chunked framing and
    /// codings left in place (curl's `--raw`). The framing is still parsed.
    public var deliversRawBody = false
    /// Whether, following redirects, any method that sends a body changes to GET
    /// after 301 and 302 as POST does (curl's `--follow`); otherwise only POST does.
    public var redirectsBodyMethodsLikePOST = false
    /// Whether redirects keep the request's method (curl's `-X`): a 301, 302 or 303 still
    /// drops the body as it would for POST, but the method is not changed to GET.
    public var keepsMethodOnRedirect = false
    /// Whether credentials and cookies go to every host redirects lead to, not only to the
    /// first origin (curl's `--location-trusted`). Unsafe with untrusted servers.
    public var sendsCredentialsOnRedirect = false
    /// Credentials for the origin and the schemes they may go with (Basic at once; Digest
    /// and "any" in answer to a `401`). They go to the first origin only, unless
    /// ``sendsCredentialsOnRedirect``.
    public var authentication: HTTPAuthentication?
    /// The request target to send instead of the URL's path and query, on the first
    /// request (curl's `--request-target`, e.g. `*` for `OPTIONS *`).
    public var requestTarget: String?
    /// Send HAProxy's PROXY protocol v1 line first on each new connection, naming this
    /// client address, or the connection's own when empty (curl's `--haproxy-protocol`, `--haproxy-clientip`).
    public var proxyProtocolClient: String?
    /// Whether ``unixSocketPath`` names a Linux abstract socket (curl's `--abstract-unix-socket`).
    public var unixSocketIsAbstract = false
    /// Where connections go instead of the URL's host and port (curl's `--connect-to`);
    /// the first rule that applies wins.
    public var connectTo: [ConnectToRule] = []
    /// How sockets bind and keep alive (curl's `--interface`, `--local-port`, `--keepalive-time`).
    public var socketOptions = SocketOptions()
    /// The most bytes per second to receive and to send (curl's `--limit-rate`); nil: no limit.
    public var maximumSpeed: UInt64?
    /// Fail (``PorterError/Code/timedOut``) when fewer bytes than the speed arrive over a
    /// whole period (curl's `--speed-limit` and `--speed-time`).
    public var minimumSpeed: MinimumSpeed?

    /// A speed a transfer must keep up, measured over a period.
    public struct MinimumSpeed: Sendable, Hashable {
        /// The least bytes per second, on average over ``period``.
        public var bytesPerSecond: UInt64
        /// How long the speed may stay below ``bytesPerSecond`` before the transfer fails.
        public var period: Duration

        /// Creates a minimum speed of `bytesPerSecond` over `period`.
        public init(bytesPerSecond: UInt64, period: Duration) {
            self.bytesPerSecond = bytesPerSecond
            self.period = period
        }
    }
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
        postKeptAfterRedirects: Set<Int> = [],
        setsRefererOnRedirect: Bool = false,
        decodesContent: Bool = false,
        decodesTransferCodings: Bool = false,
        maximumBodyBytes: UInt64? = nil,
        eventHandler: (@Sendable (ClientEvent) -> Void)? = nil
    ) {
        self.postKeptAfterRedirects = postKeptAfterRedirects
        self.setsRefererOnRedirect = setsRefererOnRedirect
        self.decodesContent = decodesContent
        self.decodesTransferCodings = decodesTransferCodings
        self.maximumBodyBytes = maximumBodyBytes
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
