import ArgumentParser
import PorterCore

/// ``TLSSettings`` as swift-argument-parser options, for the subcommands that connect
/// (`cert`, `compare`); the transfer command line reads the same settings from its table.
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("cacert"), help: ArgumentHelp(TLSSettings.Help.caFile, valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("capath"), help: ArgumentHelp(TLSSettings.Help.caDirectory, valueName: "dir"))
    var caDirectory: String?

    @Flag(name: [.customShort("k"), .customLong("insecure")], help: ArgumentHelp(TLSSettings.Help.insecure))
    var insecure = false

    @Option(name: [.customShort("E"), .customLong("cert")], help: ArgumentHelp(TLSSettings.Help.clientCertificate, valueName: "file"))
    var clientCertificateFile: String?

    @Option(name: .customLong("key"), help: ArgumentHelp(TLSSettings.Help.clientKey, valueName: "file"))
    var clientKeyFile: String?

    @Option(name: .customLong("pinnedpubkey"), help: ArgumentHelp(TLSSettings.Help.pinnedPublicKey, valueName: "pins"))
    var pinnedPublicKey: String?

    var settings: TLSSettings {
        TLSSettings(
            caFile: caFile, caDirectory: caDirectory, insecure: insecure, clientCertificateFile: clientCertificateFile,
            clientKeyFile: clientKeyFile, pinnedPublicKey: pinnedPublicKey)
    }

    func validate() throws {
        do {
            try settings.validate { FileOutput.standardError.writeLine("porter: warning: \($0)") }
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The library configuration these options describe.
    var configuration: TLSConfiguration { settings.configuration }

    /// The parsed `--pinnedpubkey` (already checked by ``validate()``).
    var pinnedPublicKeys: PinnedPublicKeys { settings.pinnedPublicKeys }
}
