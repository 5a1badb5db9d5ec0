/// HTTP dates (RFC 9110 §5.6.7) and the cookie date variants browsers accept.
enum HTTPDate {
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
