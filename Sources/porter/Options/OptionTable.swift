@_spi(PorterTools) import PorterCore

/// Every option of `porter [options] URL...`, each declared once (see ``CurlOption``).
/// `--help` lists this table; a test checks it against curl's HTTP(S) options.
enum OptionTable {
    static let all: [CurlOption] = command + output + http + post + auth + connection + proxy + tls + verbose + tuning

    // MARK: - The command itself

    static let command: [CurlOption] = [
        .value("url", nil, "url", [.curl], "Add a URL to fetch (as a bare argument does).") { state, use in
            state.addURL(use.value)
        },
        .flag("next", ":", [.curl], negatable: false, "Start a new group of options and URLs; options given before it do not apply after it.") { state, _ in
            state.startNextGroup()
        },
        .value("config", "K", "file", [.curl], "Read more options from this file, one per line, in curl's syntax ('-' for standard input).") { state, use in
            guard state.configDepth < CommandLineParser.maximumConfigDepth else {
                throw UsageError("-K \(use.value): config files nest more than \(CommandLineParser.maximumConfigDepth) deep")
            }
            let bytes: [UInt8]
            do throws(PorterError) {
                bytes = try LocalFile.read(use.value)
            } catch {
                throw UsageError("cannot read config file: \(error.reason)", status: 26)
            }
            state.configDepth += 1
            defer { state.configDepth -= 1 }
            let name = use.value == "-" ? "<stdin>" : use.value
            try CommandLineParser.read(ConfigFile(text: String(decoding: bytes, as: UTF8.self), name: name), name: name, into: &state)
        },
        .flag("disable", "q", [.curl], "Read no default config file (Porter never reads one unless -K names it).") { _, _ in },
        .flag("help", "h", [.important, .curl], negatable: false, "Show help: the important options, 'all', or a category (--help category lists them).") { state, _ in
            state.request = .help(nil)
        },
        .flag("version", "V", [.important, .curl], negatable: false, "Show the version, the libraries and the features.") { state, _ in
            state.request = .version
        },
        .flag("parallel", "Z", [.connection, .curl], "Run the transfers at the same time instead of one after another.") { state, use in
            state.global.parallel = use.enabled
        },
        .value("parallel-max", nil, "num", [.connection, .curl], "With -Z, the most transfers at once (default 50).") { state, use in
            state.global.parallelMax = try use.integer(in: 1...65_535)
        },
        .flag("fail-early", nil, [.curl], "End the command at the first transfer that fails.") { state, use in
            state.global.failEarly = use.enabled
        },
        .flag("globoff", "g", [.curl], "Take {} and [] in URLs literally instead of expanding them.") { state, use in
            state.transfer.globOff = use.enabled
        },
    ]

    // MARK: - Output

