/// HTTP dates (RFC 9110 §5.6.7) and the cookie date variants browsers accept.
public enum HTTPDate {
    /// Seconds since the epoch of `text`, or nil when it is not a date: any of the forms
    /// RFC 9110 and RFC 6265 §5.1.1 allow, and with `timeOptional` a date without a time
    /// of day (midnight), or an ISO 8601 date `YYYY-MM-DD[THH:MM:SS[Z]]`, as curl's `-z` takes.
    public static func parse(_ text: String, timeOptional: Bool) -> Int64? {
        if let seconds = parse(text) { return seconds }
        guard timeOptional else { return nil }
        if let iso = isoDate(text) { return iso }
        return parse(text + " 00:00:00")
    }

    /// `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS]`, and `Z`.
    private static func isoDate(_ text: String) -> Int64? {
        let parts = text.trimmingASCIIWhitespace().split(whereSeparator: { $0 == "T" || $0 == " " })
        guard let date = parts.first, parts.count <= 2 else { return nil }
        let ymd = date.split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3, (1...12).contains(ymd[1]), (1...31).contains(ymd[2]) else { return nil }
        var clock = [0, 0, 0]
        if parts.count == 2 {
            let time = parts[1].hasSuffix("Z") ? parts[1].dropLast() : parts[1]
            let fields = time.split(separator: ":").compactMap { Int($0) }
            guard fields.count >= 2, fields.count <= 3 else { return nil }
            for (index, field) in fields.enumerated() { clock[index] = field }
        }
        return UTCCalendar.seconds(year: ymd[0], month: ymd[1], day: ymd[2], hour: clock[0], minute: clock[1], second: clock[2])
    }

    /// The IMF-fixdate of `seconds` since the epoch (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func format(_ seconds: Int64) -> String {
        let c = UTCCalendar.components(of: seconds)
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let weekday = days[Int(((seconds / 86_400) % 7 + 7) % 7)]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(two(c.day)) \(months[c.month - 1]) \(c.year) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }

    /// Seconds since the epoch of `text`, or nil when it is not a date.
    static func parse(_ text: String) -> Int64? {
        // RFC 6265 §5.1.1: find day, month, year and time tokens in any order.
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        var day: Int?, month: Int?, year: Int?, clock: (Int, Int, Int)?
        for token in text.split(whereSeparator: { " ,-\t".contains($0) }) {
            let lower = token.lowercased()
            if clock == nil, token.contains(":") {
                let parts = token.split(separator: ":").compactMap { Int($0) }
                if parts.count == 3 { clock = (parts[0], parts[1], parts[2]); continue }
            }
            if month == nil, let index = months.firstIndex(where: { lower.hasPrefix($0) }) { month = index + 1; continue }
            if let number = Int(token) {
                if day == nil, token.count <= 2 { day = number } else if year == nil { year = number < 70 ? number + 2000 : number < 100 ? number + 1900 : number }
            }
        }
        guard let day, let month, let year, let clock, (1...31).contains(day), year >= 1601 else { return nil }
        return UTCCalendar.seconds(year: year, month: month, day: day, hour: clock.0, minute: clock.1, second: clock.2)
    }
}
