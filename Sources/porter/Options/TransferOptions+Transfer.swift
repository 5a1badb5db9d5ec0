@_spi(PorterTools) import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// How a group's options become request options, outputs and retries.
extension TransferOptions {
    /// The byte offset `-C` asks to resume at: the number, or for `-`, the output file's size.
    func resumeOffset(outputPath: String?) throws -> UInt64? {
        guard let continueAt else { return nil }
        if continueAt != "-" { return UInt64(continueAt) }
        guard let outputPath, outputPath != "-" else {
            throw CommandFailure(exitCode: 2, message: "-C - needs an output file to take the offset from")
        }
        return FileOutput.size(of: outputPath) ?? 0
    }

    /// Whether a progress meter may be shown at all (`-s`, `-v` and `--no-progress-meter` turn it off).
    var showsProgress: Bool { !global.silent && !global.verbose && global.progressMeter }

    var retryPolicy: RetryPolicy {
        RetryPolicy(
            retries: retries, fixedDelay: Self.duration(retryDelay), maximumTime: Self.duration(retryMaxTime),
            allErrors: retryAllErrors, connectionRefused: retryConnectionRefused)
    }

    static func duration(_ seconds: Double?) -> Duration? {
        guard let seconds, seconds > 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    // MARK: - Outputs

    /// The file a transfer writes its body to (nil: standard output): `-o` with `#N` replaced
    /// by the URL's glob values, or `-O`'s remote name, in `--output-dir`, with the directories
    /// `--create-dirs` asks for, and a free name under `--no-clobber`.
    func outputPath(for output: URLEntry.Output?, url: HTTPURL, globValues: [String]) throws(PorterError) -> String? {
        var path: String
        switch output ?? (remoteNameAll ? .remoteName : .standardOutput) {
        case .standardOutput: return nil
        case .file(let template):
            if template == "-" { return "-" }
            path = Self.substitutingGlobValues(template, globValues)
        case .remoteName:
            path = try Self.remoteName(for: url)
        }
        if let outputDirectory, !path.hasPrefix("/") {
            path = outputDirectory.hasSuffix("/") ? outputDirectory + path : outputDirectory + "/" + path
        }
        if createDirectories { try Self.createParentDirectories(of: path) }
        if !clobber && continueAt == nil { path = try Self.unusedName(path) }
        return path
    }

    /// `#1`, `#2`... replaced by the values the URL's glob patterns took (curl's `-o` rule);
    /// a `#` not followed by the number of a pattern stays as it is.
    static func substitutingGlobValues(_ template: String, _ values: [String]) -> String {
        guard template.contains("#") else { return template }
        var result = ""
        var rest = Substring(template)
        while let hash = rest.firstIndex(of: "#") {
            result += rest[..<hash]
            let digits = rest[rest.index(after: hash)...].prefix { $0.isASCII && $0.isNumber }
            if let number = Int(digits), number >= 1, number <= values.count {
                result += values[number - 1]
                rest = rest[digits.endIndex...]
            } else {
                result.append("#")
                rest = rest[rest.index(after: hash)...]
            }
        }
        return result + rest
    }

    /// `-J`: the file named by the response's `Content-Disposition` (its `filename`, any
    /// directory part stripped, as curl does), in `--output-dir`; nil when it names none.
    /// An existing file is not overwritten unless `--clobber` was given (curl's rule),
    /// and `--no-clobber` picks a free name.
    func headerNamedPath(_ head: ResponseHead) throws(PorterError) -> String? {
        guard let name = head.fields["Content-Disposition"].flatMap(Self.dispositionFileName) else { return nil }
        var path = outputDirectory.map { $0.hasSuffix("/") ? $0 + name : $0 + "/" + name } ?? name
        if !clobber { path = try Self.unusedName(path) }
        if !clobberGiven, FileOutput.size(of: path) != nil {
            throw PorterError(.writeFailed, "refusing to overwrite \(path), the name the server gave: it exists (use --clobber to allow it)")
        }
        return path
    }

    /// The `filename` parameter of a `Content-Disposition` value, quoted or not, without
    /// any directory part; nil when there is none or nothing is left.
    static func dispositionFileName(_ value: String) -> String? {
        // The parameters after the disposition type, each `name=value`; `filename*=` is
        // another parameter (not supported, as in curl).
        var rest = Substring(value).drop { $0 != ";" }
        while rest.first == ";" {
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            let key = rest.prefix { $0 != "=" && $0 != ";" }
            rest = rest.dropFirst(key.count)
            var text = ""
            if rest.first == "=" {
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    // A quoted-string (RFC 9110 §5.6.4): `\\` escapes the next character.
                    rest = rest.dropFirst()
                    while let character = rest.popFirst(), character != "\"" {
                        if character == "\\", let escaped = rest.popFirst() { text.append(escaped) } else { text.append(character) }
                    }
                    rest = rest.drop { $0 != ";" }
                } else {
                    text = String(rest.prefix { $0 != ";" }).trimmingASCIIWhitespace().description
                    rest = rest.drop { $0 != ";" }
                }
            }
            guard key.lowercased().trimmingASCIIWhitespace() == "filename" else { continue }
            var name = text
            if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { name = String(name[name.index(after: slash)...]) }
            name = String(name.prefix { $0 != "\r" && $0 != "\n" })
            return name.isEmpty || name == "." || name == ".." ? nil : name
        }
        return nil
    }

