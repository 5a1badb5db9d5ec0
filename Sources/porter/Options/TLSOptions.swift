import ArgumentParser
import PorterCore

/// The options that change what a TLS connection trusts, shared by every subcommand that connects.
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("cacert"), help: ArgumentHelp("Trust the CA certificates in this PEM file instead of the system store.", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("capath"), help: ArgumentHelp("Trust the CA certificates in this hashed directory instead of the system store.", valueName: "dir"))
    var caDirectory: String?

    @Flag(name: [.customShort("k"), .customLong("insecure")], help: "Do not verify the server's certificate (unsafe).")
    var insecure = false

    func validate() throws {
        for path in [caFile, caDirectory].compactMap({ $0 }) where path.isEmpty {
            throw ValidationError("--cacert and --capath need a path")
        }
    }

    /// The library configuration these options describe.
    var configuration: TLSConfiguration {
        TLSConfiguration(caFile: caFile, caDirectory: caDirectory, verifiesPeer: !insecure)
    }
}
