import Foundation
import PorterTestSupport
import Synchronization
import Testing

/// Porter's security properties, each against a loopback server: what it
/// offers and refuses in TLS, which credentials go where, what it prints,
/// and what hostile input it keeps off the wire.
@Suite("porter security properties")
struct SecurityTests {
    static let user = "alice"
    static let secret = "s3cr3t-pw"
    static var encodedCredentials: String { Data("\(user):\(secret)".utf8).base64EncodedString() }

    static func porter(_ arguments: [String], environment: [String: String]? = nil) async throws -> ProcessResult {
        try await PorterProcess.run(arguments, environment: environment, timeout: .seconds(30))
    }

    static func temporaryDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "porter-security-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func answeringOK(address: String = "127.0.0.1", security: ScriptedServer.Security = .plain) throws -> ScriptedServer {
        try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", security: security, address: address)
    }

    // MARK: - Verification can only be turned off with -k

    /// An OpenSSL configuration that would, if honoured, lower every TLS
    /// setting Porter relies on.
    static let hostileOpenSSLConfiguration = """
        openssl_conf = openssl_init
        [openssl_init]
        ssl_conf = ssl_section
        [ssl_section]
        system_default = system_default_section
        [system_default_section]
        MinProtocol = TLSv1
        CipherString = DEFAULT@SECLEVEL=0
        VerifyMode = None

        """

    /// Environments that other tools read to skip verification, and files
    /// they read options from; none of them may weaken Porter.
    static func hostileEnvironments(in directory: String) throws -> [String: [String: String]] {
        let configuration = "\(directory)/openssl.cnf"
        try hostileOpenSSLConfiguration.write(toFile: configuration, atomically: true, encoding: .utf8)
        try "insecure\n".write(toFile: "\(directory)/.curlrc", atomically: true, encoding: .utf8)
        return [
            "variables of other tools": [
                "GIT_SSL_NO_VERIFY": "1", "PYTHONHTTPSVERIFY": "0", "NODE_TLS_REJECT_UNAUTHORIZED": "0",
                "CURL_SSL_NO_VERIFY": "1", "SSL_NO_VERIFY": "1", "PORTER_INSECURE": "1", "INSECURE": "1",
            ],
            "OpenSSL configuration": ["OPENSSL_CONF": configuration],
            "a .curlrc saying insecure": ["HOME": directory, "CURL_HOME": directory, "XDG_CONFIG_HOME": directory],
        ]
    }

    @Test func verificationStaysOnWhateverTheEnvironmentSays() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.answeringOK(
            security: .tls(certificateChainPath: certificates.expiredLeafCertificatePath, privateKeyPath: certificates.expiredLeafKeyPath))
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (label, environment) in try Self.hostileEnvironments(in: directory) {
            let result = try await Self.porter(["-s", "-S", "--cacert", certificates.caCertificatePath, server.url("/")], environment: environment)
            #expect(result.status == 60, "\(label): \(result.stderr)")
            #expect(result.stderr.contains("expired"), "\(label): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(label)")
        }
        let insecure = try await Self.porter(["-k", server.url("/")])
        #expect(insecure.status == 0, "\(insecure.stderr)")
        #expect(insecure.stderr.contains("NOT verified"), "-k says so every time: \(insecure.stderr)")
    }

    @Test func anEmptyOrUnreadableTrustStoreIsNeverTrustEverything() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.answeringOK(security: .tls(certificates))
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let empty = try await Self.porter(["-s", "-S", "--capath", directory, server.url("/")])
        #expect(empty.status == 60, "\(empty.stderr)")
        let missing = try await Self.porter(["-s", "-S", "--cacert", "\(directory)/none.pem", server.url("/")])
        #expect(missing.status == 77, "\(missing.stderr)")
        let devNull = try await Self.porter(["-s", "-S", "--cacert", "/dev/null", server.url("/")])
        #expect([60, 77].contains(devNull.status), "\(devNull.stderr)")
    }

    // MARK: - Old protocol versions and legacy cipher suites

    /// A self-signed RSA certificate for `localhost`, for RSA key exchange suites.
    static func rsaCertificate(in directory: String) throws -> (certificate: String, key: String) {
        let certificate = "\(directory)/rsa.pem"
        let key = "\(directory)/rsa.key"
        let result = try ChildProcess.runBlocking(
            "/usr/bin/openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-noenc", "-keyout", key, "-out", certificate, "-subj", "/CN=localhost", "-days", "36500"],
            timeout: .seconds(60))
        guard result.status == 0 else { throw TestSupportError("openssl req failed: \(result.stderr)") }
        return (certificate, key)
    }

    /// Whether `openssl s_client` with `arguments` completes a handshake with the server: the control
    /// that shows the server really speaks what the test says it does.
    static func opensslClientConnects(to port: Int, _ arguments: [String]) async throws -> String? {
        let result = try await ChildProcess.run(
            "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)"] + arguments, stdin: Array("Q\n".utf8),
            timeout: .seconds(20))
        return result.status == 0 ? result.stdoutText : nil
    }

    @Test(arguments: [false, true])
    func refusesAServerThatOnlySpeaksTLS11(_ insecure: Bool) async throws {
        let certificates = try TestCertificates.shared
        let server = try OpenSSLServer(
            certificatePath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath,
            arguments: ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
        let control = try await Self.opensslClientConnects(to: server.port, ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
        #expect(control?.contains("TLSv1.1") == true, "the server speaks TLS 1.1")

        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = try Self.hostileEnvironments(in: directory)["OpenSSL configuration"]
        for environment in [nil, environment] {
            let arguments = ["-s", "-S", "--cacert", certificates.caCertificatePath] + (insecure ? ["-k"] : [])
            let result = try await Self.porter(arguments + ["https://localhost:\(server.port)/"], environment: environment)
            #expect(result.status == 35, "\(result.stderr)")
            #expect(result.stderr.contains("protocol version"), "\(result.stderr)")
        }
    }

    @Test(arguments: [
        ("ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA", false),
        ("AES128-SHA256:AES128-SHA:AES256-SHA", true),
    ])
    func refusesAServerWithOnlyNonAEADSuites(_ cipherList: String, _ rsa: Bool) async throws {
        let certificates = try TestCertificates.shared
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (certificate, key) = rsa ? try Self.rsaCertificate(in: directory) : (certificates.leafChainPath, certificates.leafKeyPath)
        let server = try OpenSSLServer(certificatePath: certificate, privateKeyPath: key, arguments: ["-tls1_2", "-cipher", cipherList])
        let control = try await Self.opensslClientConnects(to: server.port, ["-tls1_2", "-cipher", cipherList])
        #expect(control != nil, "the server completes a handshake with a client that offers \(cipherList)")

        let environment = try Self.hostileEnvironments(in: directory)["OpenSSL configuration"]
        for environment in [nil, environment] {
            let result = try await Self.porter(["-s", "-S", "-k", "https://localhost:\(server.port)/"], environment: environment)
            #expect(result.status == 35, "\(result.stderr)")
            #expect(result.stderr.contains("handshake failure"), "\(result.stderr)")
        }
    }

    /// TLS 1.3 suites (all AEAD), and TLS 1.2 suites with forward secrecy and AEAD.
    static let allowedSuites: Set<UInt16> = [
        0x1301, 0x1302, 0x1303,  // TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256
        0xC02B, 0xC02C, 0xC02F, 0xC030,  // ECDHE-{ECDSA,RSA}-AES{128,256}-GCM
        0xCCA8, 0xCCA9,  // ECDHE-{RSA,ECDSA}-CHACHA20-POLY1305
        0x009E, 0x009F,  // DHE-RSA-AES{128,256}-GCM
        0x00FF,  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV, not a suite
    ]

    /// What a scripted server's threads hand back to the test.
    final class Captured: Sendable {
        let records = Mutex<[[UInt8]]>([])
    }

    @Test func offersOnlyTLS12AndLaterAndOnlyAEADSuitesWithForwardSecrecy() async throws {
        let captured = Captured()
        let server = try ScriptedServer { connection in
            let header = try connection.readBytes(count: 5)
            guard let length = TLSClientHello.recordLength(header: header) else {
                throw TestSupportError("the client did not start with a TLS handshake record")
            }
            let record = header + (try connection.readBytes(count: length - 5))
            captured.records.withLock { $0.append(record) }
            try connection.write([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
            connection.close()
        }
        for arguments in [["-s"], ["-s", "-k"]] {
            let result = try await Self.porter(arguments + ["https://localhost:\(server.port)/"])
            #expect(result.status == 35, "\(result.stderr)")
        }
        let records = captured.records.withLock { $0 }
        try #require(records.count == 2, "\(server.errors)")
        let hellos = try records.map { try TLSClientHello(record: $0) }
        for hello in hellos {
            #expect(hello.legacyVersion == 0x0303)
            let versions = hello.supportedVersions.filter { $0 & 0x0F0F != 0x0A0A }  // without GREASE
            #expect(Set(versions) == [0x0304, 0x0303], "offered versions: \(versions.map { String($0, radix: 16) })")
            let offered = Set(hello.cipherSuites)
            #expect(offered.isSubset(of: Self.allowedSuites), "not AEAD with forward secrecy: \(offered.subtracting(Self.allowedSuites).map { String($0, radix: 16) }.sorted())")
            #expect(offered.contains(0x1301) && offered.contains(0xC02B))
            #expect(hello.serverName == "localhost")
        }
        #expect(hellos[0].cipherSuites == hellos[1].cipherSuites, "-k changes what is verified, never what is offered")
    }

    // MARK: - Credentials stay with their origin

    /// A server that redirects `/start` to `location` (or `redirect` made from it) and answers the rest with 200.
    static func redirecting(to location: @escaping @Sendable () -> String, security: ScriptedServer.Security = .plain) throws -> ScriptedServer {
        try ScriptedServer(security: security) { connection in
            while let request = try connection.readRequest() {
                if request.target == "/start" {
                    try connection.write("HTTP/1.1 302 Found\r\nLocation: \(location())\r\nContent-Length: 0\r\n\r\n")
                } else {
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                }
            }
        }
    }

    @Test(arguments: [
        (["-H", "Authorization: Bearer token-123"], "Authorization"),
        (["-H", "Cookie: session=abc"], "Cookie"),
        (["-H", "Proxy-Authorization: Basic cHJveHk6cHc="], "Proxy-Authorization"),
        ([], "Authorization"),  // from the URL's user information
    ], ["127.0.0.1", "127.0.0.2"])
    func credentialsAreNotForwardedToAnotherOrigin(_ setup: ([String], String), _ targetHost: String) async throws {
        let (arguments, field) = setup
        let target = try Self.answeringOK(address: targetHost)
        let origin = try Self.redirecting(to: { "http://\(targetHost):\(target.port)/landing" })
        let url = arguments.isEmpty ? "http://\(Self.user):\(Self.secret)@127.0.0.1:\(origin.port)/start" : origin.url("/start")
        let result = try await Self.porter(["-s", "-S", "-L"] + arguments + [url])
        #expect(result.status == 0, "\(result.stderr)")
        let first = try #require(origin.requestHeads.first)
        let second = try #require(target.requestHeads.first)
        #expect(first.lowercased().contains("\n\(field.lowercased()):"), "the origin itself gets \(field)")
        #expect(!second.lowercased().contains("\n\(field.lowercased()):"), "\(targetHost):\(target.port) must not get \(field): \(second)")
    }

    @Test func credentialsStayOnARedirectWithinTheOrigin() async throws {
        let server = try Self.redirecting(to: { "/landing" })
        let result = try await Self.porter(["-s", "-S", "-L", "-H", "Cookie: session=abc", "http://\(Self.user):\(Self.secret)@127.0.0.1:\(server.port)/start"])
        #expect(result.status == 0, "\(result.stderr)")
        let heads = server.requestHeads
        try #require(heads.count == 2)
        #expect(heads[1].contains("Authorization: Basic \(Self.encodedCredentials)\r\n") && heads[1].contains("Cookie: session=abc\r\n"))
    }

    // These two describe the HTTPS→HTTP downgrade rules (a warning, and
    // --proto-redir) that land with the redirect work on another branch.
    @Test func anHTTPSToHTTPRedirectDropsCredentialsAndCookiesAndWarns() async throws {
        let plain = try Self.answeringOK()
        let secure = try Self.redirecting(to: { "http://127.0.0.1:\(plain.port)/landing" }, security: .tls(try TestCertificates.shared))
        let result = try await Self.porter([
            "-L", "-H", "Cookie: session=abc", "--cacert", try TestCertificates.shared.caCertificatePath,
            "https://\(Self.user):\(Self.secret)@127.0.0.1:\(secure.port)/start",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let head = try #require(plain.requestHeads.first)
        #expect(!head.contains("Authorization") && !head.contains("Cookie"), "\(head)")
        #expect(result.stderr.contains("warning:") && result.stderr.contains("http://"), "a downgrade is announced: \(result.stderr)")
    }

    @Test func protoRedirHTTPSRefusesADowngrade() async throws {
        let plain = try Self.answeringOK()
        let secure = try Self.redirecting(to: { "http://127.0.0.1:\(plain.port)/landing" }, security: .tls(try TestCertificates.shared))
        let result = try await Self.porter([
            "-s", "-S", "-L", "--proto-redir", "=https", "--cacert", try TestCertificates.shared.caCertificatePath, secure.url("/start"),
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(plain.acceptedConnectionCount == 0)
        let upgrade = try await Self.porter([
            "-s", "-S", "-L", "--proto-redir", "=https", "--cacert", try TestCertificates.shared.caCertificatePath, secure.url("/landing"),
        ])
        #expect(upgrade.status == 0, "https to https stays allowed: \(upgrade.stderr)")
    }

    // MARK: - Credentials are never printed

    @Test func credentialsInURLsAreNeverPrinted() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.answeringOK()
        let tlsServer = try Self.answeringOK(security: .tls(certificates))
        let other = try Self.answeringOK(address: "127.0.0.2")
        let redirector = try Self.redirecting(to: { "http://127.0.0.2:\(other.port)/next" })
        let proxy = try Self.answeringOK()
        let closedPort = try {
            let closed = try ScriptedServer.respondingAlways(with: "")
            defer { closed.stop() }
            return closed.port
        }()
        let credentials = "\(Self.user):\(Self.secret)"
        let scenarios: [(String, [String])] = [
            ("a transfer with -v", ["-v", "http://\(credentials)@127.0.0.1:\(server.port)/"]),
            ("a refused connection", ["-v", "http://\(credentials)@127.0.0.1:\(closedPort)/"]),
            ("a space in the URL", ["-v", "http://\(credentials)@exa mple.com/"]),
            ("a bad port", ["-v", "http://\(credentials)@127.0.0.1:99999/"]),
            ("an unmatched bracket", ["-v", "http://\(credentials)@[::1/"]),
            ("an unmatched bracket with -g", ["-v", "-g", "http://\(credentials)@[::1/"]),
            ("a certificate failure", ["-v", "https://\(credentials)@localhost:\(tlsServer.port)/"]),
            ("a redirect to another origin", ["-v", "-L", "http://\(credentials)@127.0.0.1:\(redirector.port)/start"]),
            ("an explicit Authorization", ["-v", "-H", "Authorization: Basic \(Self.encodedCredentials)", server.url("/")]),
            ("a proxy with credentials", ["-v", "-x", "http://\(credentials)@127.0.0.1:\(proxy.port)", "http://origin.test/"]),
            ("a malformed proxy", ["-v", "-x", "http://\(credentials)@pro xy/", server.url("/")]),
            ("the write-out", ["-s", "-w", "%{url} %{url_effective}\n", "http://\(credentials)@127.0.0.1:\(server.port)/"]),
        ]
        for (label, arguments) in scenarios {
            let result = try await Self.porter(arguments)
            let printed = result.stdoutText + result.stderr
            #expect(!printed.contains(Self.secret), "\(label) printed the password: \(printed)")
            #expect(!printed.contains(Self.encodedCredentials), "\(label) printed the encoded credentials: \(printed)")
        }
        #expect(server.requestHeads.first?.contains("Authorization: Basic \(Self.encodedCredentials)\r\n") == true, "the credentials are still sent")
    }

    // MARK: - Hostile input never reaches the wire

    @Test(arguments: ["/a\r\nX-Injected: 1", "/a?q=1\nX-Injected: 1", "/a\tb", "/a?b\u{7F}", "/a b", "/a?b=\u{1B}"])
    func controlBytesInTheURLAreRefusedWithTheirPosition(_ path: String) async throws {
        let server = try Self.answeringOK()
        let url = "http://127.0.0.1:\(server.port)\(path)"
        let position = try #require(Array(url.utf8).firstIndex { $0 <= 0x20 || $0 == 0x7F }) + 1
        let result = try await Self.porter(["-s", "-S", url])
        #expect(result.status == 3, "\(result.stderr.debugDescription)")
        #expect(result.stderr.contains("position \(position)"), "\(result.stderr.debugDescription)")
        #expect(server.acceptedConnectionCount == 0)
    }

    @Test(arguments: [
        ("http://127.0.0.1:80a/", "port \"80a\""),
        ("http://ho^st/", "character not allowed in a host name at position 10"),
        ("http:///path", "no host name (position 8)"),
        ("1http://h/", "malformed scheme at position 1"),
        ("http://[::1/", "IPv6 address without a closing ] at position 8"),
        ("http://h/{a", "unmatched {"),
        ("http://h/\u{01}", "control character (0x1) at position 10"),
    ])
    func malformedURLsAre3(_ url: String, _ message: String) async throws {
        let result = try await Self.porter(["-s", "-S", url])
        #expect(result.status == 3, "\(result.stderr.debugDescription)")
        #expect(result.stderr.contains(message), "\(result.stderr.debugDescription)")
    }

    @Test func aLongURLStillWorksBelowTheLimit() async throws {
        // 100 KB fits in one argument; the 8 MB limit is checked in the library's tests.
        let server = try Self.answeringOK()
        let path = "/" + String(repeating: "a", count: 100_000)
        let result = try await Self.porter(["-s", "-S", server.url(path)])
        #expect(result.status == 0, "\(result.stderr.prefix(300))")
        #expect(server.requestHeads.first?.hasPrefix("GET \(path) HTTP/1.1\r\n") == true)
    }

    @Test(arguments: [
        ("/a\u{0}b", Int32(8), "NUL"),
        ("/a\rX-Injected: 1", 8, "carriage return"),
        ("/a\u{7F}b", 3, "0x7f"),
        ("/a\u{1B}b", 3, "0x1b"),
        ("/a\tb", 3, "0x9"),
    ])
    func controlBytesInARedirectLocationAreNotFollowed(_ location: String, _ status: Int32, _ message: String) async throws {
        let server = try Self.redirecting(to: { location })
        let result = try await Self.porter(["-s", "-S", "-L", server.url("/start")])
        #expect(result.status == status, "\(result.stderr.debugDescription)")
        #expect(result.stderr.contains(message), "\(result.stderr.debugDescription)")
        #expect(server.requestHeads.count == 1, "only the first request was sent: \(server.requestHeads)")
    }

    @Test func percentEncodedLineBreaksInALocationStayEncoded() async throws {
        let server = try Self.redirecting(to: { "/%0d%0aX-Injected:%20yes?q=%00" })
        let result = try await Self.porter(["-s", "-S", "-L", server.url("/start")])
        #expect(result.status == 0, "\(result.stderr)")
        let heads = server.requestHeads
        try #require(heads.count == 2)
        #expect(heads[1].hasPrefix("GET /%0d%0aX-Injected:%20yes?q=%00 HTTP/1.1\r\n"))
        #expect(!heads[1].contains("\nX-Injected"))
    }
}