    static let output: [CurlOption] = [
        .value("output", "o", "file", [.important, .output], "Write the body to this file instead of standard output (one per URL, in order; #1... are the URL's glob values).") { state, use in
            state.transfer.addOutput(.file(use.value))
        },
        .flag("remote-name", "O", [.important, .output], "Write the body to a file named like the URL's last path segment.") { state, use in
            state.transfer.addOutput(use.enabled ? .remoteName : .standardOutput)
        },
        .flag("remote-name-all", nil, [.output], "Use -O for every URL that has no output of its own.") { state, use in
            state.transfer.remoteNameAll = use.enabled
        },
        .value("output-dir", nil, "dir", [.output], "Write -o and -O files in this directory.") { state, use in
            state.transfer.outputDirectory = use.value
        },
        .flag("create-dirs", nil, [.output], "Create the directories an output file's path needs.") { state, use in
            state.transfer.createDirectories = use.enabled
        },
        .flag("clobber", nil, [.output], "Overwrite output files (the default; with -J only when given); --no-clobber writes NAME.1, NAME.2... instead.") { state, use in
            state.transfer.clobber = use.enabled
            state.transfer.clobberGiven = use.enabled
        },
        .flag("remote-header-name", "J", [.output], "With -O, name the file as the server's Content-Disposition says (directories stripped; an existing file is kept unless --clobber).") { state, use in
            state.transfer.remoteHeaderName = use.enabled
        },
        .flag("remote-time", "R", [.output], "Give the output file the server's Last-Modified time.") { state, use in
            state.transfer.remoteTime = use.enabled
        },
        .value("etag-save", nil, "file", [.output], "Save the response's ETag to this file (empty when there is none).") { state, use in
            state.transfer.etagSave = use.value
        },
        .value("etag-compare", nil, "file", [.output], "Send If-None-Match with the ETag saved in this file (\"\" when it is missing or empty).") { state, use in
            state.transfer.etagCompare = use.value
        },
        .value("time-cond", "z", "time", [.http], "Ask for the document only if modified after this date (or a file's time); -DATE for before.") { state, use in
            state.transfer.timeCondition = use.value
        },
        .flag("buffer", nil, [.output], "Output is written as it arrives either way; --no-buffer (-N) is accepted for curl's scripts.") { _, _ in },
        .flag("no-buffer", "N", [.output], negatable: false, "Output is never buffered by Porter: accepted as a no-op, as curl's -N.") { _, _ in },
        .flag("remove-on-error", nil, [.output], "Remove the output file when the transfer fails.") { state, use in
            state.transfer.removeOnError = use.enabled
        },
        .flag("include", "i", [.important, .output], "Include the response heads in the output.") { state, use in
            state.transfer.include = use.enabled
        },
        .value("dump-header", "D", "file", [.output], "Write the response heads to this file ('-' for standard output).") { state, use in
            state.transfer.dumpHeader = use.value
        },
        .value("write-out", "w", "format", [.important, .verbose], "After each transfer, write this format with curl's %{variables} ('@file' reads it from a file).") { state, use in
            state.transfer.writeOut = use.value
        },
        .value("max-filesize", nil, "bytes", [.connection], "Fail with exit status 63 when the body would exceed this size (suffixes k, M, G).") { state, use in
            guard let size = ByteCount(argument: use.value) else {
                throw UsageError("option \(use.spelling): expected a size (a number with an optional k, M or G), not \"\(use.value)\"")
            }
            state.transfer.maxFileSize = size
        },
        .value("continue-at", "C", "offset", [.connection], "Resume at this byte offset; '-' takes it from the size of the output file.") { state, use in
            state.transfer.continueAt = use.value
        },
        .flag("compressed", nil, [.http], "Ask for a compressed response (gzip, deflate, br, zstd) and decode it.") { state, use in
            state.transfer.compressed = use.enabled
        },
        .flag("tr-encoding", nil, [.http], "Ask for a compressed transfer encoding and decode it.") { state, use in
            state.transfer.transferEncoding = use.enabled
        },
        .flag("raw", nil, [.http], "Pass content and transfer codings through undecoded.") { state, use in
            state.transfer.raw = use.enabled
        },
    ]

    // MARK: - HTTP

