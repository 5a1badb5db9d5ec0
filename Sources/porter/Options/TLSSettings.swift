import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// What a TLS connection trusts and offers, as the transfer command line and the `cert` and
/// `compare` subcommands both give it: one meaning, one check and one help text for each of
/// `--cacert`, `--capath`, `-k`, `--cert`, `--key` and `--pinnedpubkey`.
struct TLSSettings: Sendable {
    var caFile: String?
    var caDirectory: String?
    var insecure = false
    var clientCertificateFile: String?
    var clientKeyFile: String?
    var pinnedPublicKey: String?
    /// `--tlsv1.2`, `--tlsv1.3`: the oldest version to accept.
    var minimumVersion: TLSConfiguration.ProtocolVersion?
    /// `--tls-max`: the newest version to offer.
    var maximumVersion: TLSConfiguration.ProtocolVersion?
    /// `--ciphers`: OpenSSL's cipher list for TLS 1.2.
    var cipherList: String?
    /// `--tls13-ciphers`: OpenSSL's cipher suites for TLS 1.3.
    var cipherSuites: String?
    /// `--curves`: the key exchange groups to offer.
    var groups: String?
    /// `--cert-status`: the server must staple a good OCSP response.
    var requiresCertificateStatus = false
    /// `--crlfile`: revocation lists for the chain.
    var crlFile: String?
    /// `--no-alpn`, `--no-sessionid`, `--sigalgs`, `--pass`.
    var offersALPN = true
    var resumesSessions = true
    var signatureAlgorithms: String?
    var keyPassphrase: String?

    /// The help text of each shared option, for the option table and for swift-argument-parser.
    enum Help {
        static let caFile = "Trust the CA certificates in this PEM file instead of the system store."
        static let caDirectory = "Trust the CA certificates in this hashed directory instead of the system store."
        static let insecure = "Do not verify the server's certificate (unsafe)."
        static let clientCertificate = "Offer this client certificate (PEM, optionally followed by its intermediates) when the server asks for one."
        static let clientKey = "The private key (PEM) of --cert, if it is not in the certificate file."
        static let pinnedPublicKey = "The server's public key must be one of these: sha256//<base64>[;sha256//<base64>...], or a public key file."
    }

    /// Checks the settings together; warns (through `warn`) of a private key others may read.
    func validate(warn: (String) -> Void) throws(UsageError) {
        for path in [caFile, caDirectory].compactMap({ $0 }) where path.isEmpty {
            throw UsageError("--cacert and --capath need a path")
        }
        if clientKeyFile != nil && clientCertificateFile == nil {
            throw UsageError("--key needs --cert")
        }
        if let pinnedPublicKey {
            do {
                _ = try PinnedPublicKeys(parsing: pinnedPublicKey)
            } catch {
                throw UsageError("--pinnedpubkey: \(error.reason)")
            }
        }
        if let minimumVersion, let maximumVersion, minimumVersion > maximumVersion {
            throw UsageError("--tls-max \(maximumVersion) is older than the minimum version \(minimumVersion)")
        }
        if let warning = Self.keyPermissionWarning(clientKeyFile ?? clientCertificateFile) {
            warn(warning)
        }
    }

    /// The library configuration these settings describe.
    var configuration: TLSConfiguration {
        var configuration = TLSConfiguration(
            caFile: caFile, caDirectory: caDirectory, verifiesPeer: !insecure,
            clientCertificateFile: clientCertificateFile, clientKeyFile: clientKeyFile,
            pinnedPublicKeys: pinnedPublicKeys)
        if let minimumVersion { configuration.minimumVersion = minimumVersion }
        configuration.maximumVersion = maximumVersion
        configuration.cipherList = cipherList
        configuration.cipherSuites = cipherSuites
        configuration.groups = groups
        configuration.requiresCertificateStatus = requiresCertificateStatus
        configuration.crlFile = crlFile
        configuration.offersALPN = offersALPN
        configuration.resumesSessions = resumesSessions
        configuration.signatureAlgorithms = signatureAlgorithms
        configuration.keyPassphrase = keyPassphrase
        return configuration
    }

    /// The parsed `--pinnedpubkey` (already checked by ``validate(warn:)``).
    var pinnedPublicKeys: PinnedPublicKeys {
        pinnedPublicKey.flatMap { try? PinnedPublicKeys(parsing: $0) } ?? PinnedPublicKeys()
    }

    /// A warning when the private key file may be read by its group or by others, as ssh warns.
    static func keyPermissionWarning(_ path: String?) -> String? {
        guard let path else { return nil }
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let exposed = status.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)
        guard exposed != 0 else { return nil }
        let mode = String(status.st_mode & 0o777, radix: 8)
        return "the private key file \(path) is readable by others (mode \(mode)); restrict it with chmod 600 \(path)"
    }
}
