#if canImport(Glibc)
import Glibc
#endif

/// A table for a terminal: left-aligned columns padded to the widest cell,
/// cells longer than a column's limit cut with `…`, and colour applied after
/// padding so that escape sequences never skew the columns.
struct TextTable {
    /// One cell: its text and an optional colour.
    struct Cell: ExpressibleByStringInterpolation {
        var text: String
        var colour: Terminal.Colour?

        init(_ text: String, _ colour: Terminal.Colour? = nil) {
            self.text = text
            self.colour = colour
        }

        init(stringLiteral text: String) { self.init(text) }

        init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }
    }

    /// The most characters a cell shows, per column; columns past the end have no limit.
    var maximumWidths: [Int]
    /// Spaces before the first column.
    var indent = 2
    private(set) var rows: [[Cell]] = []

    init(maximumWidths: [Int] = []) {
        self.maximumWidths = maximumWidths
    }

    mutating func append(_ cells: [Cell]) { rows.append(cells) }

    /// The table's lines, without trailing spaces.
    func lines(colour: Bool) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], min(cell.text.count, limit(index)))
            }
        }
        return rows.map { row in
            var line = String(repeating: " ", count: indent)
            for (index, cell) in row.enumerated() {
                let text = Self.cut(cell.text, to: limit(index))
                let isLast = index == row.count - 1
                let padding = isLast ? "" : String(repeating: " ", count: widths[index] - text.count + 2)
                line += (colour ? Terminal.paint(text, cell.colour) : text) + padding
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    private func limit(_ column: Int) -> Int {
        column < maximumWidths.count ? maximumWidths[column] : Int.max
    }

    /// `text` cut to `width` characters, the last one `…` when cut.
    static func cut(_ text: String, to width: Int) -> String {
        guard text.count > width, width > 1 else { return text }
        return String(text.prefix(width - 1)) + "…"
    }
}

/// What standard output is: whether colour may be used on it.
enum Terminal {
    /// The few colours the command uses.
    enum Colour: String {
        case green = "32", yellow = "33", red = "31", magenta = "35", cyan = "36", bold = "1", dim = "2"
    }

    /// Whether to colour standard output: only on a terminal, and never when
    /// `NO_COLOR` is set to anything but the empty string (no-color.org).
    static func colourOnStandardOutput() -> Bool {
        if let noColour = getenv("NO_COLOR"), noColour.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return isatty(1) == 1
    }

    static func paint(_ text: String, _ colour: Colour?) -> String {
        guard let colour, !text.isEmpty else { return text }
        return "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m"
    }
}