    static let http: [CurlOption] = [
        .flag("head", "I", [.http], "Send HEAD and show only the response head.") { state, use in
            state.transfer.headOnly = use.enabled
        },
        .value("request", "X", "method", [.http], "The request method; kept across redirects, as in curl.") { state, use in
            state.transfer.method = use.value
        },
        .value("header", "H", "header", [.important, .http], "Add a header 'Name: value'; 'Name:' removes a default one, 'Name;' sends it empty; '@file' reads them from a file.") { state, use in
            try state.transfer.headers += Self.headerLines(use)
        },
        .value("user-agent", "A", "name", [.important, .http], "The User-Agent to send ('' sends none).") { state, use in
            state.transfer.userAgent = use.value
        },
        .value("referer", "e", "URL", [.http], "Send this Referer; ';auto' (alone or after a URL) also sets it on redirects.") { state, use in
            state.transfer.referer = use.value
        },
        .value("range", "r", "range", [.http], "Ask for this byte range, e.g. 0-499.") { state, use in
            state.transfer.range = use.value
        },
        .flag("location", "L", [.important, .http], "Follow redirects.") { state, use in
            state.transfer.followRedirects = use.enabled
        },
        .flag("location-trusted", nil, [.http, .auth], "Follow redirects and send credentials to every host they lead to (unsafe).") { state, use in
            state.transfer.followRedirects = use.enabled
            state.transfer.locationTrusted = use.enabled
        },
        .value("max-redirs", nil, "num", [.http], "The most redirects to follow (-1: no limit; default 50).") { state, use in
            state.transfer.maxRedirects = try use.integer()
        },
        .flag("follow", nil, [.http], "Follow redirects changing any method that sends a body to GET after 301, 302 and 303, as POST is.") { state, use in
            state.transfer.followBySpecification = use.enabled
        },
        .flag("post301", nil, [.http, .post], "Keep POST as POST after a 301 redirect.") { state, use in state.transfer.post301 = use.enabled },
        .flag("post302", nil, [.http, .post], "Keep POST as POST after a 302 redirect.") { state, use in state.transfer.post302 = use.enabled },
        .flag("post303", nil, [.http, .post], "Keep POST as POST after a 303 redirect.") { state, use in state.transfer.post303 = use.enabled },
        .value("proto-redir", nil, "protocols", [.connection], "Protocols redirects may lead to: '=https' only https, '-http' not http, 'all' (default http,https).") { state, use in
            state.transfer.protoRedirect = use.value
        },
        .value("proto", nil, "protocols", [.connection], "Protocols the URLs may use, in --proto-redir's syntax ('=https' refuses http://).") { state, use in
            state.transfer.protocols = use.value
        },
        .flag("fail", "f", [.important, .http], "Fail with exit status 22, and no body, on HTTP errors (status 400 and above).") { state, use in
            state.transfer.fail = use.enabled
        },
        .flag("fail-with-body", nil, [.http, .output], "Fail with exit status 22 on HTTP errors, after writing the body.") { state, use in
            state.transfer.failWithBody = use.enabled
        },
        .flag("http1.0", "0", [.http], negatable: false, "Send HTTP/1.0 requests.") { state, _ in state.transfer.http10 = true },
        .flag("http1.1", nil, [.http], negatable: false, "Send HTTP/1.1 requests (the default).") { state, _ in
            state.transfer.http10 = false
            state.transfer.http11 = true
        },
        .flag("http0.9", nil, [.http], "Accept a response without a status line as HTTP/0.9 (the whole stream is the body).") { state, use in
            state.transfer.http09 = use.enabled
        },
        .flag("path-as-is", nil, [.curl], "Send '.' and '..' path segments as they are.") { state, use in state.transfer.pathAsIs = use.enabled },
        .flag("ignore-content-length", nil, [.http], "Ignore Content-Length and read the body until the connection closes.") { state, use in
            state.transfer.ignoreContentLength = use.enabled
        },
        .value("cookie", "b", "data|file", [.http], "Send these cookies ('name=value; ...'), or read a Netscape cookie file and use its cookies where they belong.") { state, use in
            state.transfer.cookie.append(use.value)
        },
        .value("cookie-jar", "c", "file", [.http], "Write every cookie to this Netscape cookie file at the end.") { state, use in
            state.transfer.cookieJarPath = use.value
        },
        .value("retry", nil, "num", [.curl], "Retry a transient failure (timeout, refused with --retry-connrefused, 408, 429, 500, 502, 503, 504) this many times.") { state, use in
            state.transfer.retries = try use.integer(in: 0...Int(Int32.max))
        },
        .value("retry-delay", nil, "seconds", [.curl], "Wait this many seconds between retries instead of backing off (1, 2, 4, ... s).") { state, use in
            state.transfer.retryDelay = try use.seconds()
        },
        .value("retry-max-time", nil, "seconds", [.curl], "Start no retry after this many seconds since the first attempt.") { state, use in
            state.transfer.retryMaxTime = try use.seconds()
        },
        .flag("retry-all-errors", nil, [.curl], "Retry on every error, and retry non-idempotent requests too.") { state, use in
            state.transfer.retryAllErrors = use.enabled
        },
        .flag("retry-connrefused", nil, [.curl], "Count a refused connection as transient for --retry.") { state, use in
            state.transfer.retryConnectionRefused = use.enabled
        },
    ]

    // MARK: - Request bodies

