@_spi(PorterTools) import PorterCore

/// The options of one group of a `porter [options] URL...` command line (the whole line,
/// or the part between two `-:`/`--next`), as ``OptionTable`` sets them, and its URLs.
///
/// A value type with plain stored properties: the transfer loop reads them per request.
struct TransferOptions: Sendable {
    /// One `-d`-like piece of the request body, in command-line order.
    enum DataItem: Sendable, Equatable {
        /// `-d`/`--data-ascii`: `@file` is read without carriage returns and newlines.
        case ascii(String)
        /// `--data-binary`: `@file` is read as is.
        case binary(String)
        /// `--data-raw`: no `@` meaning.
        case raw(String)
        /// `--data-urlencode`: curl's five forms, percent-encoded.
        case urlEncoded(String)
    }

    /// How `.netrc` is used.
    enum NetrcMode: Sendable, Equatable {
        case required, optional
    }

    /// One `-F` or `--form-string` part.
    struct FormItem: Sendable, Equatable {
        let text: String
        /// `--form-string`: the value is taken literally (no `@`, `<` or `;type=`).
        let literal: Bool
    }

    // MARK: - URLs and outputs

    /// The URLs of this group with the outputs paired with them, in order.
    private(set) var entries: [URLEntry] = []
    /// The index of the next entry without a URL, and of the next without an output.
    private var nextURLSlot = 0
    private var nextOutputSlot = 0

    /// Adds a URL; it takes the earliest `-o`/`-O` given without a URL so far.
    mutating func addURL(_ url: String) {
        if nextURLSlot == entries.count { entries.append(URLEntry()) }
        entries[nextURLSlot].url = url
        nextURLSlot += 1
    }

    /// Adds an output; it pairs with the earliest URL that has none yet (curl's rule).
    mutating func addOutput(_ output: URLEntry.Output) {
        if nextOutputSlot == entries.count { entries.append(URLEntry()) }
        entries[nextOutputSlot].output = output
        nextOutputSlot += 1
    }

    /// The URLs of this group, in order.
    var urls: [String] { entries.compactMap(\.url) }

    // MARK: - The options

    /// The options that hold for the whole command, copied in when the line is read.
    var global = GlobalOptions()

