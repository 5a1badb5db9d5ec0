import ArgumentParser

/// How `porter cert` and `porter compare` reach a server: fixed addresses
/// (curl's `--resolve`) and the most time to connect and finish the handshake.
struct ProbeConnectionOptions: ParsableArguments {
    @Option(name: .customLong("resolve"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Connect to these addresses for host and port, e.g. example.org:443:127.0.0.1 (curl's syntax; several addresses separated by commas).", valueName: "host:port:addr"))
    var resolve: [String] = []

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("The most seconds to connect and finish the TLS handshake, per connection (default 10).", valueName: "seconds"))
    var connectTimeout: Double = 10

    func validate() throws {
        if !(connectTimeout > 0 && connectTimeout.isFinite) { throw ValidationError("--connect-timeout must be a number of seconds above 0") }
        _ = try ResolveOption.overrides(resolve)
    }

    /// ``connectTimeout`` as a duration, rounded up to the millisecond.
    var connectTimeoutDuration: Duration { .milliseconds(Int64((connectTimeout * 1000).rounded(.up))) }
}