    static let post: [CurlOption] = [
        .value("data", "d", "data", [.important, .post], "Send this POST body (form-encoded); '@file' reads it from a file without newlines. Several are joined with '&'.") { state, use in
            state.transfer.data.append(.ascii(use.value))
        },
        .value("data-ascii", nil, "data", [.post], "The same as -d.") { state, use in state.transfer.data.append(.ascii(use.value)) },
        .value("data-binary", nil, "data", [.post], "Send this POST body exactly; '@file' reads it from a file as is.") { state, use in
            state.transfer.data.append(.binary(use.value))
        },
        .value("data-raw", nil, "data", [.post], "Send this POST body; '@' has no special meaning.") { state, use in
            state.transfer.data.append(.raw(use.value))
        },
        .value("data-urlencode", nil, "data", [.post], "Send this percent-encoded: 'content', '=content', 'name=content', '@file', 'name@file'.") { state, use in
            state.transfer.data.append(.urlEncoded(use.value))
        },
        .flag("get", "G", [.http, .post], "Put the -d data in the URL's query and send GET.") { state, use in
            state.transfer.dataInQuery = use.enabled
        },
        .value("url-query", nil, "data", [.http, .post], "Add this to the URL's query, percent-encoded as --data-urlencode does ('+' first: as it is).") { state, use in
            state.transfer.urlQueries.append(use.value)
        },
        .value("json", nil, "data", [.http, .post], "POST this JSON ('@file' reads it) with Content-Type and Accept application/json.") { state, use in
            state.transfer.json.append(use.value)
        },
        .value("form", "F", "name=content", [.http, .upload, .post], "Send multipart/form-data: 'name=value', 'name=@file' (a file part), 'name=<file' (its contents); ';type=', ';filename=', ';headers='.") { state, use in
            state.transfer.form.append(.init(text: use.value, literal: false))
        },
        .value("form-string", nil, "name=string", [.http, .upload, .post], "A -F part whose value is taken literally.") { state, use in
            state.transfer.form.append(.init(text: use.value, literal: true))
        },
        .value("upload-file", "T", "file", [.important, .upload], "PUT this file, read and sent in pieces ('-': standard input, chunked).") { state, use in
            state.transfer.uploadFile = use.value
        },
    ]

    // MARK: - Credentials

    static let auth: [CurlOption] = [
        .value("user", "u", "user:password", [.important, .auth], "Credentials for the server (Basic unless --digest or --anyauth).") { state, use in
            state.transfer.user = use.value
        },
        .flag("basic", nil, [.auth], negatable: false, "Send -u credentials with Basic authentication (the default).") { state, _ in
            state.transfer.authScheme = .basic
        },
        .flag("digest", nil, [.auth], "Answer the server's 401 with Digest authentication (RFC 7616: MD5, SHA-256, qop=auth).") { state, use in
            state.transfer.authScheme = use.enabled ? .digest : .basic
        },
        .flag("anyauth", nil, [.auth], negatable: false, "Send credentials only when the server asks, with the strongest scheme it offers (Digest, else Basic).") { state, _ in
            state.transfer.authScheme = .any
        },
        .flag("netrc", "n", [.auth], "Take credentials from ~/.netrc (the URL's password is ignored; a missing file is an error).") { state, use in
            state.transfer.netrc = use.enabled ? .required : nil
        },
        .flag("netrc-optional", nil, [.auth], "Take credentials from ~/.netrc when the URL has none; a missing file is no error.") { state, use in
            state.transfer.netrc = use.enabled ? .optional : nil
        },
        .value("netrc-file", nil, "file", [.auth], "Take credentials from this file instead of ~/.netrc (implies --netrc).") { state, use in
            state.transfer.netrcFile = use.value
            if state.transfer.netrc == nil { state.transfer.netrc = .required }
        },
        .value("oauth2-bearer", nil, "token", [.auth], "Send this OAuth 2 bearer token.") { state, use in
            state.transfer.bearerToken = use.value
        },
    ]

    // MARK: - Connections and names

