#if canImport(Glibc)
import Glibc
#endif

/// An instant in UTC, to the second, as certificates and their validation use it.
///
/// Holds whole seconds since 1970-01-01T00:00:00Z (negative before it) and
/// renders as ISO 8601, e.g. `2026-10-29T12:00:00Z`. A plain value: `Sendable`,
/// comparable, free of Foundation.
public struct CertificateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int64

    /// Creates the instant `secondsSinceEpoch` seconds after 1970-01-01T00:00:00Z.
    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// The current time of this machine's clock.
    public static var now: CertificateTime {
        CertificateTime(secondsSinceEpoch: Int64(time(nil)))
    }

    /// Parses an ISO 8601 instant: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fraction]]`
    /// followed by `Z` or an offset `±HH:MM` (`±HHMM`, `±HH`); a space may stand
    /// for the `T`. Without a zone the time is taken as UTC. A fraction of a
    /// second is dropped. Returns nil for anything else.
    public init?(iso8601 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.take("-"),
              let month = scanner.number(digits: 2), scanner.take("-"),
              let day = scanner.number(digits: 2),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, offset = 0
        if !scanner.atEnd {
            guard scanner.take("T") || scanner.take("t") || scanner.take(" "),
                  let h = scanner.number(digits: 2), scanner.take(":"),
                  let m = scanner.number(digits: 2)
            else { return nil }
            hour = h
            minute = m
            if scanner.take(":") {
                guard let s = scanner.number(digits: 2) else { return nil }
                second = s
                if scanner.take(".") || scanner.take(",") {
                    guard scanner.skipDigits() > 0 else { return nil }
                }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            if scanner.take("Z") || scanner.take("z") {
                // UTC
            } else if let sign = scanner.takeSign() {
                guard let offsetHours = scanner.number(digits: 2), offsetHours < 24 else { return nil }
                var offsetMinutes = 0
                if scanner.take(":") {
                    guard let value = scanner.number(digits: 2) else { return nil }
                    offsetMinutes = value
                } else if let value = scanner.number(digits: 2) {
                    offsetMinutes = value
                }
                guard offsetMinutes < 60 else { return nil }
                offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
            }
            guard scanner.atEnd else { return nil }
        }
        secondsSinceEpoch = UTCCalendar.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) - Int64(offset)
    }

    /// The instant in ISO 8601, in UTC, to the second: `2026-10-29T12:00:00Z`.
    public var iso8601: String {
        let (year, month, day, hour, minute, second) = UTCCalendar.components(of: secondsSinceEpoch)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = year >= 0 && year < 10_000 ? String(repeating: "0", count: 4 - "\(year)".count) + "\(year)" : "\(year)"
        return "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
    }

    /// The ISO 8601 form, as ``iso8601``.
    public var description: String { iso8601 }

    /// Earlier instants are smaller.
    public static func < (lhs: CertificateTime, rhs: CertificateTime) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier), rounded toward zero.
    public func days(until later: CertificateTime) -> Int {
        Int((later.secondsSinceEpoch - secondsSinceEpoch) / 86_400)
    }

    // MARK: - Calendar

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Reads fixed-width decimal fields and punctuation from ASCII bytes.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func takeSign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }

    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + digits] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }
}
