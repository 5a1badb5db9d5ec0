internal import Foundation
import Synchronization

/// A throwaway PKI for live certificate scenarios (`porter cert` against a
/// server), made at test time with the `openssl` tool; unlike an offline
/// set, every key, chain file and stapled OCSP response stays on disk until
/// the process exits, for servers to load.
///
/// Keys are P-256 and signatures ECDSA with SHA-256 unless a scenario needs
/// otherwise; validity dates are fixed (2020–2100) except where a scenario
/// is about them:
/// - `root` "Scenario Root CA", `otherRoot` "Scenario Other Root";
/// - `intermediate` "Scenario Intermediate CA" (pathlen 0) and `constrained`
///   "Scenario Constrained CA" (permitted DNS example.com) under `root`;
/// - leaves under `intermediate`: `good` (www.example.com, example.com,
///   127.0.0.1), `wildcard` (*.example.com), `expired` (until
///   2020-12-31T23:59:59Z), `notYetValid` (from 2099-01-01), `sha1`
///   (ECDSA-SHA1), `rsa1024`, `revoked` (www.example.com, revoked for
///   keyCompromise), `client` (clientAuth, "Scenario Client");
/// - `outside` (www.example.org) under `constrained`; `selfSigned` (self.example.com).
///
/// Files: `NAME.pem`, `NAME.key`, `NAME-chain.pem` (the leaf and its issuing
/// CA, as a server sends them), `good-fullchain.pem` (leaf, intermediate and
/// root), `NAME-ocsp.der` for `good` and `revoked`
/// (signed by the intermediate, valid 7 days from creation).
public struct ScenarioCertificates: Sendable {
    /// The directory holding the files.
    public let directory: String

    /// `DIRECTORY/NAME.pem`.
    public func certificate(_ name: String) -> String { "\(directory)/\(name).pem" }
    /// `DIRECTORY/NAME.key`.
    public func key(_ name: String) -> String { "\(directory)/\(name).key" }
    /// `DIRECTORY/NAME-chain.pem`: the leaf followed by its issuing CA.
    public func chain(_ name: String) -> String { "\(directory)/\(name)-chain.pem" }
    /// `DIRECTORY/NAME-ocsp.der`, the OCSP response for `good` or `revoked`.
    public func ocspResponse(_ name: String) -> String { "\(directory)/\(name)-ocsp.der" }

    private static let cache = Mutex<ScenarioCertificates?>(nil)

    /// One set for the whole test process, made on first use and removed at exit.
    public static var shared: ScenarioCertificates {
        get throws {
            try cache.withLock { cached in
                if let cached { return cached }
                let directory = try TemporaryDirectory.make(prefix: "porter-cert-scenarios")
                do {
                    let made = try make(in: directory)
                    TemporaryDirectory.removeAtExit(directory)
                    cached = made
                    return made
                } catch {
                    try? FileManager.default.removeItem(atPath: directory)
                    throw error
                }
            }
        }
    }