    var include = false
    var headOnly = false
    var method: String?
    var headers: [String] = []
    var proxyHeaders: [String] = []
    var data: [DataItem] = []
    /// `-G`: the data goes into the URL's query, and the method is GET.
    var dataInQuery = false
    /// `--url-query` items, appended to every URL's query.
    var urlQueries: [String] = []
    var userAgent: String?
    var followRedirects = false
    var locationTrusted = false
    var maxRedirects: Int?
    var fail = false
    var failWithBody = false
    var tls = TLSSettings()
    var connectTimeout: Double?
    var maxTime: Double?
    var dumpHeader: String?
    var range: String?
    var http10 = false
    var http11 = false
    var pathAsIs = false
    var compressed = false
    var transferEncoding = false
    var raw = false
    var maxFileSize: ByteCount?
    var referer: String?
    var post301 = false
    var post302 = false
    var post303 = false
    var followBySpecification = false
    var protoRedirect: String?
    var protocols: String?
    var http09 = false
    var ignoreContentLength = false
    var globOff = false
    var writeOut: String?
    var showTiming = false
    var retries = 0
    var retryDelay: Double?
    var retryMaxTime: Double?
    var retryAllErrors = false
    var retryConnectionRefused = false
    var continueAt: String?
    /// `-x`, or `--socks4`/`--socks4a`/`--socks5`/`--socks5-hostname` as a proxy URL.
    var proxy: String?
    var proxyUser: String?
    /// `-p`: plain requests go through a `CONNECT` tunnel too.
    var proxyTunnel = false
    /// `--proxy-cacert`, `--proxy-capath`, `--proxy-insecure`: TLS to an `https://` proxy.
    var proxyTLS = TLSSettings()
    var noProxy: String?
    var ipv4Only = false
    var ipv6Only = false
    var unixSocket: String?
    var resolve: [String] = []
    var connectTo: [ConnectToRule] = []
    /// `--interface`, `--local-port`: where connections bind locally.
    var interface: String?
    var localPorts: ClosedRange<Int>?
    /// `--keepalive`/`--no-keepalive`, `--keepalive-time`, `--keepalive-cnt`.
    var keepAlive = true
    var keepAliveTime = 60
    var keepAliveProbes = 9
    /// `--limit-rate`: bytes per second, each way.
    var limitRate: UInt64?
    var user: String?
    /// `--basic` (the default), `--digest`, `--anyauth`: how `-u` credentials are sent.
    var authScheme = HTTPAuthentication.Schemes.basic
    /// `-n` (`.required`: the URL's password is ignored) or `--netrc-optional`.
    var netrc: NetrcMode?
    /// `--netrc-file`: instead of `~/.netrc`.
    var netrcFile: String?
    var bearerToken: String?
    var cookie: [String] = []
    var cookieJarPath: String?
    var uploadFile: String?
    var form: [FormItem] = []
    var json: [String] = []
    /// `--remote-name-all`: every URL without an output of its own is `-O`.
    var remoteNameAll = false
    var createDirectories = false
    var outputDirectory: String?
    /// `--no-clobber`: never overwrite a file; write `name.1`, `name.2`... instead.
    var clobber = true
    /// Whether `--clobber` was given: only then may `-J` overwrite a file.
    var clobberGiven = false
    /// `-J`: with `-O`, the name comes from `Content-Disposition`.
    var remoteHeaderName = false
    /// `-R`: the output file gets the server's `Last-Modified` time.
    var remoteTime = false
    /// `--etag-save`, `--etag-compare`.
    var etagSave: String?
    var etagCompare: String?
    /// `-z`: a date, or a file whose modification time is the date; `-` first for "before".
    var timeCondition: String?
    var removeOnError = false
    /// Options curl has that change the socket, TLS or the request in small ways.
    var tcpNoDelay = true
    var typeOfService: Int?
    var vlanPriority: Int?
    var tcpFastOpen = false
    var multipathTCP = false
    var happyEyeballsMilliseconds: Int?
    var offersALPN = true
    var resumesTLSSessions = true
    var requestTarget: String?
    var haproxyProtocol = false
    var haproxyClientIP: String?
    var abstractUnixSocket = false
    var preproxy: String?
    var proxyHTTP10 = false
    /// `--suppress-connect-headers`: the proxy's answer to CONNECT is not written with `-i`.
    var suppressConnectHeaders = false
    var formEscape = false
    var junkSessionCookies = false
    /// `--xattr`: the URL and Content-Type go into the file's extended attributes.
    var extendedAttributes = false
    /// `--skip-existing`: a transfer whose output file exists is not made.
    var skipExisting = false
    /// `--disallow-username-in-url`: a URL with credentials is refused.
    var disallowUsernameInURL = false
    /// `--proto-default`: the scheme of a URL written without one.
    var defaultScheme = "http"
    /// `--expect100-timeout`: accepted; Porter sends no `Expect: 100-continue` to wait on.
    var expect100Timeout: Double?
    /// `-Y`/`-y`: fail when slower than this many bytes per second for this many seconds.
    var speedLimit: Int?
    var speedTime: Int?

