import Foundation
import PorterCore
import PorterTestSupport
import Synchronization

/// A throwaway PKI for verification scenarios, made with the `openssl` tool
/// in a temporary directory that is removed as soon as the files are read.
///
/// Keys are P-256 and signatures ECDSA with SHA-256 unless a scenario needs
/// otherwise; every date is fixed (`openssl ca -startdate/-enddate`), so the
/// set does not depend on the clock:
/// - `root` "Scenario Root CA" and `otherRoot` "Scenario Other Root", 2020–2100;
/// - `intermediate` "Scenario Intermediate CA" (pathlen 0) and `constrained`
///   "Scenario Constrained CA" (permitted DNS example.com), both under `root`;
/// - leaves under `intermediate`: `good` (www.example.com, example.com,
///   192.0.2.10), `wildcard` (*.example.com), `expired` (until 2020-12-31T23:59:59Z),
///   `notYetValid` (from 2099-01-01), `sha1` (signed with ECDSA-SHA1),
///   `rsa1024`, `clientOnly` (EKU clientAuth);
/// - `outside` (www.example.org) under `constrained`; `selfSigned` (self.example.com).
struct ScenarioPKI: Sendable {
    /// Every certificate by name, as PEM text.
    let pem: [String: String]

    func certificate(_ name: String) throws -> Certificate {
        guard let text = pem[name] else { throw ScenarioError("no certificate named \(name)") }
        return try Certificate(pem: text)
    }

    struct ScenarioError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private static let cache = Mutex<ScenarioPKI?>(nil)

    /// One PKI for the whole test process, made on first use.
    static var shared: ScenarioPKI {
        get throws {
            try cache.withLock { cached in
                if let cached { return cached }
                let made = try make()
                cached = made
                return made
            }
        }
    }

    static func make() throws -> ScenarioPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porter-scenarios-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(directory)/issued", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let maker = Maker(directory: directory)
        try maker.prepare()

        try maker.issue("root", subject: "Scenario Root CA", extensions: "root_ext", issuer: nil)
        try maker.issue("otherRoot", subject: "Scenario Other Root", extensions: "root_ext", issuer: nil)
        try maker.issue("intermediate", subject: "Scenario Intermediate CA", extensions: "intermediate_ext", issuer: "root")
        try maker.issue("constrained", subject: "Scenario Constrained CA", extensions: "constrained_ext", issuer: "root")
        try maker.issue("good", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate")
        try maker.issue("wildcard", subject: "*.example.com", extensions: "wildcard_ext", issuer: "intermediate")
        try maker.issue("expired", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate",
                        from: "20200101000000Z", until: "20201231235959Z")
        try maker.issue("notYetValid", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate",
                        from: "20990101000000Z", until: "21000101000000Z")
        try maker.issue("sha1", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate", digest: "sha1")
        try maker.issue("rsa1024", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate", key: ["-newkey", "rsa:1024"])
        try maker.issue("clientOnly", subject: "www.example.com", extensions: "client_ext", issuer: "intermediate")
        try maker.issue("outside", subject: "www.example.org", extensions: "outside_ext", issuer: "constrained")
        try maker.issue("selfSigned", subject: "self.example.com", extensions: "self_ext", issuer: nil)

        var pem: [String: String] = [:]
        for name in maker.issued {
            pem[name] = try String(contentsOfFile: "\(directory)/\(name).pem", encoding: .utf8)
        }
        return ScenarioPKI(pem: pem)
    }

    /// Drives `openssl req` and `openssl ca` in one directory.
    private final class Maker {
        let directory: String
        private(set) var issued: [String] = []

        init(directory: String) { self.directory = directory }

        func prepare() throws {
            try Self.configuration.write(toFile: "\(directory)/pki.cnf", atomically: true, encoding: .utf8)
            try "".write(toFile: "\(directory)/index.txt", atomically: true, encoding: .utf8)
            let serial = String(UInt64.random(in: 1 << 60..<1 << 62), radix: 16, uppercase: true)
            try "\(serial)\n".write(toFile: "\(directory)/serial.txt", atomically: true, encoding: .utf8)
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
            issued.append(name)
        }

        private func run(_ arguments: [String]) throws {
            let result = try ChildProcess.runBlocking(
                "/usr/bin/openssl", arguments, environment: ["OPENSSL_CONF": "\(directory)/pki.cnf"],
                workingDirectory: directory, timeout: .seconds(30))
            guard result.status == 0 else {
                throw ScenarioError("openssl \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.stderr)")
            }
        }

        static let configuration = """
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
            keyUsage = critical, keyCertSign, cRLSign
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
            subjectAltName = DNS:www.example.com, DNS:example.com, IP:192.0.2.10
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
            subjectAltName = DNS:www.example.com
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
            policy = any_name
            unique_subject = no
            copy_extensions = none
            email_in_dn = no

            [ any_name ]
            commonName = supplied

            """
    }
}
