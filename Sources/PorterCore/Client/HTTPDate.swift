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
        // Days from the civil date (Howard Hinnant's algorithm), no Foundation needed.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days) * 86_400 + Int64(clock.0 * 3600 + clock.1 * 60 + clock.2)
    }
}
