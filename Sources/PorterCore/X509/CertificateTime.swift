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
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        secondsSinceEpoch = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    /// The instant in ISO 8601, in UTC, to the second: `2026-10-29T12:00:00Z`.
    public var iso8601: String {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondOfDay = Int(secondsSinceEpoch - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: Int(days))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = year >= 0 && year < 10_000 ? String(repeating: "0", count: 4 - "\(year)".count) + "\(year)" : "\(year)"
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
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

    // MARK: - Calendar arithmetic (proleptic Gregorian, after H. Hinnant's days_from_civil)

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

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