    static let connection: [CurlOption] = [
        .value("connect-timeout", nil, "seconds", [.connection], "The most seconds to connect (TCP and TLS).") { state, use in
            state.transfer.connectTimeout = try use.seconds()
        },
        .value("max-time", "m", "seconds", [.important, .connection], "The most seconds for each whole transfer.") { state, use in
            state.transfer.maxTime = try use.seconds()
        },
        .value("speed-limit", "Y", "bytes", [.connection], "Fail when slower than this many bytes per second for --speed-time seconds (default 30).") { state, use in
            state.transfer.speedLimit = try use.integer(in: 0...Int.max)
        },
        .value("speed-time", "y", "seconds", [.connection], "How long a transfer may stay below --speed-limit (default 1 byte per second).") { state, use in
            state.transfer.speedTime = try use.integer(in: 0...Int.max)
        },
        .flag("ipv4", "4", [.connection, .dns], negatable: false, "Connect over IPv4 only.") { state, _ in state.transfer.ipv4Only = true },
        .flag("ipv6", "6", [.connection, .dns], negatable: false, "Connect over IPv6 only.") { state, _ in state.transfer.ipv6Only = true },
        .value("unix-socket", nil, "path", [.connection], "Connect to this Unix-domain socket instead of the URL's host.") { state, use in
            state.transfer.unixSocket = use.value
        },
        .value("resolve", nil, "host:port:addr", [.connection, .dns], "Use these addresses for host:port instead of resolving it: HOST:PORT:ADDR[,ADDR...].") { state, use in
            state.transfer.resolve.append(use.value)
        },
        .value("connect-to", nil, "HOST1:PORT1:HOST2:PORT2", [.connection, .dns], "Connect to HOST2:PORT2 instead of HOST1:PORT1 (any part may be empty); the request and the certificate check stay HOST1's.") { state, use in
            do throws(PorterError) {
                state.transfer.connectTo.append(try ConnectToRule(parsing: use.value))
            } catch {
                throw UsageError(error.reason)
            }
        },
        .value("interface", nil, "name", [.connection], "Connect from this interface: a name (eth0, or if!eth0), a local address (192.0.2.1, or host!192.0.2.1), or ifhost!eth0!192.0.2.1.") { state, use in
            state.transfer.interface = try Self.interfaceName(use)
        },
        .value("local-port", nil, "num[-num]", [.connection], "Connect from this local port, or the first free one of the range.") { state, use in
            let bounds = use.value.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { Int($0.trimmingASCIIWhitespace()) }
            guard let low = bounds.first ?? nil, let high = bounds.count == 2 ? bounds[1] : low, 1 <= low, low <= high, high <= 65535 else {
                throw UsageError("option \(use.spelling): expected a port or a range of ports (1-65535), not \"\(use.value)\"")
            }
            state.transfer.localPorts = low...high
        },
        .flag("keepalive", nil, [.connection], "Send TCP keep-alive probes on idle connections (on by default; --no-keepalive turns them off).") { state, use in
            state.transfer.keepAlive = use.enabled
        },
        .value("keepalive-time", nil, "seconds", [.connection], "Idle seconds before a TCP keep-alive probe, and between probes (default 60).") { state, use in
            state.transfer.keepAliveTime = try use.integer(in: 1...Int(Int32.max))
        },
        .value("keepalive-cnt", nil, "integer", [.connection], "Unanswered keep-alive probes before the connection is given up (default 9).") { state, use in
            state.transfer.keepAliveProbes = try use.integer(in: 1...Int(Int32.max))
        },
        .value("limit-rate", nil, "speed", [.connection], "Receive and send at most this many bytes per second (suffixes k, M, G).") { state, use in
            guard let size = ByteCount(argument: use.value) else {
                throw UsageError("option \(use.spelling): expected a speed (a number with an optional k, M or G), not \"\(use.value)\"")
            }
            state.transfer.limitRate = size.bytes == 0 ? nil : size.bytes
        },
    ]

    // MARK: - Proxies

    static let proxy: [CurlOption] = [
        .value("proxy", "x", "url", [.proxy], "Use this proxy: [scheme://][user:password@]host[:port], scheme http (default), https, socks4, socks4a, socks5 or socks5h, port 1080 (443 for https) unless given; '' ignores the environment's proxies.") { state, use in
            state.transfer.proxy = use.value
        },
        .value("proxy-user", "U", "user:password", [.proxy, .auth], "Credentials for the proxy (Basic for HTTP proxies, RFC 1929 for SOCKS 5).") { state, use in
            state.transfer.proxyUser = use.value
        },
        .flag("proxytunnel", "p", [.proxy], "Tunnel plain HTTP requests through the HTTP proxy with CONNECT too.") { state, use in
            state.transfer.proxyTunnel = use.enabled
        },
        .value("proxy-header", nil, "header", [.proxy], "Send this header to the proxy only (on CONNECT, and on plain requests to an HTTP proxy); 'Name:' removes a default one; '@file' reads them from a file.") { state, use in
            try state.transfer.proxyHeaders += Self.headerLines(use)
        },
        .value("socks4", nil, "host[:port]", [.proxy], "Use this SOCKS 4 proxy (the host name is resolved here); the same as -x socks4://.") { state, use in
            state.transfer.proxy = "socks4://" + use.value
        },
        .value("socks4a", nil, "host[:port]", [.proxy], "Use this SOCKS 4a proxy (the proxy resolves the host name); the same as -x socks4a://.") { state, use in
            state.transfer.proxy = "socks4a://" + use.value
        },
        .value("socks5", nil, "host[:port]", [.proxy], "Use this SOCKS 5 proxy (the host name is resolved here); the same as -x socks5://.") { state, use in
            state.transfer.proxy = "socks5://" + use.value
        },
        .value("socks5-hostname", nil, "host[:port]", [.proxy], "Use this SOCKS 5 proxy (the proxy resolves the host name); the same as -x socks5h://.") { state, use in
            state.transfer.proxy = "socks5h://" + use.value
        },
        .value("proxy-cacert", nil, "file", [.proxy, .tls], "Trust the CA certificates in this PEM file for an https:// proxy's certificate.") { state, use in
            state.transfer.proxyTLS.caFile = use.value
        },
        .value("proxy-capath", nil, "dir", [.proxy, .tls], "Trust the CA certificates in this hashed directory for an https:// proxy's certificate.") { state, use in
            state.transfer.proxyTLS.caDirectory = use.value
        },
        .flag("proxy-insecure", nil, [.proxy, .tls], "Do not verify an https:// proxy's certificate (unsafe).") { state, use in
            state.transfer.proxyTLS.insecure = use.enabled
        },
        .value("noproxy", nil, "list", [.proxy], "Hosts, domains, IPs or CIDR ranges to reach without the proxy ('*' for all); replaces no_proxy.") { state, use in
            state.transfer.noProxy = use.value
        },
    ]

