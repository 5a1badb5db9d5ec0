import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// A download's progress on standard error, redrawn in place at most ten
/// times a second: bytes, percent when the size is known, rate and time left.
/// `-#` draws a compact bar instead. Shown only when standard error is a
/// terminal, never with `-s`.
final class ProgressMeter {
    enum Style { case meter, bar }

    private let style: Style
    private let total: UInt64?
    private var received: UInt64 = 0
    private let started = Deadline.now()
    private var lastDraw: UInt64 = 0
    private static let redrawInterval: UInt64 = 100_000_000

    init(style: Style, total: UInt64?) {
        self.style = style
        self.total = total
    }

    /// Whether a meter belongs on this terminal: stderr is one, and the body is not going to it too.
    static func isWanted(silent: Bool, bodyToStandardOutput: Bool) -> Bool {
        !silent && isatty(2) == 1 && !(bodyToStandardOutput && isatty(1) == 1)
    }

    /// Counts `count` more bytes and redraws if enough time has passed.
    func add(_ count: Int) {
        received += UInt64(count)
        let now = Deadline.now()
        if now - lastDraw >= Self.redrawInterval {
            lastDraw = now
            draw(now: now)
        }
    }

    /// Draws the final state and ends the line.
    func finish() {
        draw(now: Deadline.now())
        FileOutput.standardError.writeLine("")
    }

    private func draw(now: UInt64) {
        let elapsed = Double(now - started) / 1e9
        let rate = elapsed > 0 ? Double(received) / elapsed : 0
        var line: String
        switch style {
        case .bar:
            let width = 50
            if let total, total > 0 {
                let fraction = min(1, Double(received) / Double(total))
                let filled = Int(fraction * Double(width))
                line = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + " " + Self.percent(fraction)
            } else {
                line = String(repeating: "#", count: Int(received / 1_048_576) % (width + 1)) + " " + Self.size(received)
            }
        case .meter:
            line = "  " + Self.size(received)
            if let total, total > 0 {
                let fraction = min(1, Double(received) / Double(total))
                line += " / " + Self.size(total) + "  " + Self.percent(fraction)
                if rate > 0 { line += "  ETA " + Self.clock(Double(total - min(total, received)) / rate) }
            }
            line += "  " + Self.size(UInt64(rate)) + "/s  " + Self.clock(elapsed)
        }
        try? FileOutput.standardError.write(Array(("\r" + line + "\u{1B}[K").utf8))
    }

    private static func size(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\(Int(value * 10) / 10).\(Int(value * 10) % 10) \(units[unit])"
    }

    private static func percent(_ fraction: Double) -> String {
        let tenths = Int(fraction * 1000)
        return "\(tenths / 10).\(tenths % 10)%"
    }

    private static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.isFinite ? seconds : 0)
        let minutes = whole / 60 % 60, hours = whole / 3600, rest = whole % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(hours):\(two(minutes)):\(two(rest))"
    }
}
