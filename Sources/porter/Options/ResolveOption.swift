import ArgumentParser
import PorterCore

/// curl's `--resolve HOST:PORT:ADDR[,ADDR...]`: fixed addresses for a host and port.
enum ResolveOption {
    /// The overrides of every `--resolve`, keyed as ``RequestOptions/addressOverrides`` wants.
    static func overrides(_ entries: [String]) throws -> [String: [SocketAddress]] {
        var result: [String: [SocketAddress]] = [:]
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw ValidationError("--resolve \(entry): expected HOST:PORT:ADDRESS")
            }
            var addresses: [SocketAddress] = []
            for item in parts[2].split(separator: ",") {
                var text = item.trimmingCharacters(in: " ")
                if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
                guard let address = SocketAddress(numericHost: text, port: port) else {
                    throw ValidationError("--resolve \(entry): \"\(text)\" is not an IPv4 or IPv6 address")
                }
                addresses.append(address)
            }
            guard !addresses.isEmpty else { throw ValidationError("--resolve \(entry): no address given") }
            result["\(parts[0].lowercased()):\(port)"] = addresses
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
