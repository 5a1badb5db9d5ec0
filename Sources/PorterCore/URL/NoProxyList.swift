#if canImport(Glibc)
import Glibc
#endif

/// A `no_proxy` list: `*`, host names (matching themselves and their
/// subdomains, with or without a leading dot), IP addresses and CIDR ranges.
public struct NoProxyList: Sendable, Hashable {
    private let entries: [String]

    /// Parses a comma- or space-separated list.
    public init(_ text: String) {
        entries = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// Whether requests to `url` bypass the proxy.
    public func matches(_ url: HTTPURL) -> Bool {
        let host = url.host.lowercased()
        for entry in entries {
            if entry == "*" { return true }
            if entry.contains("/") {
                if Self.cidr(entry, contains: host) { return true }
                continue
            }
            var name = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// Whether the IP literal `host` lies in the range `entry` (`10.0.0.0/8`, `fd00::/8`).
    private static func cidr(_ entry: String, contains host: String) -> Bool {
        let parts = entry.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]),
              let network = addressBytes(String(parts[0])), let address = addressBytes(host),
              network.count == address.count, bits >= 0, bits <= network.count * 8 else { return false }
        var remaining = bits
        for index in 0..<network.count where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if network[index] & mask != address[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    private static func addressBytes(_ text: String) -> [UInt8]? {
        SocketAddress.octets(ofNumericHost: text)
    }
}
