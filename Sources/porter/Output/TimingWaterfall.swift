import PorterCore

/// `--timing`: a waterfall of a transfer's phases on standard error, one
/// block per redirect hop, all bars on one time scale.
enum TimingWaterfall {
    static let width = 40

    static func print(_ record: TransferRecord) {
        let out = FileOutput.standardError
        guard let timings = record.timings, !timings.hops.isEmpty else {
            out.writeLine("* timing: no response from \(record.urlText)")
            return
        }
        let scale = max(timings.total, .microseconds(1))
        for (index, hop) in timings.hops.enumerated() {
            out.writeLine("* hop \(index + 1): \(hop.status) \(hop.url)\(hop.reusedConnection ? " (reused connection)" : "")")
            let end = hop.end ?? timings.total
            var phases: [(String, Duration, Duration)] = []
            if !hop.reusedConnection {
                phases.append(("DNS lookup", hop.start, hop.nameLookup))
                phases.append(("TCP connect", hop.nameLookup, hop.connect))
                if let tls = hop.tlsHandshake { phases.append(("TLS handshake", hop.connect, tls)) }
            }
            phases.append(("server processing", hop.preTransfer, hop.startTransfer))
            phases.append(("content transfer", hop.startTransfer, end))
            for (name, from, to) in phases {
                out.writeLine("  \(pad(name, 18)) |\(bar(from: from, to: to, scale: scale))| \(milliseconds(to - from))")
            }
        }
        out.writeLine("  \(pad("total", 18))  \(String(repeating: " ", count: width)) \(milliseconds(timings.total))")
    }

    private static func bar(from: Duration, to: Duration, scale: Duration) -> String {
        let start = Int((from / scale) * Double(width))
        let stop = max(start + 1, Int(((to / scale) * Double(width)).rounded(.up)))
        return (0..<width).map { $0 >= start && $0 < min(stop, width) ? "#" : " " }.joined()
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let text = "\(micros / 1000).\(String(micros % 1000 / 100)) ms"
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }

    private static func pad(_ text: String, _ count: Int) -> String {
        text + String(repeating: " ", count: max(0, count - text.count))
    }
}
