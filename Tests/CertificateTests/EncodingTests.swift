import Testing
@_spi(PorterTools) @testable import PorterCore

/// The byte encoders and the calendar that certificates, pins, credentials and cookies share.
@Suite("Encodings and the UTC calendar")
struct EncodingTests {
    // RFC 4648 §10.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64AsRFC4648Says(_ input: String, _ encoded: String) {
        #expect(ByteEncoding.base64(Array(input.utf8)) == encoded)
    }

    @Test func hexadecimalWithAndWithoutSeparators() {
        #expect(ByteEncoding.hex([0x00, 0xAB, 0x7F]) == "00AB7F")
        #expect(ByteEncoding.hex([0x00, 0xAB, 0x7F], separator: UInt8(ascii: ":")) == "00:AB:7F")
        #expect(ByteEncoding.hex([0xDE, 0xAD], lowercase: true) == "dead")
        #expect(ByteEncoding.hex([]) == "")
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        let digest = SHA256Digest()
        Array("abc".utf8).withUnsafeBytes { digest.update($0) }
        #expect(digest.finish() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(X509Fields.sha256(Array("abc".utf8)).count == 32)
    }

    @Test(arguments: [
        (1970, 1, 1, 0, 0, 0, Int64(0)),
        (1950, 1, 1, 0, 0, 0, Int64(-631_152_000)),
        (2000, 2, 29, 12, 0, 0, Int64(951_825_600)),
        (2049, 12, 31, 23, 59, 59, Int64(2_524_607_999)),
        (9999, 12, 31, 23, 59, 59, Int64(253_402_300_799)),
    ])
    func secondsAndDatesRoundTrip(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ seconds: Int64) {
        #expect(UTCCalendar.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) == seconds)
        let back = UTCCalendar.components(of: seconds)
        #expect(back.year == year && back.month == month && back.day == day && back.hour == hour && back.minute == minute && back.second == second)
    }

    @Test func certificateTimesRenderThroughTheCalendar() {
        #expect(CertificateTime(secondsSinceEpoch: 951_825_600).iso8601 == "2000-02-29T12:00:00Z")
        #expect(CertificateTime(iso8601: "2049-12-31T23:59:59Z")?.secondsSinceEpoch == 2_524_607_999)
        #expect(CertificateTime(iso8601: "2026-10-29T12:00:00+01:30")?.iso8601 == "2026-10-29T10:30:00Z")
    }
}