    /// curl's `-O`: the last path segment, which must not be empty.
    static func remoteName(for url: HTTPURL) throws(PorterError) -> String {
        let name = url.path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard !name.isEmpty, name != ".", name != ".." else {
            throw PorterError(.writeFailed, "the URL \(url) has no file name to use for --remote-name; use --output")
        }
        return name
    }

    /// `--create-dirs`: every missing directory of `path`'s parent, as `mkdir -p` makes them.
    static func createParentDirectories(of path: String) throws(PorterError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in components where !component.isEmpty {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw PorterError(.writeFailed, "cannot create the directory \(prefix) for \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// `--no-clobber`: `path` if nothing is there, else the first free `path.1` ... `path.100`.
    static func unusedName(_ path: String) throws(PorterError) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return path }
        for number in 1...100 where lstat("\(path).\(number)", &info) != 0 {
            return "\(path).\(number)"
        }
        throw PorterError(.writeFailed, "\(path) and \(path).1 to \(path).100 all exist; --no-clobber leaves them as they are")
    }

    /// curl's `-T`: a URL ending in `/` gets the file's name appended.
    static func uploadTarget(_ url: HTTPURL, file: String?) -> HTTPURL {
        guard let file, file != "-", file != ".", url.path.hasSuffix("/"), let name = file.split(separator: "/").last else { return url }
        var target = url
        let query = url.target.dropFirst(url.path.count)
        target.target = String(url.path + name + query)
        return target
    }

    // MARK: - Request options

    /// The proxy for `url`: `-x` (or `--socks5`...), else the environment's (`http_proxy`,
    /// `https_proxy`, `all_proxy`), with `--proxy-user`, `-p`, `--proxy-header` and the
    /// proxy's TLS options.
    func proxyConfiguration(for url: HTTPURL) -> ProxyConfiguration? {
        var configuration: ProxyConfiguration?
        if let proxy {
            configuration = proxy.isEmpty ? nil : try? ProxyConfiguration(parsing: proxy)
        } else {
            configuration = ProxyConfiguration.fromEnvironment(for: url)
        }
        guard var configuration else { return nil }
        if let proxyUser { configuration.credentials = proxyUser }
        configuration.tunnelsPlainHTTP = proxyTunnel
        configuration.headers = proxyHeaderFields
        configuration.tls = proxyTLS.configuration
        configuration.connectsWithHTTP10 = proxyHTTP10
        configuration.userAgent = userAgent
        configuration.preproxy = preproxy.flatMap { try? ProxyConfiguration.SOCKSProxy(parsing: $0) }
        return configuration
    }

    /// `--proxy-header` lines as fields; `Name:` (removing a field) has an empty value.
    var proxyHeaderFields: [HeaderField] {
        proxyHeaders.compactMap { line in
            guard let option = try? HeaderOption(parsing: line) else { return nil }
            switch option.action {
            case .set(let value): return value.isEmpty ? nil : HeaderField(name: option.name.rawName, value: value)
            case .remove: return HeaderField(name: option.name.rawName, value: "")
            }
        }
    }

    private static func environment(_ name: String) -> String? {
        (getenv(name) ?? getenv(name.uppercased())).map { String(cString: $0) }
    }

    /// The request options of `url`: those every transfer of the group shares
    /// (``sharedRequestOptions()``, computed once per group), with the proxy for this URL
    /// and a verbose log of its own.
    func requestOptions(for url: HTTPURL, shared: RequestOptions) -> RequestOptions {
        var options = shared
        options.proxy = proxyConfiguration(for: url)
        return options
    }

    /// The request options that do not depend on the URL, computed once per group.
    func sharedRequestOptions() -> RequestOptions {
        var kept: Set<Int> = []
        if post301 { kept.insert(301) }
        if post302 { kept.insert(302) }
        if post303 { kept.insert(303) }
        var options = RequestOptions(
            followsRedirects: followRedirects || followBySpecification,
            maximumRedirects: maxRedirects == -1 ? nil : (maxRedirects ?? 50),
            // As in curl, 0 means "no limit" for --max-time and "the default" for --connect-timeout.
            connectTimeout: Self.duration(connectTimeout) ?? .seconds(300),
            totalTimeout: Self.duration(maxTime),
            version: http10 ? .http1_0 : .http1_1,
            removesDotSegments: !pathAsIs,
            postKeptAfterRedirects: kept,
            setsRefererOnRedirect: referer?.hasSuffix(";auto") == true,
            decodesContent: compressed && !raw,
            decodesTransferCodings: transferEncoding && !raw,
            maximumBodyBytes: maxFileSize?.bytes)
        options.allowedRedirectSchemes = Self.redirectProtocols(protoRedirect).intersection(Self.redirectProtocols(protocols))
        options.allowsHTTP09 = http09
        options.ignoresContentLength = ignoreContentLength
        options.deliversRawBody = raw
        options.redirectsBodyMethodsLikePOST = followBySpecification
        // curl's -X with -L: the method given is the method of every request, redirects
        // included; `--follow` instead changes it as the status code says (RFC 9110 §15.4).
        options.keepsMethodOnRedirect = method != nil && !followBySpecification
        options.sendsCredentialsOnRedirect = locationTrusted
        options.noProxy = noProxy.map(NoProxyList.init) ?? Self.environment("no_proxy").map(NoProxyList.init)
        options.addressFamilies = ipv4Only ? .ipv4Only : ipv6Only ? .ipv6Only : .any
        options.unixSocketPath = unixSocket
        options.addressOverrides = (try? ResolveOption.overrides(resolve)) ?? [:]
        options.connectTo = connectTo
        options.socketOptions = SocketOptions(localInterface: interface, localPorts: localPorts)
        options.socketOptions.keepAliveInterval = keepAlive ? keepAliveTime : nil
        options.socketOptions.keepAliveProbes = keepAliveProbes
        options.socketOptions.noDelay = tcpNoDelay
        options.socketOptions.typeOfService = typeOfService
        options.socketOptions.priority = vlanPriority
        options.socketOptions.fastOpen = tcpFastOpen
        options.socketOptions.multipath = multipathTCP
        if let happyEyeballsMilliseconds { options.socketOptions.attemptDelay = .milliseconds(happyEyeballsMilliseconds) }
        options.requestTarget = requestTarget
        options.proxyProtocolClient = haproxyProtocol || haproxyClientIP != nil ? (haproxyClientIP ?? "") : nil
        options.unixSocketIsAbstract = abstractUnixSocket
        options.maximumSpeed = limitRate
        if let speedTime = speedTime ?? (speedLimit != nil ? 30 : nil), speedTime > 0 {
            options.minimumSpeed = RequestOptions.MinimumSpeed(bytesPerSecond: UInt64(speedLimit ?? 1), period: .seconds(speedTime))
        }
        return options
    }
}
