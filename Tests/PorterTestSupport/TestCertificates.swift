internal import Foundation
import Synchronization

/// A throwaway public-key infrastructure made at test time with the
/// `openssl` command-line tool, in a fresh temporary directory.
///
/// Contents (all keys are P-256, all signatures ECDSA with SHA-256, all
/// files PEM):
/// - a root CA, "Porter Test Root CA", valid 2020-01-01 to 2100-01-01;
/// - a server leaf for `localhost`, signed by that root, with
///   `subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1`,
///   `extendedKeyUsage = serverAuth`, `basicConstraints = critical, CA:FALSE`,
///   valid 2020-01-01 to 2100-01-01;
/// - the same kind of leaf but expired: valid 2020-01-01 00:00:00 to
///   2020-12-31 23:59:59 UTC;
/// - a leaf signed by the root whose only name is `wrong.host.example`, for
///   host-name mismatch tests;
/// - an unrelated second root, "Porter Test Other CA", for tests where the
///   client trusts the wrong CA.
///
/// The value is immutable and `Sendable`; the files are never rewritten, so
/// any number of tests and servers may read them at once. Making a set takes
/// about a tenth of a second: use ``shared`` unless a test needs its own.
public struct TestCertificates: Sendable {
    /// The directory holding every file below.
    public let directory: String
    /// The root CA's certificate: what a client passes as `--cacert`.
    public let caCertificatePath: String
    /// The root CA's private key, for tests that sign more certificates.
    public let caKeyPath: String
    /// The `localhost` server certificate alone.
    public let leafCertificatePath: String
    /// The private key of ``leafCertificatePath``.
    public let leafKeyPath: String
    /// The server's full chain: the leaf followed by the root CA, as a
    /// server configured with a "fullchain" file sends it.
    public let leafChainPath: String
    /// A root CA that signed none of these certificates.
    public let otherCACertificatePath: String
    /// A `localhost` server certificate signed by the root that expired on
    /// 2020-12-31 23:59:59 UTC.
    public let expiredLeafCertificatePath: String
    /// The private key of ``expiredLeafCertificatePath``.
    public let expiredLeafKeyPath: String
    /// A server certificate signed by the root for `wrong.host.example` only.
    public let wrongHostLeafCertificatePath: String
    /// The private key of ``wrongHostLeafCertificatePath``.
    public let wrongHostLeafKeyPath: String

    /// The leaf's names, as written into its `subjectAltName`.
    public static let leafSubjectAlternativeNames = "DNS:localhost, IP:127.0.0.1, IP:::1"

    private static let cache = Mutex<TestCertificates?>(nil)

    /// One set of certificates for the whole test process, made on first use.
    ///
    /// Thread-safe: concurrent first callers wait for the one that makes it.
    /// A failed attempt is not remembered, so the next caller tries again.
    /// The directory is removed when the process exits.
    public static var shared: TestCertificates {
        get throws {
            try cache.withLock { cached in
                if let cached {
                    return cached
                }
                let made = try make()
                TemporaryDirectory.removeAtExit(made.directory)
                cached = made
                return made
            }
        }
    }