    private static func make(in directory: String) throws -> ScenarioCertificates {
        let openssl = try SystemTool.openssl()
        try FileManager.default.createDirectory(atPath: "\(directory)/issued", withIntermediateDirectories: false)
        try configuration.write(toFile: "\(directory)/pki.cnf", atomically: true, encoding: .utf8)
        try "".write(toFile: "\(directory)/index.txt", atomically: true, encoding: .utf8)
        let serial = String(UInt64.random(in: 1 << 60..<1 << 62), radix: 16, uppercase: true)
        try "\(serial)\n".write(toFile: "\(directory)/serial.txt", atomically: true, encoding: .utf8)

        func run(_ arguments: [String]) throws {
            let result = try ChildProcess.runBlocking(
                openssl, arguments, environment: ["OPENSSL_CONF": "\(directory)/pki.cnf"],
                workingDirectory: directory, timeout: .seconds(30))
            guard result.status == 0 else {
                throw TestSupportError("openssl \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.stderr)")
            }
        }
        func issue(
            _ name: String, subject: String, extensions: String, issuer: String?,
            from start: String = "20200101000000Z", until end: String = "21000101000000Z",
            digest: String = "sha256", key: [String] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        ) throws {
            try run(["req", "-config", "pki.cnf", "-new"] + key + ["-noenc", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(subject)"])
            let signer = issuer.map { ["-cert", "\($0).pem", "-keyfile", "\($0).key"] } ?? ["-selfsign", "-keyfile", "\(name).key"]
            try run(["ca", "-batch", "-config", "pki.cnf", "-notext", "-md", digest, "-in", "\(name).csr", "-out", "\(name).pem"]
                    + signer + ["-extensions", extensions, "-startdate", start, "-enddate", end])
            if let issuer {
                let leaf = try String(contentsOfFile: "\(directory)/\(name).pem", encoding: .utf8)
                let ca = try String(contentsOfFile: "\(directory)/\(issuer).pem", encoding: .utf8)
                try (leaf + ca).write(toFile: "\(directory)/\(name)-chain.pem", atomically: true, encoding: .utf8)
            }
        }

        try issue("root", subject: "Scenario Root CA", extensions: "root_ext", issuer: nil)
        try issue("otherRoot", subject: "Scenario Other Root", extensions: "root_ext", issuer: nil)
        try issue("intermediate", subject: "Scenario Intermediate CA", extensions: "intermediate_ext", issuer: "root")
        try issue("constrained", subject: "Scenario Constrained CA", extensions: "constrained_ext", issuer: "root")
        try issue("good", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate")
        try issue("wildcard", subject: "*.example.com", extensions: "wildcard_ext", issuer: "intermediate")
        try issue("expired", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate",
                  from: "20200101000000Z", until: "20201231235959Z")
        try issue("notYetValid", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate",
                  from: "20990101000000Z", until: "21000101000000Z")
        try issue("sha1", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate", digest: "sha1")
        try issue("rsa1024", subject: "www.example.com", extensions: "rsa_ext", issuer: "intermediate", key: ["-newkey", "rsa:1024"])
        try issue("revoked", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate")
        try issue("client", subject: "Scenario Client", extensions: "client_ext", issuer: "intermediate")
        try issue("outside", subject: "www.example.org", extensions: "outside_ext", issuer: "constrained")
        try issue("selfSigned", subject: "self.example.com", extensions: "self_ext", issuer: nil)

        let good = try String(contentsOfFile: "\(directory)/good-chain.pem", encoding: .utf8)
        let root = try String(contentsOfFile: "\(directory)/root.pem", encoding: .utf8)
        try (good + root).write(toFile: "\(directory)/good-fullchain.pem", atomically: true, encoding: .utf8)

        try run(["ca", "-batch", "-config", "pki.cnf", "-revoke", "revoked.pem", "-crl_reason", "keyCompromise",
                 "-cert", "intermediate.pem", "-keyfile", "intermediate.key"])
        for name in ["good", "revoked"] {
            try run(["ocsp", "-index", "index.txt", "-CA", "intermediate.pem", "-rsigner", "intermediate.pem",
                     "-rkey", "intermediate.key", "-issuer", "intermediate.pem", "-cert", "\(name).pem",
                     "-respout", "\(name)-ocsp.der", "-ndays", "7"])
        }
        return ScenarioCertificates(directory: directory)
    }

    static let configuration = """
        # Written by PorterTestSupport.ScenarioCertificates.
        [ req ]
        distinguished_name = request_name
        prompt = no

        [ request_name ]
        CN = unused

        [ root_ext ]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash

        [ intermediate_ext ]
        basicConstraints = critical, CA:TRUE, pathlen:0
        keyUsage = critical, keyCertSign, cRLSign, digitalSignature
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ constrained_ext ]
        basicConstraints = critical, CA:TRUE, pathlen:0
        keyUsage = critical, keyCertSign, cRLSign
        nameConstraints = critical, permitted;DNS:example.com
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ good_ext ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:www.example.com, DNS:example.com, IP:127.0.0.1
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ rsa_ext ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:www.example.com, DNS:example.com, IP:127.0.0.1
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ wildcard_ext ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:*.example.com
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ client_ext ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ outside_ext ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:www.example.org
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        [ self_ext ]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:self.example.com
        subjectKeyIdentifier = hash

        [ ca ]
        default_ca = scenario_ca

        [ scenario_ca ]
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
