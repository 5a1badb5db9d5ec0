/// Durations as milliseconds with three decimals, for tables and JSON.
enum Milliseconds {
    static func text(_ duration: Duration) -> String {
        let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
        let fraction = String(micros % 1000)
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// `12.3 ms`: one decimal, for people.
    static func short(_ duration: Duration) -> String {
        let tenths = max(0, duration.components.seconds * 10_000 + duration.components.attoseconds / 100_000_000_000_000)
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