    /// Checks the options together, as curl does before the first transfer.
    func validate() throws(UsageError) {
        try checkOneRequestMethod()
        for item in form where !item.text.contains("=") {
            throw UsageError("option -F: is badly used here: \"\(item.text)\" is not name=content")
        }
        if let maxRedirects, maxRedirects < -1 { throw UsageError("--max-redirs must be -1 or more") }
        if let proxy, !proxy.isEmpty {
            do {
                _ = try ProxyConfiguration(parsing: proxy)
            } catch {
                throw UsageError("--proxy \(HTTPURL.maskingPassword(in: proxy)): \(error.reason)")
            }
        }
        for line in proxyHeaders {
            do {
                _ = try HeaderOption(parsing: line)
            } catch {
                throw UsageError("--proxy-header: \(error.reason)")
            }
        }
        for (option, list) in [("--proto-redir", protoRedirect), ("--proto", protocols)] where !global.silent {
            for name in Self.unknownProtocols(list) {
                FileOutput.standardError.writeLine("porter: warning: \(option): unrecognized protocol '\(name)'")
            }
        }
        if global.parallelMax < 1 { throw UsageError("--parallel-max must be 1 or more") }
        if retries < 0 { throw UsageError("--retry must be 0 or more") }
        if let continueAt, continueAt != "-", UInt64(continueAt) == nil {
            throw UsageError("-C/--continue-at takes a byte offset or '-'")
        }
        if continueAt == "-" && !remoteNameAll && !entries.contains(where: { $0.output != nil && $0.output != .standardOutput }) {
            throw UsageError("-C - needs an output file (-o or -O) to take the offset from")
        }
        if ipv4Only && ipv6Only { throw UsageError("-4 and -6 cannot be used together") }
        do {
            _ = try ResolveOption.overrides(resolve)
        } catch {
            throw UsageError("\(error)")
        }
        try tls.validate { FileOutput.standardError.writeLine("porter: warning: \($0)") }
    }

    /// curl's rule: `-I`, `-F`, `-d` (or `--json`; with `-G` it goes in the query) and `-T`
    /// each ask for their own request, and two of them cannot be combined.
    func checkOneRequestMethod() throws(UsageError) {
        var asked: [String] = []
        if headOnly { asked.append("HEAD (-I, --head)") }
        if !form.isEmpty { asked.append("multipart formpost (-F, --form)") }
        if !data.isEmpty || !json.isEmpty {
            if dataInQuery {
                if !headOnly { asked.append("GET (-G, --get)") }
            } else {
                asked.append("POST (-d, --data)")
            }
        }
        if uploadFile != nil { asked.append("PUT (-T, --upload-file)") }
        guard asked.count > 1 else { return }
        throw UsageError("You can only select one HTTP request method! You asked for both \(asked[1]) and \(asked[0]).")
    }

    /// The protocol names curl's `--proto` takes.
    static let curlProtocols: Set<String> = [
        "dict", "file", "ftp", "ftps", "gopher", "gophers", "http", "https", "imap", "imaps", "ldap", "ldaps", "mqtt",
        "pop3", "pop3s", "rtmp", "rtsp", "scp", "sftp", "smb", "smbs", "smtp", "smtps", "telnet", "tftp", "ws", "wss",
    ]

    /// curl's `--proto-redir`/`--proto` list: `=a,b` exactly these, `+a`/`a` add, `-a` remove,
    /// `all`. Names curl does not know are left out (``unknownProtocols(_:)`` warns of them).
    static func redirectProtocols(_ text: String?) -> Set<String> {
        var allowed: Set<String> = ["http", "https"]
        guard let text else { return allowed }
        for item in text.split(separator: ",") {
            var token = Substring(item.lowercased()).trimmingASCIIWhitespace()
            let sign = token.first.flatMap { "=+-".contains($0) ? $0 : nil }
            if sign != nil { token = token.dropFirst() }
            guard token == "all" || Self.curlProtocols.contains(String(token)) else { continue }
            // Protocols curl knows and Porter does not speak can be named; they never match.
            let names: Set<String> = token == "all" ? ["http", "https"] : Set([String(token)]).intersection(["http", "https"])
            switch sign {
            case "=": allowed = names
            case "-": allowed.subtract(names)
            default: allowed.formUnion(names)
            }
        }
        return allowed
    }

    /// The names in a `--proto` list that are no protocol curl knows (curl 8 warns of them).
    static func unknownProtocols(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: ",").map { item in
            let token = Substring(item.lowercased()).trimmingASCIIWhitespace()
            return String(token.first.map { "=+-".contains($0) } == true ? token.dropFirst() : token)
        }.filter { !$0.isEmpty && $0 != "all" && !Self.curlProtocols.contains($0) }
    }
}