    // MARK: - TLS

    static let tls: [CurlOption] = [
        .value("cacert", nil, "file", [.tls], TLSSettings.Help.caFile) { state, use in state.transfer.tls.caFile = use.value },
        .value("capath", nil, "dir", [.tls], TLSSettings.Help.caDirectory) { state, use in state.transfer.tls.caDirectory = use.value },
        .flag("insecure", "k", [.important, .tls], TLSSettings.Help.insecure) { state, use in state.transfer.tls.insecure = use.enabled },
        .value("cert", "E", "file[:password]", [.tls], TLSSettings.Help.clientCertificate) { state, use in
            let (file, password) = Self.certificateAndPassword(use.value)
            state.transfer.tls.clientCertificateFile = file
            if let password { state.transfer.tls.keyPassphrase = password }
        },
        .value("key", nil, "file", [.tls], TLSSettings.Help.clientKey) { state, use in state.transfer.tls.clientKeyFile = use.value },
        .value("pinnedpubkey", nil, "pins", [.tls], TLSSettings.Help.pinnedPublicKey) { state, use in
            state.transfer.tls.pinnedPublicKey = use.value
        },
        .flag("tlsv1", "1", [.tls], negatable: false, "Use TLS 1.2 or later (Porter never speaks TLS 1.0 or 1.1).") { _, _ in },
        .flag("tlsv1.0", nil, [.tls], negatable: false, "Use TLS 1.2 or later (Porter never speaks TLS 1.0 or 1.1).") { _, _ in },
        .flag("tlsv1.1", nil, [.tls], negatable: false, "Use TLS 1.2 or later (Porter never speaks TLS 1.0 or 1.1).") { _, _ in },
        .flag("tlsv1.2", nil, [.tls], negatable: false, "Use TLS 1.2 or later.") { state, _ in state.transfer.tls.minimumVersion = .tls1_2 },
        .flag("tlsv1.3", nil, [.tls], negatable: false, "Use TLS 1.3 only.") { state, _ in state.transfer.tls.minimumVersion = .tls1_3 },
        .flag("cert-status", nil, [.tls], "Fail unless the server staples an OCSP response that says its certificate is good.") { state, use in
            state.transfer.tls.requiresCertificateStatus = use.enabled
        },
        .value("crlfile", nil, "file", [.tls], "Check the chain against these certificate revocation lists (PEM; every CA of the chain needs its CRL).") { state, use in
            state.transfer.tls.crlFile = use.value
        },
        .value("tls-max", nil, "version", [.tls], "The newest TLS version to offer: 1.2, 1.3 or default.") { state, use in
            switch use.value {
            case "1.2": state.transfer.tls.maximumVersion = .tls1_2
            case "1.3", "default": state.transfer.tls.maximumVersion = nil
            case "1.0", "1.1": throw UsageError("--tls-max \(use.value): Porter never speaks TLS below 1.2")
            default: throw UsageError("--tls-max: expected 1.2, 1.3 or default, not \"\(use.value)\"")
            }
        },
        .value("ciphers", nil, "list", [.tls], "The TLS 1.2 cipher suites to offer, as OpenSSL names them.") { state, use in
            state.transfer.tls.cipherList = use.value
        },
        .value("tls13-ciphers", nil, "list", [.tls], "The TLS 1.3 cipher suites to offer, e.g. TLS_AES_128_GCM_SHA256.") { state, use in
            state.transfer.tls.cipherSuites = use.value
        },
        .value("curves", nil, "list", [.tls], "The key exchange groups to offer, e.g. X25519:P-256.") { state, use in
            state.transfer.tls.groups = use.value
        },
    ]