    /// Makes a new set of certificates in a new temporary directory, which
    /// the caller owns (see ``removeDirectory()``).
    ///
    /// - Throws: ``TestSupportError`` when `openssl` is missing or fails,
    ///   quoting its standard error.
    public static func make() throws -> TestCertificates {
        let directory = try TemporaryDirectory.make(prefix: "porter-pki")
        do {
            return try Issuer(directory: directory).issueAll()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Deletes ``directory`` and every file in it. Never call this on
    /// ``shared``.
    public func removeDirectory() throws {
        try FileManager.default.removeItem(atPath: directory)
    }
}

// MARK: - Issuing with the openssl tool

/// Drives `openssl req` and `openssl ca` in one directory.
///
/// Every certificate is issued by `openssl ca`, because it alone (in
/// OpenSSL 3.0) takes explicit `-startdate`/`-enddate`: the expired leaf
/// needs fixed past dates, and fixed dates everywhere keep the set
/// independent of the clock.
private struct Issuer {
    let directory: String
    let openssl: String

    static let validFrom = "20200101000000Z"
    static let validUntil = "21000101000000Z"
    static let expiredUntil = "20201231235959Z"

    init(directory: String) throws {
        self.directory = directory
        self.openssl = try SystemTool.openssl()
    }

    func issueAll() throws -> TestCertificates {
        try FileManager.default.createDirectory(
            atPath: "\(directory)/issued", withIntermediateDirectories: false)
        try Self.configuration.write(toFile: "\(directory)/pki.cnf", atomically: true, encoding: .utf8)
        try "".write(toFile: "\(directory)/index.txt", atomically: true, encoding: .utf8)
        // A random starting serial, so two sets never share issuer and serial.
        let serial = String(UInt64.random(in: 1 << 60..<1 << 62), radix: 16, uppercase: true)
        try "\(serial)\n".write(toFile: "\(directory)/serial.txt", atomically: true, encoding: .utf8)

        try request("ca", subject: "/CN=Porter Test Root CA")
        try sign("ca", selfSigned: true, extensions: "ca_extensions", until: Self.validUntil)

        try request("other-ca", subject: "/CN=Porter Test Other CA")
        try sign("other-ca", selfSigned: true, extensions: "ca_extensions", until: Self.validUntil)

        try request("leaf", subject: "/CN=localhost")
        try sign("leaf", extensions: "leaf_extensions", until: Self.validUntil)

        try request("expired-leaf", subject: "/CN=localhost")
        try sign("expired-leaf", extensions: "leaf_extensions", until: Self.expiredUntil)

        try request("wrong-host-leaf", subject: "/CN=wrong.host.example")
        try sign("wrong-host-leaf", extensions: "wrong_host_extensions", until: Self.validUntil)

        let leaf = try String(contentsOfFile: "\(directory)/leaf.pem", encoding: .utf8)
        let root = try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8)
        try (leaf + root).write(toFile: "\(directory)/leaf-fullchain.pem", atomically: true, encoding: .utf8)

        return TestCertificates(
            directory: directory,
            caCertificatePath: "\(directory)/ca.pem",
            caKeyPath: "\(directory)/ca.key",
            leafCertificatePath: "\(directory)/leaf.pem",
            leafKeyPath: "\(directory)/leaf.key",
            leafChainPath: "\(directory)/leaf-fullchain.pem",
            otherCACertificatePath: "\(directory)/other-ca.pem",
            expiredLeafCertificatePath: "\(directory)/expired-leaf.pem",
            expiredLeafKeyPath: "\(directory)/expired-leaf.key",
            wrongHostLeafCertificatePath: "\(directory)/wrong-host-leaf.pem",
            wrongHostLeafKeyPath: "\(directory)/wrong-host-leaf.key")
    }

    /// Makes `<name>.key` and the signing request `<name>.csr`.
    private func request(_ name: String, subject: String) throws {
        try run([
            "req", "-config", "pki.cnf", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-noenc", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
        ])
    }

    /// Turns `<name>.csr` into `<name>.pem`, signed by `ca.key` or by its own key.
    private func sign(_ name: String, selfSigned: Bool = false, extensions: String, until endDate: String) throws {
        let issuer = selfSigned ? ["-selfsign", "-keyfile", "\(name).key"] : ["-cert", "ca.pem", "-keyfile", "ca.key"]
        try run(
            ["ca", "-batch", "-config", "pki.cnf", "-notext", "-in", "\(name).csr", "-out", "\(name).pem"]
                + issuer
                + ["-extensions", extensions, "-startdate", Self.validFrom, "-enddate", endDate])
    }

    private func run(_ arguments: [String]) throws {
        let result = try ChildProcess.runBlocking(
            openssl, arguments, environment: ["OPENSSL_CONF": "\(directory)/pki.cnf"],
            workingDirectory: directory, timeout: .seconds(30))
        guard result.status == 0 else {
            throw TestSupportError(
                "openssl \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.stderr)")
        }
    }

    static let configuration = """
        # Written by PorterTestSupport.TestCertificates.
        [ req ]
        distinguished_name = request_name
        prompt = no

        [ request_name ]
        CN = unused

        [ ca_extensions ]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash

        [ leaf_extensions ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = \(TestCertificates.leafSubjectAlternativeNames)
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ wrong_host_extensions ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:wrong.host.example
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ ca ]
        default_ca = test_ca

        [ test_ca ]
        database = index.txt
        new_certs_dir = issued
        serial = serial.txt
        default_md = sha256
        policy = any_name
        unique_subject = no
        copy_extensions = none
        email_in_dn = no

        [ any_name ]
        commonName = supplied

        """
}
