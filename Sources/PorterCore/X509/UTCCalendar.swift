#if canImport(Glibc)
import Glibc
#endif

/// Civil dates in UTC and seconds since the epoch, through the C library's
/// `timegm` and `gmtime_r` (64-bit `time_t`, proleptic Gregorian): the one
/// place Porter does calendar arithmetic.
enum UTCCalendar {
    /// Seconds since 1970-01-01T00:00:00Z of a date and time of day in UTC.
    /// Out-of-range fields carry over as `timegm` normalises them.
    static func seconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return seconds(of: &parts)
    }

    /// Seconds since the epoch of broken-down UTC time, as `ASN1_TIME_to_tm` fills it.
    static func seconds(of parts: inout tm) -> Int64 {
        Int64(timegm(&parts))
    }

    /// The civil date and time of day of `seconds` since the epoch.
    static func components(of seconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var time = time_t(seconds)
        var parts = tm()
        _ = gmtime_r(&time, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
