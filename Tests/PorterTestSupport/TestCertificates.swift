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
            return try Issuer.issueAll(in: directory)
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

// MARK: - Issuing

/// Issues the set with ``TestPKI``.
private enum Issuer {
    static func issueAll(in directory: String) throws -> TestCertificates {
        let pki = try TestPKI(directory: directory, extensions: extensions)
        try pki.issue("ca", subject: "Porter Test Root CA", extensions: "ca_extensions", issuer: nil)
        try pki.issue("other-ca", subject: "Porter Test Other CA", extensions: "ca_extensions", issuer: nil)
        try pki.issue("leaf", subject: "localhost", extensions: "leaf_extensions", issuer: "ca")
        try pki.issue("expired-leaf", subject: "localhost", extensions: "leaf_extensions", issuer: "ca", until: "20201231235959Z")
        try pki.issue("wrong-host-leaf", subject: "wrong.host.example", extensions: "wrong_host_extensions", issuer: "ca")
        try pki.concatenate(["leaf", "ca"], into: "leaf-fullchain.pem")

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

    static let extensions = CertificateProfile.configuration([
        .authority("ca_extensions", root: true),
        .leaf("leaf_extensions", names: TestCertificates.leafSubjectAlternativeNames),
        .leaf("wrong_host_extensions", names: "DNS:wrong.host.example"),
    ])
}
