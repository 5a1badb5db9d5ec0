@_spi(PorterTools) import PorterCore

/// Compares a host's plain HTTP port with its HTTPS port: requests the same
/// path on both, follows each side's redirects hop by hop, and draws the
/// findings (``Comparison``).
///
/// Nothing here prints or throws: a port that cannot be reached is a finding.
/// The sides run one after the other on the caller's task, so that their
/// timings do not disturb each other.
public struct SiteComparer: Sendable {
    /// What to compare.
    public var target: CompareTarget
    /// How to connect.
    public var options: CompareOptions

    /// Creates a comparer.
    public init(target: CompareTarget, options: CompareOptions = CompareOptions()) {
        self.target = target
        self.options = options
    }

    /// Runs the comparison: once, or once per address of the host with
    /// ``CompareOptions/comparesEveryAddress``.
    public func run() async -> CompareReport {
        guard options.comparesEveryAddress, let addresses = await addresses(), !addresses.isEmpty else {
            return CompareReport(target: target, comparisons: [await compare(pinnedTo: nil)])
        }
        var comparisons: [Comparison] = []
        for address in addresses {
            comparisons.append(await compare(pinnedTo: address))
        }
        return CompareReport(target: target, comparisons: comparisons)
    }

    /// Compares both sides, connecting to `address` (numeric) for the target's host when given.
    private func compare(pinnedTo address: String?) async -> Comparison {
        var overrides = options.addressOverrides
        if let address {
            for port in [target.httpPort, target.httpsPort] {
                if let socketAddress = SocketAddress(numericHost: address, port: port) {
                    overrides["\(target.host):\(port)"] = [socketAddress]
                }
            }
        }
        let probe = SideProbe(options: options, addressOverrides: overrides)
        let http = await probe.run(from: target.httpURL)
        let https = await probe.run(from: target.httpsURL)
        return Comparison(address: address, target: target, http: http, https: https)
    }

    /// Every address of the host, IPv4 and IPv6, numeric; `--resolve` entries count first.
    private func addresses() async -> [String]? {
        var hosts: [String] = []
        for port in [target.httpPort, target.httpsPort] {
            for address in options.addressOverrides["\(target.host):\(port)"] ?? [] where !hosts.contains(address.host) {
                hosts.append(address.host)
            }
        }
        if !hosts.isEmpty { return hosts }
        guard let resolved = try? await Resolver.resolve(host: target.host, port: target.httpsPort) else { return nil }
        for address in resolved where !hosts.contains(address.host) {
            hosts.append(address.host)
        }
        return hosts
    }
}
