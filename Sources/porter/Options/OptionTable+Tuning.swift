@_spi(PorterTools) import PorterCore

/// The options that tune the socket, TLS or the request in small ways, and those curl
/// keeps for old scripts that have no effect in Porter (each says why in its help).
extension OptionTable {
    static let tuning: [CurlOption] = [
        .flag("show-headers", nil, [.http, .output], "Include the response heads in the output (curl 8.10's name for -i).") { state, use in
            state.transfer.include = use.enabled
        },
        .flag("out-null", nil, [.output], negatable: false, "Discard the body of the next URL (as -o /dev/null).") { state, _ in
            state.transfer.addOutput(.file("/dev/null"))
        },
        .flag("skip-existing", nil, [.output], "Do not fetch a URL whose output file exists already.") { state, use in
            state.transfer.skipExisting = use.enabled
        },
        .flag("suppress-connect-headers", nil, [.proxy], "With -i, leave the proxy's answer to CONNECT out of the output.") { state, use in
            state.transfer.suppressConnectHeaders = use.enabled
        },
        .flag("tcp-nodelay", nil, [.connection], "Send small writes at once (TCP_NODELAY, the default; --no-tcp-nodelay waits to fill packets).") { state, use in
            state.transfer.tcpNoDelay = use.enabled
        },
        .flag("tcp-fastopen", nil, [.connection], "Use TCP Fast Open for the connect.") { state, use in
            state.transfer.tcpFastOpen = use.enabled
        },
        .flag("mptcp", nil, [.connection], "Use Multipath TCP where the kernel has it, else TCP.") { state, use in
            state.transfer.multipathTCP = use.enabled
        },
        .value("ip-tos", nil, "string", [.connection], "The IP type of service: a number, or lowdelay, throughput, reliability, mincost, CS0-CS7, AF11-AF43, EF, VOICE-ADMIT.") { state, use in
            state.transfer.typeOfService = try Self.typeOfService(use)
        },
        .value("vlan-priority", nil, "priority", [.connection], "The VLAN priority (0-7) of the connection's packets (SO_PRIORITY).") { state, use in
            state.transfer.vlanPriority = try use.integer(in: 0...7)
        },
        .value("happy-eyeballs-timeout-ms", nil, "ms", [.connection], "Milliseconds a connection attempt has before the next address is tried (default 250).") { state, use in
            state.transfer.happyEyeballsMilliseconds = try use.integer(in: 0...Int(Int32.max))
        },
        .value("abstract-unix-socket", nil, "path", [.connection], "Connect to this Linux abstract Unix socket instead of the host.") { state, use in
            state.transfer.unixSocket = use.value
            state.transfer.abstractUnixSocket = true
        },
        .flag("haproxy-protocol", nil, [.proxy], "Send HAProxy's PROXY protocol v1 line first on each connection.") { state, use in
            state.transfer.haproxyProtocol = use.enabled
        },
        .value("haproxy-clientip", nil, "ip", [.proxy], "The client address the PROXY protocol line names (implies --haproxy-protocol).") { state, use in
            guard SocketAddress.octets(ofNumericHost: use.value) != nil else {
                throw UsageError("option \(use.spelling): expected an IP address, not \"\(use.value)\"")
            }
            state.transfer.haproxyClientIP = use.value
        },
        .value("preproxy", nil, "[protocol://]host[:port]", [.proxy], "Reach the proxy through this SOCKS proxy (socks4 when no scheme is given).") { state, use in
            do throws(PorterError) {
                _ = try ProxyConfiguration.SOCKSProxy(parsing: use.value)
            } catch {
                throw UsageError(error.reason)
            }
            state.transfer.preproxy = use.value
        },
        .value("proxy1.0", nil, "host[:port]", [.proxy], "Use this HTTP proxy, asking it for tunnels with HTTP/1.0 CONNECT.") { state, use in
            state.transfer.proxy = use.value
            state.transfer.proxyHTTP10 = true
        },
        .flag("proxy-basic", nil, [.proxy, .auth], negatable: false, "Send proxy credentials with Basic (the default).") { _, _ in },
        .flag("socks5-basic", nil, [.proxy, .auth], negatable: false, "Send SOCKS 5 credentials as a user name and password (RFC 1929), as Porter does whenever they are given.") { _, _ in },
        .flag("xattr", nil, [.output], "Store the URL and the Content-Type in the output file's extended attributes (user.xdg.origin.url, user.mime_type).") { state, use in
            state.transfer.extendedAttributes = use.enabled
        },
        .value("request-target", nil, "path", [.http], "Send this request target instead of the URL's path and query (e.g. '*' with -X OPTIONS).") { state, use in
            guard !use.value.isEmpty, !use.value.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
                throw UsageError("option \(use.spelling): a request target has no spaces or control characters")
            }
            state.transfer.requestTarget = use.value
        },
        .flag("form-escape", nil, [.post], "Escape \" and \\ in -F names and file names with a backslash instead of %22.") { state, use in
            state.transfer.formEscape = use.enabled
        },
        .flag("junk-session-cookies", "j", [.http], "Leave out the session cookies of -b files (start a new session).") { state, use in
            state.transfer.junkSessionCookies = use.enabled
        },
        .flag("disallow-username-in-url", nil, [.auth], "Refuse URLs that carry a user name.") { state, use in
            state.transfer.disallowUsernameInURL = use.enabled
        },
        .value("proto-default", nil, "protocol", [.connection], "The scheme of URLs given without one: http (the default) or https.") { state, use in
            let scheme = use.value.lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw UsageError("option \(use.spelling): Porter speaks http and https, not \"\(use.value)\"")
            }
            state.transfer.defaultScheme = scheme
        },
        .value("expect100-timeout", nil, "seconds", [.http], "Accepted for curl's scripts: Porter sends no Expect: 100-continue, so nothing waits.") { state, use in
            state.transfer.expect100Timeout = try use.seconds()
        },
        .flag("alpn", nil, [.tls], "Offer http/1.1 with ALPN (the default; --no-alpn offers nothing).") { state, use in
            state.transfer.tls.offersALPN = use.enabled
        },
        .flag("sessionid", nil, [.tls], "Resume TLS sessions on new connections (the default; --no-sessionid always handshakes in full).") { state, use in
            state.transfer.tls.resumesSessions = use.enabled
        },
        .value("sigalgs", nil, "list", [.tls], "The signature algorithms to offer, in OpenSSL's syntax (e.g. ECDSA+SHA256:RSA-PSS+SHA256).") { state, use in
            state.transfer.tls.signatureAlgorithms = use.value
        },
        .value("pass", nil, "phrase", [.tls, .auth], "The passphrase of the --key private key.") { state, use in
            state.transfer.tls.keyPassphrase = use.value
        },
        .value("cert-type", nil, "type", [.tls], "The type of --cert: PEM (the only one Porter reads).") { state, use in try Self.requirePEM(use) },
        .value("key-type", nil, "type", [.tls], "The type of --key: PEM (the only one Porter reads).") { state, use in try Self.requirePEM(use) },
        // Proxy TLS: the same settings as for the origin, for an https:// proxy.
        .value("proxy-cert", nil, "cert", [.proxy, .tls], "Offer this client certificate (PEM) to an https:// proxy.") { state, use in
            state.transfer.proxyTLS.clientCertificateFile = use.value
        },
        .value("proxy-key", nil, "key", [.proxy, .tls], "The private key (PEM) of --proxy-cert.") { state, use in
            state.transfer.proxyTLS.clientKeyFile = use.value
        },
        .value("proxy-pass", nil, "phrase", [.proxy, .tls], "The passphrase of the --proxy-key private key.") { state, use in
            state.transfer.proxyTLS.keyPassphrase = use.value
        },
        .value("proxy-cert-type", nil, "type", [.proxy, .tls], "The type of --proxy-cert: PEM.") { _, use in try Self.requirePEM(use) },
        .value("proxy-key-type", nil, "type", [.proxy, .tls], "The type of --proxy-key: PEM.") { _, use in try Self.requirePEM(use) },
        .value("proxy-ciphers", nil, "list", [.proxy, .tls], "The TLS 1.2 cipher list for an https:// proxy.") { state, use in
            state.transfer.proxyTLS.cipherList = use.value
        },
        .value("proxy-tls13-ciphers", nil, "list", [.proxy, .tls], "The TLS 1.3 cipher suites for an https:// proxy.") { state, use in
            state.transfer.proxyTLS.cipherSuites = use.value
        },
        .value("proxy-crlfile", nil, "file", [.proxy, .tls], "Check an https:// proxy's chain against these revocation lists (PEM).") { state, use in
            state.transfer.proxyTLS.crlFile = use.value
        },
        .value("proxy-pinnedpubkey", nil, "hashes", [.proxy, .tls], "An https:// proxy's public key must be one of these (as --pinnedpubkey).") { state, use in
            state.transfer.proxyTLS.pinnedPublicKey = use.value
        },
        // Kept by curl for old scripts; without effect in Porter, for the reason given.
        .flag("proxy-tlsv1", nil, [.proxy, .tls], negatable: false, "Accepted: Porter speaks TLS 1.2 or later to proxies anyway.") { _, _ in },
        .flag("npn", nil, [.tls], "Accepted: NPN is obsolete and never offered (curl ignores it too).") { _, _ in },
        .flag("ca-native", nil, [.tls], "Accepted: without --cacert Porter trusts the system's CA store already.") { _, _ in },
        .flag("proxy-ca-native", nil, [.proxy, .tls], "Accepted: without --proxy-cacert Porter trusts the system's CA store already.") { _, _ in },
        .flag("ssl-no-revoke", nil, [.tls], "Accepted: a Windows (Schannel) option, without effect with OpenSSL, as in curl.") { _, _ in },
        .flag("ssl-revoke-best-effort", nil, [.tls], "Accepted: a Windows (Schannel) option, without effect with OpenSSL, as in curl.") { _, _ in },
        .flag("ssl-auto-client-cert", nil, [.tls], "Accepted: a Windows (Schannel) option, without effect with OpenSSL, as in curl.") { _, _ in },
        .flag("proxy-ssl-auto-client-cert", nil, [.proxy, .tls], "Accepted: a Windows (Schannel) option, without effect with OpenSSL.") { _, _ in },
        .flag("ssl-allow-beast", nil, [.tls], "Accepted: the BEAST workaround concerns TLS 1.0, which Porter never speaks.") { _, _ in },
        .flag("proxy-ssl-allow-beast", nil, [.proxy, .tls], "Accepted: the BEAST workaround concerns TLS 1.0, which Porter never speaks.") { _, _ in },
        .flag("false-start", nil, [.tls], "Accepted: TLS False Start is not offered by OpenSSL (curl ignores it there too).") { _, _ in },
        .flag("sslv2", "2", [.tls], negatable: false, "Accepted: SSL 2 is never spoken (curl ignores the option too).") { _, _ in },
        .flag("sslv3", "3", [.tls], negatable: false, "Accepted: SSL 3 is never spoken (curl ignores the option too).") { _, _ in },
        .value("egd-file", nil, "file", [.tls], "Accepted: deprecated in curl and ignored; OpenSSL seeds itself.") { _, _ in },
        .value("random-file", nil, "file", [.tls], "Accepted: deprecated in curl and ignored; OpenSSL seeds itself.") { _, _ in },
        .flag("parallel-immediate", nil, [.connection, .curl], "Accepted: with HTTP/1.1 each parallel transfer opens its own connection at once anyway.") { _, _ in },
        .flag("styled-output", nil, [.verbose], "Accepted: Porter writes heads without terminal styling either way.") { _, _ in },
        .value("parallel-max-host", nil, "num", [.connection, .curl], "With -Z, the most transfers at once to one host.") { state, use in
            state.global.parallelMaxHost = try use.integer(in: 1...65535)
        },
        .value("rate", nil, "max request rate", [.connection, .curl], "Start at most this many transfers per time unit: N/s, N/m, N/h or N/d (e.g. 2/s, 30/m).") { state, use in
            state.global.rateInterval = try Self.rateInterval(use)
        },
        .flag("manual", "M", [.curl], negatable: false, "Show every option (as --help all).") { state, _ in
            state.request = .help("all")
        },
    ]

    /// `--cert-type PEM`: Porter reads PEM only, so any other type is refused plainly.
    private static func requirePEM(_ use: OptionUse) throws(UsageError) {
        guard use.value.uppercased() == "PEM" else {
            throw UsageError("option \(use.spelling): Porter reads PEM files only, not \(use.value) (convert with 'openssl x509' or 'openssl pkey')")
        }
    }

    /// `N/unit`, unit s (the default), m, h or d, as the interval between two starts.
    private static func rateInterval(_ use: OptionUse) throws(UsageError) -> Duration {
        let parts = use.value.split(separator: "/", maxSplits: 1)
        let seconds: [String: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let count = parts.first.flatMap({ Int64($0) }), count > 0,
              let unit = parts.count == 2 ? seconds[parts[1].lowercased()] : 1 else {
            throw UsageError("option \(use.spelling): expected N/s, N/m, N/h or N/d, not \"\(use.value)\"")
        }
        return .nanoseconds(unit * 1_000_000_000 / count)
    }

    /// curl's `--ip-tos` names (RFC 2474, 4594, 5865) and numbers.
    private static func typeOfService(_ use: OptionUse) throws(UsageError) -> Int {
        if let number = Int(use.value), (0...255).contains(number) { return number }
        let names: [String: Int] = [
            "lowdelay": 0x10, "throughput": 0x08, "reliability": 0x04, "mincost": 0x02,
            "cs0": 0x00, "cs1": 0x20, "cs2": 0x40, "cs3": 0x60, "cs4": 0x80, "cs5": 0xA0, "cs6": 0xC0, "cs7": 0xE0,
            "af11": 0x28, "af12": 0x30, "af13": 0x38, "af21": 0x48, "af22": 0x50, "af23": 0x58,
            "af31": 0x68, "af32": 0x70, "af33": 0x78, "af41": 0x88, "af42": 0x90, "af43": 0x98,
            "ef": 0xB8, "voice-admit": 0xB0,
        ]
        guard let value = names[use.value.lowercased()] else {
            throw UsageError("option \(use.spelling): expected a number 0-255 or a type-of-service name, not \"\(use.value)\"")
        }
        return value
    }
}