    // MARK: - Diagnostics

    static let verbose: [CurlOption] = [
        .flag("silent", "s", [.important, .verbose], "Show no progress or error messages.") { state, use in state.global.silent = use.enabled },
        .flag("show-error", "S", [.verbose], "With -s, still show error messages.") { state, use in state.global.showError = use.enabled },
        .flag("verbose", "v", [.important, .verbose], "Show the connection, TLS and the request and response heads on standard error.") { state, use in
            state.global.verbose = use.enabled
            if use.enabled { state.global.tracePath = nil }
        },
        .flag("progress-bar", "#", [.verbose], "Show a compact progress bar instead of the progress meter.") { state, use in
            state.global.progressBar = use.enabled
        },
        .flag("progress-meter", nil, [.verbose], "Show the progress meter (the default); --no-progress-meter hides it, errors are still shown.") { state, use in
            state.global.progressMeter = use.enabled
        },
        .value("stderr", nil, "file", [.verbose], "Write diagnostics to this file instead of standard error ('-' for standard output).") { state, use in
            state.global.standardErrorPath = use.value
        },
        .value("trace", nil, "file", [.verbose], "Write a trace of everything sent and received, in hex and text, to this file ('-' standard output, '%' standard error).") { state, use in
            state.global.tracePath = use.value
            state.global.traceASCII = false
            state.global.verbose = false
        },
        .value("trace-ascii", nil, "file", [.verbose], "As --trace, with text only.") { state, use in
            state.global.tracePath = use.value
            state.global.traceASCII = true
            state.global.verbose = false
        },
        .flag("trace-time", nil, [.verbose], "Put the time of day before each -v and trace line.") { state, use in
            state.global.traceTime = use.enabled
        },
        .flag("trace-ids", nil, [.verbose], "Put [transfer-connection] numbers before each -v and trace line.") { state, use in
            state.global.traceIDs = use.enabled
        },
        .flag("timing", nil, [.verbose], "After each transfer, draw a timing waterfall on standard error, one bar per redirect hop.") { state, use in
            state.transfer.showTiming = use.enabled
        },
    ]

    /// curl's `--cert FILE:PASSWORD`: the first colon not escaped by a backslash ends the
    /// file name (`\\:` is a colon in it).
    static func certificateAndPassword(_ value: String) -> (file: String, password: String?) {
        var file = ""
        var rest = Substring(value)
        while let character = rest.popFirst() {
            if character == "\\", rest.first == ":" {
                file.append(":")
                rest = rest.dropFirst()
            } else if character == ":" {
                return (file, String(rest))
            } else {
                file.append(character)
            }
        }
        return (file, nil)
    }

    /// curl's `--interface` forms: `if!NAME`, `host!ADDRESS`, `ifhost!NAME!ADDRESS` (the
    /// address is used), or a bare name or address.
    private static func interfaceName(_ use: OptionUse) throws(UsageError) -> String {
        let parts = use.value.split(separator: "!", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("if", 2), ("host", 2): return parts[1]
        case ("ifhost", 3): return parts[2]
        case (_, 1): return use.value
        default: throw UsageError("option \(use.spelling): expected NAME, ADDRESS, if!NAME, host!ADDRESS or ifhost!NAME!ADDRESS, not \"\(use.value)\"")
        }
    }

    /// `-H @file`: the file's lines, each a header; otherwise the value itself.
    private static func headerLines(_ use: OptionUse) throws(UsageError) -> [String] {
        guard use.value.hasPrefix("@") else { return [use.value] }
        let bytes: [UInt8]
        do {
            bytes = try LocalFile.read(String(use.value.dropFirst()))
        } catch {
            throw UsageError("option \(use.spelling): \(error.reason)", status: 26)
        }
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }.filter { !$0.isEmpty }
    }
}
