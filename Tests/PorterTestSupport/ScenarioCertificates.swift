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
///   keyCompromise), `client` (clientAuth, "Scenario Client"), `clientOnly`
///   (www.example.com, but clientAuth only);
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
    /// `DIRECTORY/crls.pem`: the intermediate's CRL (which lists `revoked`) and the root's.
    public var revocationLists: String { "\(directory)/crls.pem" }
    /// `DIRECTORY/intermediate-crl.pem`: the intermediate's CRL alone.
    public var intermediateRevocationList: String { "\(directory)/intermediate-crl.pem" }
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
        let pki = try TestPKI(directory: directory, extensions: extensions)
        try pki.issue("root", subject: "Scenario Root CA", extensions: "root_ext", issuer: nil)
        try pki.issue("otherRoot", subject: "Scenario Other Root", extensions: "root_ext", issuer: nil)
        try pki.issue("intermediate", subject: "Scenario Intermediate CA", extensions: "intermediate_ext", issuer: "root")
        try pki.issue("constrained", subject: "Scenario Constrained CA", extensions: "constrained_ext", issuer: "root")
        try pki.issue("good", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate")
        try pki.issue("wildcard", subject: "*.example.com", extensions: "wildcard_ext", issuer: "intermediate")
        try pki.issue("expired", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate",
                      from: "20200101000000Z", until: "20201231235959Z")
        try pki.issue("notYetValid", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate",
                      from: "20990101000000Z", until: "21000101000000Z")
        try pki.issue("sha1", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate", digest: "sha1")
        try pki.issue("rsa1024", subject: "www.example.com", extensions: "rsa_ext", issuer: "intermediate", key: ["-newkey", "rsa:1024"])
        try pki.issue("revoked", subject: "www.example.com", extensions: "good_ext", issuer: "intermediate")
        try pki.issue("client", subject: "Scenario Client", extensions: "client_ext", issuer: "intermediate")
        try pki.issue("clientOnly", subject: "www.example.com", extensions: "client_only_ext", issuer: "intermediate")
        try pki.issue("outside", subject: "www.example.org", extensions: "outside_ext", issuer: "constrained")
        try pki.issue("selfSigned", subject: "self.example.com", extensions: "self_ext", issuer: nil)

        try pki.concatenate(["good", "intermediate", "root"], into: "good-fullchain.pem")

        try pki.run(["ca", "-batch", "-config", "pki.cnf", "-revoke", "revoked.pem", "-crl_reason", "keyCompromise",
                 "-cert", "intermediate.pem", "-keyfile", "intermediate.key"])
        // Revocation lists for --crlfile: the intermediate's (listing `revoked`) and the root's.
        try pki.run(["ca", "-batch", "-config", "pki.cnf", "-gencrl", "-cert", "intermediate.pem", "-keyfile", "intermediate.key", "-out", "intermediate-crl.pem"])
        try pki.run(["ca", "-batch", "-config", "pki.cnf", "-gencrl", "-cert", "root.pem", "-keyfile", "root.key", "-out", "root-crl.pem"])
        try pki.concatenate(["intermediate-crl", "root-crl"], into: "crls.pem")
        for name in ["good", "revoked"] {
            try pki.run(["ocsp", "-index", "index.txt", "-CA", "intermediate.pem", "-rsigner", "intermediate.pem",
                     "-rkey", "intermediate.key", "-issuer", "intermediate.pem", "-cert", "\(name).pem",
                     "-respout", "\(name)-ocsp.der", "-ndays", "7"])
        }
        return ScenarioCertificates(directory: directory)
    }

    static let extensions = CertificateProfile.configuration([
        .authority("root_ext", root: true),
        .authority("intermediate_ext", pathLength: 0, signs: true),
        .authority("constrained_ext", pathLength: 0, permittedDNS: "example.com"),
        .leaf("good_ext", names: "DNS:www.example.com, DNS:example.com, IP:127.0.0.1"),
        .leaf("rsa_ext", names: "DNS:www.example.com, DNS:example.com, IP:127.0.0.1", keyEncipherment: true),
        .leaf("wildcard_ext", names: "DNS:*.example.com"),
        .leaf("client_ext", names: nil, usage: "clientAuth"),
        .leaf("client_only_ext", names: "DNS:www.example.com", usage: "clientAuth"),
        .leaf("outside_ext", names: "DNS:www.example.org"),
        .leaf("self_ext", names: "DNS:self.example.com", selfIssued: true),
    ])
}
