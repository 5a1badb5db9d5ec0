import ArgumentParser
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// The options that change what a TLS connection trusts, shared by every subcommand that connects.
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("cacert"), help: ArgumentHelp("Trust the CA certificates in this PEM file instead of the system store.", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("capath"), help: ArgumentHelp("Trust the CA certificates in this hashed directory instead of the system store.", valueName: "dir"))
    var caDirectory: String?

    @Flag(name: [.customShort("k"), .customLong("insecure")], help: "Do not verify the server's certificate (unsafe).")
    var insecure = false

    @Option(name: [.customShort("E"), .customLong("cert")], help: ArgumentHelp("Offer this client certificate (PEM, optionally followed by its intermediates) when the server asks for one.", valueName: "file"))
    var clientCertificateFile: String?

    @Option(name: .customLong("key"), help: ArgumentHelp("The private key (PEM) of --cert, if it is not in the certificate file.", valueName: "file"))
    var clientKeyFile: String?

    @Option(name: .customLong("pinnedpubkey"), help: ArgumentHelp("The server's public key must be one of these: sha256//<base64>[;sha256//<base64>...], or a public key file.", valueName: "pins"))
    var pinnedPublicKey: String?

    func validate() throws {
        for path in [caFile, caDirectory].compactMap({ $0 }) where path.isEmpty {
            throw ValidationError("--cacert and --capath need a path")
        }
        if clientKeyFile != nil && clientCertificateFile == nil {
            throw ValidationError("--key needs --cert")
        }
        if let pinnedPublicKey {
            do {
                _ = try PinnedPublicKeys(parsing: pinnedPublicKey)
            } catch {
                throw ValidationError("--pinnedpubkey: \(error.reason)")
            }
        }
        if let warning = Self.keyPermissionWarning(clientKeyFile ?? clientCertificateFile) {
            FileOutput.standardError.writeLine("porter: warning: \(warning)")
        }
    }

    /// The library configuration these options describe.
    var configuration: TLSConfiguration {
        TLSConfiguration(
            caFile: caFile, caDirectory: caDirectory, verifiesPeer: !insecure,
            clientCertificateFile: clientCertificateFile, clientKeyFile: clientKeyFile,
            pinnedPublicKeys: pinnedPublicKeys)
    }

    /// The parsed `--pinnedpubkey` (already checked by ``validate()``).
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
