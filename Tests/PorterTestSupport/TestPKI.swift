internal import Foundation

/// The one builder of the tests' throwaway certificates: drives `openssl req`
/// and `openssl ca` in one directory, with the extension sections of a given
/// configuration. ``TestCertificates`` (the `localhost` set),
/// ``ScenarioCertificates`` (the live scenarios) and the offline verification
/// set are all made with it.
///
/// Every certificate is issued by `openssl ca`, because it alone (in
/// OpenSSL 3.0) takes explicit `-startdate`/`-enddate`: fixed dates keep a set
/// independent of the clock, and expired certificates have fixed past dates.
/// Keys are P-256 unless asked otherwise. Used by one thread at a time.
public final class TestPKI {
    /// The directory holding `pki.cnf`, the CA database and every `NAME.pem` / `NAME.key`.
    public let directory: String
    private let openssl: String
    /// The names issued so far, in order.
    public private(set) var issued: [String] = []

    /// The usual validity of a set: 2020-01-01 to 2100-01-01.
    public static let validFrom = "20200101000000Z"
    public static let validUntil = "21000101000000Z"

    /// Prepares `directory` (which must exist) with `extensions`, the extension
    /// sections certificates name when issued, under a common `[req]` and `[ca]`
    /// configuration.
    public init(directory: String, extensions: String) throws {
        self.directory = directory
        openssl = try SystemTool.openssl()
        try FileManager.default.createDirectory(atPath: "\(directory)/issued", withIntermediateDirectories: true)
        try (Self.commonConfiguration + extensions).write(toFile: "\(directory)/pki.cnf", atomically: true, encoding: .utf8)
        try "".write(toFile: "\(directory)/index.txt", atomically: true, encoding: .utf8)
        // A random starting serial, so two sets never share issuer and serial.
        let serial = String(UInt64.random(in: 1 << 60..<1 << 62), radix: 16, uppercase: true)
        try "\(serial)\n".write(toFile: "\(directory)/serial.txt", atomically: true, encoding: .utf8)
    }

    /// Issues `NAME.pem` with a new `NAME.key`, signed by `issuer` (a name issued
    /// before) or by itself; with an issuer, also writes `NAME-chain.pem` (the
    /// certificate, then its issuer's).
    public func issue(
        _ name: String, subject: String, extensions: String, issuer: String?,
        from start: String = TestPKI.validFrom, until end: String = TestPKI.validUntil,
        digest: String = "sha256", key: [String] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    ) throws {
        try run(["req", "-config", "pki.cnf", "-new"] + key + ["-noenc", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(subject)"])
        let signer = issuer.map { ["-cert", "\($0).pem", "-keyfile", "\($0).key"] } ?? ["-selfsign", "-keyfile", "\(name).key"]
        try run(["ca", "-batch", "-config", "pki.cnf", "-notext", "-md", digest, "-in", "\(name).csr", "-out", "\(name).pem"]
                + signer + ["-extensions", extensions, "-startdate", start, "-enddate", end])
        if let issuer { try concatenate([name, issuer], into: "\(name)-chain.pem") }
        issued.append(name)
    }

    /// Writes the PEM certificates `names`, in order, into one file.
    public func concatenate(_ names: [String], into file: String) throws {
        let text = try names.map { try pem($0) }.joined()
        try text.write(toFile: "\(directory)/\(file)", atomically: true, encoding: .utf8)
    }

    /// The PEM text of `NAME.pem`.
    public func pem(_ name: String) throws -> String {
        try String(contentsOfFile: "\(directory)/\(name).pem", encoding: .utf8)
    }

    /// Runs `openssl` with `arguments` in the directory, with its configuration.
    public func run(_ arguments: [String]) throws {
        let result = try ChildProcess.runBlocking(
            openssl, arguments, environment: ["OPENSSL_CONF": "\(directory)/pki.cnf"],
            workingDirectory: directory, timeout: .seconds(30))
        guard result.status == 0 else {
            throw TestSupportError("openssl \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.stderr)")
        }
    }

    private static let commonConfiguration = """
        # Written by PorterTestSupport.TestPKI.
        [ req ]
        distinguished_name = request_name
        prompt = no

        [ request_name ]
        CN = unused

        [ ca ]
        default_ca = test_ca

        [ test_ca ]
        database = index.txt
        new_certs_dir = issued
        serial = serial.txt
        default_md = sha256
        default_crl_days = 30
        policy = any_name
        unique_subject = no
        copy_extensions = none
        email_in_dn = no

        [ any_name ]
        commonName = supplied


        """
}
