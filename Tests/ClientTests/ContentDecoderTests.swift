import CBrotliEncoder
import CZlib
import CZstd
import Foundation
import Testing
@testable import PorterCore

@Suite("ContentDecoder", .serialized)
struct ContentDecoderTests {
    // MARK: - Round trips

    @Test(arguments: Fixture.roundTrips, Feed.standard)
    func roundTrips(_ fixture: Fixture, _ feed: Feed) throws {
        let decoded = try decode(fixture.coded, codings: fixture.codings, feed: feed)
        #expect(decoded.count == fixture.plain.count)
        #expect(decoded == fixture.plain)
    }

    @Test(arguments: Fixture.small)
    func decodesWhenSplitAtEveryByteBoundary(_ fixture: Fixture) throws {
        for split in 0...fixture.coded.count {
            let decoded = try decode(fixture.coded, codings: fixture.codings, feed: .splitAt(split))
            #expect(decoded == fixture.plain, "split at \(split)")
        }
    }

    @Test func emptyBodiesDecodeToNothing() throws {
        for codings in [["gzip"], ["deflate"], ["br"], ["zstd"], ["gzip", "br", "zstd"], []] {
            var calls = 0
            var decoder = try ContentDecoder(codings: codings)
            try decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in calls += 1 }
            try decoder.finish { _ in calls += 1 }
            #expect(calls == 0, "\(codings)")
            #expect(decoder.decodedByteCount == 0)
        }
    }

    @Test func countsDecodedBytes() throws {
        var decoder = try ContentDecoder(codings: ["gzip"])
        var delivered = 0
        let coded = Compress.gzip(Sample.text)
        try coded.withUnsafeBytes { bytes in
            try decoder.decode(bytes) { delivered += $0.count }
        }
        try decoder.finish { delivered += $0.count }
        #expect(delivered == Sample.text.count)
        #expect(decoder.decodedByteCount == UInt64(Sample.text.count))
    }

    @Test func handsOutAtMost64KiBAtATime() throws {
        var largest = 0
        var decoder = try ContentDecoder(codings: ["zstd", "gzip"])
        let coded = Compress.gzip(Compress.zstd(Sample.text))
        try coded.withUnsafeBytes { bytes in
            try decoder.decode(bytes) { largest = max(largest, $0.count) }
        }
        try decoder.finish { largest = max(largest, $0.count) }
        #expect(largest > 0)
        #expect(largest <= DecodingBuffer.defaultByteCount)
    }

    // MARK: - Coding names

    @Test(arguments: [
        (["GZIP"], "gzip"),
        ([" x-gzip\t"], "gzip"),
        (["X-Gzip"], "gzip"),
        (["identity", "Br", "IDENTITY"], "br"),
        (["", "zstd", " "], "zstd"),
        (["Deflate"], "deflate"),
    ])
    func acceptsNamesInAnyCase(_ codings: [String], _ expected: String) throws {
        let decoder = try ContentDecoder(codings: codings)
        #expect(decoder.decodingOrder == [expected])
    }

    @Test func undoesCodingsInReverseOrder() throws {
        let decoder = try ContentDecoder(codings: ["gzip", "br", "zstd"])
        #expect(decoder.decodingOrder == ["zstd", "br", "gzip"])
    }

    @Test(arguments: [[String](), ["identity"], ["Identity", ""]])
    func passesIdentityThrough(_ codings: [String]) throws {
        let decoded = try decode(Sample.text, codings: codings, feed: .pieces(7))
        #expect(decoded == Sample.text)
    }

    @Test(arguments: [
        (["compress"], "compress"),
        (["x-compress"], "x-compress"),
        (["gzip", "Snappy"], "snappy"),
        (["chunked"], "chunked"),
        (["gzip;q=1"], "gzip;q=1"),
    ])
    func refusesUnknownCodings(_ codings: [String], _ named: String) {
        #expect {
            _ = try ContentDecoder(codings: codings)
        } throws: { error in
            guard let error = error as? PorterError else { return false }
            return error.code == .unsupportedContentEncoding && error.reason.contains("\"\(named)\"")
        }
    }

    @Test func refusesMoreThanFiveStackedCodings() throws {
        let five = Array(repeating: "gzip", count: 5)
        var coded = Sample.short
        for _ in five { coded = Compress.gzip(coded) }
        #expect(try decode(coded, codings: five, feed: .whole) == Sample.short)

        #expect {
            _ = try ContentDecoder(codings: five + ["br"])
        } throws: { error in
            (error as? PorterError)?.code == .badContentEncoding && "\(error)".contains("6 content codings")
        }
    }

    @Test func advertisesEveryCodingItDecodes() throws {
        #expect(ContentDecoder.acceptEncodingValue == "gzip, deflate, br, zstd")
        for name in ContentDecoder.acceptEncodingValue.split(separator: ", ") {
            _ = try ContentDecoder(codings: [String(name)])
        }
    }

    // MARK: - deflate: zlib or raw

    @Test(arguments: [
        (UInt8(0x78), UInt8(0x9c), true),  // zlib's default
        (0x78, 0x01, true),  // fastest
        (0x78, 0xda, true),  // best
        (0x58, 0x85, true),  // 8 KiB window
        (0x78, 0x9d, false),  // check bits wrong
        (0x78, 0xbb, false),  // preset dictionary
        (0x88, 0x98, false),  // 64 KiB window is not zlib
        (0x79, 0x18, false),  // method 9
        (0xed, 0xbd, false),  // a typical raw deflate start
        (0x0b, 0xc9, false),
    ])
    func tellsZlibHeadersFromRawDeflate(_ first: UInt8, _ second: UInt8, _ isZlib: Bool) {
        #expect(ZlibDecodingStage.isZlibHeader(first, second) == isZlib)
    }

    @Test func toleratesFourStrayBytesAfterRawDeflate() throws {
        let coded = Compress.rawDeflate(Sample.short)
        let adler: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        #expect(try decode(coded + adler, codings: ["deflate"], feed: .pieces(1)) == Sample.short)
        expectBadEncoding("unexpected data after the end of the deflate stream") {
            _ = try decode(coded + adler + [0x9a], codings: ["deflate"], feed: .whole)
        }
    }

    // MARK: - Several streams in one body

    @Test(arguments: Feed.standard)
    func decodesEveryGzipMember(_ feed: Feed) throws {
        let first = Array(Sample.text.prefix(100_000))
        let second = Array("and a second member\n".utf8)
        let third = Sample.random
        let coded = Compress.gzip(first) + Compress.gzip(second) + Compress.gzip([]) + Compress.gzip(third)
        let decoded = try decode(coded, codings: ["gzip"], feed: feed)
        #expect(decoded == first + second + third)
    }

    @Test(arguments: Feed.standard)
    func decodesEveryZstdFrame(_ feed: Feed) throws {
        let first = Array(Sample.text.prefix(70_000))
        let second = Array("second frame".utf8)
        // A skippable frame (RFC 8878 §3.1.2): magic 0x184D2A50, length 3, payload.
        let skippable: [UInt8] = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]
        let coded = Compress.zstd(first) + skippable + Compress.zstd(second)
        #expect(try decode(coded, codings: ["zstd"], feed: feed) == first + second)
    }

    @Test(arguments: [
        ("gzip", Compress.gzip(Sample.short), "gzip"),
        ("gzip", Compress.gzip(Sample.short) + [0x1f, 0x00], "gzip"),
        ("deflate", Compress.zlib(Sample.short), "deflate"),
        ("br", Compress.brotli(Sample.short), "br"),
    ])
    func refusesBytesAfterTheEnd(_ coding: String, _ coded: [UInt8], _ named: String) throws {
        for feed in [Feed.whole, .pieces(1)] {
            expectBadEncoding("unexpected data after the end of the \(named) stream") {
                _ = try decode(coded + Array("\n<html>".utf8), codings: [coding], feed: feed)
            }
        }
    }

    @Test func refusesGarbageAfterAZstdFrame() {
        expectBadEncoding("zstd says") {
            _ = try decode(Compress.zstd(Sample.short) + Array("garbage!".utf8), codings: ["zstd"], feed: .whole)
        }
    }

    // MARK: - Truncated and corrupt bodies

    @Test(arguments: Fixture.small, [1, 2, 8, 0.5])
    func reportsTruncationAtFinish(_ fixture: Fixture, _ cut: Double) throws {
        let keep = cut < 1 ? Int(Double(fixture.coded.count) * cut) : fixture.coded.count - Int(cut)
        var decoder = try ContentDecoder(codings: fixture.codings)
        var decoded: [UInt8] = []
        try fixture.coded.prefix(keep).withUnsafeBytes { bytes in
            try decoder.decode(bytes) { decoded.append(contentsOf: $0) }
        }
        #expect(fixture.plain.starts(with: decoded))
        #expect {
            try decoder.finish { decoded.append(contentsOf: $0) }
        } throws: { error in
            (error as? PorterError)?.code == .badContentEncoding && "\(error)".contains("stream ended early")
        }
    }

    @Test func decodesAZlibStreamLabelledGzip() throws {
        // curl reads the first gzip member with zlib's header detection; so does Porter.
        #expect(try decode(Compress.zlib(Sample.text), codings: ["gzip"], feed: .pieces(7)) == Sample.text)
        // A zlib header asking for a preset dictionary (FDICT) cannot be served over HTTP.
        let withDictionary: [UInt8] = [0x78, 0xbb, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00]
        expectBadEncoding("needs a preset dictionary") {
            _ = try decode(withDictionary, codings: ["gzip"], feed: .whole)
        }
        // Labelled deflate, the same two bytes are not a usable zlib header, so they are read as raw deflate.
        expectBadEncoding("the deflate content is corrupt") {
            _ = try decode(withDictionary, codings: ["deflate"], feed: .whole)
        }
    }

    @Test func reportsARawDeflateStreamCutShort() throws {
        let coded = Compress.rawDeflate(Sample.text)
        expectBadEncoding("the deflate stream ended early") {
            _ = try decode(Array(coded.dropLast(1)), codings: ["deflate"], feed: .pieces(7))
        }
    }

    @Test(arguments: [
        ("gzip", Corruption.replace(at: 2, with: 0x07), "zlib says \"unknown compression method\""),
        ("gzip", Corruption.flip(at: -8, bits: 0x01), "zlib says \"incorrect data check\""),
        ("gzip", Corruption.flip(at: -1, bits: 0x01), "zlib says \"incorrect length check\""),
        ("deflate", Corruption.flip(at: -1, bits: 0x01), "zlib says \"incorrect data check\""),
        ("br", Corruption.replace(at: 0, with: 0x11), "brotli says WINDOW_BITS"),
        ("zstd", Corruption.replace(at: 0, with: 0x29), "zstd says \"Unknown frame descriptor\""),
        ("zstd", Corruption.flip(at: -1, bits: 0x01), "zstd says \"Restored data doesn't match checksum\""),
    ])
    func reportsCorruptData(_ coding: String, _ corruption: Corruption, _ mention: String) throws {
        let coded = corruption.apply(to: Compress.coded(Sample.text, as: coding))
        for feed in [Feed.whole, .pieces(1)] {
            expectBadEncoding(mention) {
                _ = try decode(coded, codings: [coding], feed: feed)
            }
        }
    }

    @Test func refusesZstdWindowsAbove8MiB() throws {
        // RFC 9659 §3: recipients must support 8 MiB windows and may refuse larger.
        let accepted = Compress.zstd(Sample.short, windowLog: 23, repeats: 2)
        #expect(try decode(accepted, codings: ["zstd"], feed: .whole) == Sample.short + Sample.short)
        let refused = Compress.zstd(Sample.short, windowLog: 24, repeats: 2)
        expectBadEncoding("8 MiB") {
            _ = try decode(refused, codings: ["zstd"], feed: .whole)
        }
    }

    @Test func keepsFailingAfterAnError() throws {
        var decoder = try ContentDecoder(codings: ["gzip"])
        let garbage = Array("not gzip at all".utf8)
        for _ in 0..<2 {
            #expect(throws: PorterError(.badContentEncoding, "")) {
                try garbage.withUnsafeBytes { try decoder.decode($0) { _ in } }
            }
        }
        #expect(throws: PorterError(.badContentEncoding, "")) { try decoder.finish { _ in } }
    }

    // MARK: - Limits and bombs

    @Test(arguments: ["gzip", "deflate", "br", "zstd", "gzip, gzip", "zstd, br"])
    func stopsADecompressionBombAtTheLimit(_ coding: String) throws {
        let codings = coding.split(separator: ", ").map(String.init)
        let limit: UInt64 = 10 << 20
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var coded = Compress.coded(zeros, as: codings[0], repeats: 100)  // 100 MiB of zeros
        for next in codings.dropFirst() { coded = Compress.coded(coded, as: next) }
        #expect(coded.count < 1 << 20)

        var decoder = try ContentDecoder(codings: codings, maximumOutputBytes: limit)
        var delivered: UInt64 = 0
        var failedPiece: Int?
        let pieceSize = max(1, coded.count / 64)
        let pieceCount = (coded.count + pieceSize - 1) / pieceSize
        do {
            for piece in 0..<pieceCount {
                failedPiece = piece
                let range = piece * pieceSize..<min(coded.count, (piece + 1) * pieceSize)
                try coded[range].withUnsafeBytes { bytes in
                    try decoder.decode(bytes) { delivered += UInt64($0.count) }
                }
            }
            failedPiece = nil
            try decoder.finish { delivered += UInt64($0.count) }
            Issue.record("a 100 MiB body passed a 10 MiB limit")
        } catch let error as PorterError {
            #expect(error.code == .maximumFileSizeExceeded)
            #expect(error.reason.contains("\(limit) bytes"))
        }
        #expect(decoder.decodedByteCount == delivered)
        #expect(delivered <= limit)
        #expect(delivered > limit - UInt64(DecodingBuffer.defaultByteCount))
        // Decoding stopped at the limit, before the end of the input: for one coding, whose
        // output is spread evenly over its input, about a tenth of the way in.
        let stopped = try #require(failedPiece)
        #expect(stopped < (codings.count == 1 ? pieceCount / 2 : pieceCount - 1))
    }

    @Test func allowsABodyExactlyAtTheLimit() throws {
        let coded = Compress.gzip(Sample.text)
        let size = UInt64(Sample.text.count)
        #expect(try decode(coded, codings: ["gzip"], feed: .pieces(7), limit: size) == Sample.text)
        #expect(throws: PorterError(.maximumFileSizeExceeded, "")) {
            _ = try decode(coded, codings: ["gzip"], feed: .pieces(7), limit: size - 1)
        }
        #expect(throws: PorterError(.maximumFileSizeExceeded, "")) {
            _ = try decode(Sample.text, codings: ["identity"], feed: .whole, limit: size - 1)
        }
    }

    // MARK: - Output failures

    @Test func passesOnAPorterErrorFromOutput() throws {
        var decoder = try ContentDecoder(codings: ["br"])
        #expect(throws: PorterError(.cancelled, "")) {
            try Compress.brotli(Sample.text).withUnsafeBytes { bytes in
                try decoder.decode(bytes) { _ in throw PorterError(.cancelled, "stop") }
            }
        }
    }

    @Test func turnsOtherOutputErrorsIntoWriteFailed() throws {
        struct DiskFull: Error {}
        var decoder = try ContentDecoder(codings: ["zstd"])
        #expect(throws: PorterError(.writeFailed, "")) {
            try Compress.zstd(Sample.text).withUnsafeBytes { bytes in
                try decoder.decode(bytes) { _ in throw DiskFull() }
            }
        }
        #expect(decoder.decodedByteCount == 0)
    }

    // MARK: - What the command-line tools write

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip")),
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd"))
    )
    func decodesWhatGzipAndZstdToolsWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "porter-decoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appending(path: "sample.txt")
        try Data(Sample.text).write(to: plain)

        // gzip stores the file name and time in the header; -9 for a different block layout.
        try run("/usr/bin/gzip", ["-9", "-k", plain.path])
        let gzipped = try [UInt8](Data(contentsOf: directory.appending(path: "sample.txt.gz")))
        #expect(try decode(gzipped, codings: ["x-gzip"], feed: .pieces(7)) == Sample.text)
        #expect(try decode(gzipped + gzipped, codings: ["gzip"], feed: .whole) == Sample.text + Sample.text)

        try run("/usr/bin/zstd", ["-q", "-19", "--check", plain.path, "-o", directory.appending(path: "sample.zst").path])
        let zstd = try [UInt8](Data(contentsOf: directory.appending(path: "sample.zst")))
        #expect(try decode(zstd, codings: ["zstd"], feed: .pieces(7)) == Sample.text)
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = try Process.run(URL(fileURLWithPath: tool), arguments: arguments)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) \(arguments) failed")
    }
}

// MARK: - Feeding the decoder

/// Decodes `coded` fed as `feed` says, collecting the output.
private func decode(_ coded: [UInt8], codings: [String], feed: ContentDecoderTests.Feed, limit: UInt64? = nil) throws -> [UInt8] {
    var decoder = try ContentDecoder(codings: codings, maximumOutputBytes: limit)
    var decoded: [UInt8] = []
    try coded.withUnsafeBytes { bytes in
        for range in feed.pieces(of: coded) {
            try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[range])) { decoded.append(contentsOf: $0) }
        }
    }
    try decoder.finish { decoded.append(contentsOf: $0) }
    #expect(decoder.decodedByteCount == UInt64(decoded.count))
    return decoded
}

/// Expects `body` to throw ``PorterError/Code/badContentEncoding`` with a reason that mentions `mention`.
private func expectBadEncoding(_ mention: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    #expect(sourceLocation: sourceLocation) {
        try body()
    } throws: { error in
        guard let error = error as? PorterError else { return false }
        return error.code == .badContentEncoding && error.reason.contains(mention)
    }
}

// Helper types live in the suite, out of the way of other tests in this target.
extension ContentDecoderTests {
    /// How a test hands a coded body to the decoder.
    enum Feed: Sendable, CustomTestStringConvertible {
        case whole
        case pieces(Int)
        case splitAt(Int)

        /// Whole, then byte by byte, then in 7-byte pieces.
        static let standard: [Feed] = [.whole, .pieces(1), .pieces(7)]

        var testDescription: String {
            switch self {
            case .whole: "whole"
            case .pieces(let size): "\(size)-byte pieces"
            case .splitAt(let index): "split at \(index)"
            }
        }

        /// The pieces of `bytes`, in order.
        func pieces(of bytes: [UInt8]) -> [Range<Int>] {
            switch self {
            case .whole:
                return [0..<bytes.count]
            case .pieces(let size):
                return stride(from: 0, to: bytes.count, by: size).map { $0..<min(bytes.count, $0 + size) }
            case .splitAt(let index):
                return [0..<index, index..<bytes.count]
            }
        }
    }

    // MARK: - Fixtures

    /// A coded body and what it decodes to.
    struct Fixture: Sendable, CustomTestStringConvertible {
        var name: String
        var codings: [String]
        var plain: [UInt8]
        var coded: [UInt8]

        var testDescription: String { "\(name) (\(coded.count) bytes)" }

        /// Each coding alone, on random and on text data of over 1 MiB, and some stacks.
        static let roundTrips: [Fixture] = {
            var fixtures: [Fixture] = []
            for (dataName, data) in [("random", Sample.random), ("text", Sample.text)] {
                fixtures.append(Fixture(name: "gzip/\(dataName)", codings: ["gzip"], plain: data, coded: Compress.gzip(data)))
                fixtures.append(Fixture(name: "deflate-zlib/\(dataName)", codings: ["deflate"], plain: data, coded: Compress.zlib(data)))
                fixtures.append(Fixture(name: "deflate-raw/\(dataName)", codings: ["deflate"], plain: data, coded: Compress.rawDeflate(data)))
                fixtures.append(Fixture(name: "br/\(dataName)", codings: ["br"], plain: data, coded: Compress.brotli(data)))
                fixtures.append(Fixture(name: "zstd/\(dataName)", codings: ["zstd"], plain: data, coded: Compress.zstd(data)))
            }
            let text = Sample.text
            fixtures.append(Fixture(name: "gzip, br/text", codings: ["gzip", "br"], plain: text, coded: Compress.brotli(Compress.gzip(text))))
            fixtures.append(Fixture(
                name: "deflate, zstd, gzip/text", codings: ["deflate", "zstd", "gzip"], plain: text,
                coded: Compress.gzip(Compress.zstd(Compress.rawDeflate(text)))
            ))
            fixtures.append(Fixture(
                name: "br, identity, x-gzip/random", codings: ["br", "identity", "x-gzip"], plain: Sample.random,
                coded: Compress.gzip(Compress.brotli(Sample.random))
            ))
            return fixtures
        }()

        /// Short bodies, to split at every byte.
        static let small: [Fixture] = {
            let plain = Sample.short
            let two = Array("two members".utf8)
            return [
                Fixture(name: "gzip", codings: ["gzip"], plain: plain, coded: Compress.gzip(plain)),
                Fixture(name: "gzip, two members", codings: ["gzip"], plain: plain + two, coded: Compress.gzip(plain) + Compress.gzip(two)),
                Fixture(name: "deflate-zlib", codings: ["deflate"], plain: plain, coded: Compress.zlib(plain)),
                Fixture(name: "deflate-raw", codings: ["deflate"], plain: plain, coded: Compress.rawDeflate(plain)),
                Fixture(name: "br", codings: ["br"], plain: plain, coded: Compress.brotli(plain)),
                Fixture(name: "zstd", codings: ["zstd"], plain: plain, coded: Compress.zstd(plain)),
                Fixture(name: "zstd, two frames", codings: ["zstd"], plain: plain + two, coded: Compress.zstd(plain) + Compress.zstd(two)),
                Fixture(name: "gzip, br, zstd", codings: ["gzip", "br", "zstd"], plain: plain,
                        coded: Compress.zstd(Compress.brotli(Compress.gzip(plain)))),
            ]
        }()
    }

    /// Plain bodies to code.
    enum Sample {
        /// Incompressible bytes, 1 MiB and a bit, the same on every run.
        static let random: [UInt8] = {
            var generator = SplitMix64(seed: 0x5EED_C0DE)
            return (0..<(1 << 20) + 4099).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }()

        /// Lines of text, over 1 MiB.
        static let text: [UInt8] = {
            var text = ""
            var line = 0
            while text.utf8.count < (1 << 20) + 777 {
                text += "\(line): The quick brown fox jumps over the lazy dog; \(line * 7919 % 1000) bottles.\n"
                line += 1
            }
            return Array(text.utf8)
        }()

        /// A sentence, to split at every byte.
        static let short = Array("Porter decodes gzip, deflate, br and zstd, one piece at a time.\n".utf8)
    }

    /// SplitMix64: a small deterministic generator for test data.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A change to a coded body; negative offsets count from the end.
    enum Corruption: Sendable, CustomTestStringConvertible {
        case replace(at: Int, with: UInt8)
        case flip(at: Int, bits: UInt8)

        var testDescription: String {
            switch self {
            case .replace(let offset, let byte): "byte \(offset) = \(byte)"
            case .flip(let offset, let bits): "byte \(offset) ^ \(bits)"
            }
        }

        func apply(to bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            switch self {
            case .replace(let offset, let byte):
                bytes[offset < 0 ? bytes.count + offset : offset] = byte
            case .flip(let offset, let bits):
                bytes[offset < 0 ? bytes.count + offset : offset] ^= bits
            }
            return bytes
        }
    }

    // MARK: - Compressors

    /// Codes test bodies with the reference libraries, streaming, so a body may be
    /// `repeats` copies of `data` without holding them all in memory.
    enum Compress {
        static func coded(_ data: [UInt8], as coding: String, repeats: Int = 1) -> [UInt8] {
            switch coding {
            case "gzip": gzip(data, repeats: repeats)
            case "deflate": zlib(data, repeats: repeats)
            case "br": brotli(data, repeats: repeats)
            case "zstd": zstd(data, repeats: repeats)
            default: fatalError("no compressor for \(coding)")
            }
        }

        static func gzip(_ data: [UInt8], repeats: Int = 1) -> [UInt8] { deflate(data, windowBits: MAX_WBITS + 16, repeats: repeats) }
        static func zlib(_ data: [UInt8], repeats: Int = 1) -> [UInt8] { deflate(data, windowBits: MAX_WBITS, repeats: repeats) }
        static func rawDeflate(_ data: [UInt8], repeats: Int = 1) -> [UInt8] { deflate(data, windowBits: -MAX_WBITS, repeats: repeats) }

        private static func deflate(_ data: [UInt8], windowBits: Int32, repeats: Int) -> [UInt8] {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            defer {
                CZlib.deflateEnd(stream)
                stream.deallocate()
            }
            precondition(CZlib_deflateInit2(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK)
            var coded: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            data.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { output in
                    for copy in 0..<repeats {
                        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                        stream.pointee.avail_in = uInt(input.count)
                        let flush = copy == repeats - 1 ? Z_FINISH : Z_NO_FLUSH
                        repeat {
                            stream.pointee.next_out = output.baseAddress
                            stream.pointee.avail_out = uInt(output.count)
                            let status = CZlib.deflate(stream, flush)
                            precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR)
                            coded.append(contentsOf: output[..<(output.count - Int(stream.pointee.avail_out))])
                        } while stream.pointee.avail_out == 0
                    }
                }
            }
            return coded
        }

        static func brotli(_ data: [UInt8], repeats: Int = 1) -> [UInt8] {
            let state = BrotliEncoderCreateInstance(nil, nil, nil)!
            defer { BrotliEncoderDestroyInstance(state) }
            precondition(BrotliEncoderSetParameter(state, BROTLI_PARAM_QUALITY, 5) != 0)
            var coded: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            data.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { output in
                    for copy in 0..<repeats {
                        var availableIn = input.count
                        var nextIn = input.baseAddress
                        let isLast = copy == repeats - 1
                        let operation = isLast ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_PROCESS
                        repeat {
                            var availableOut = output.count
                            var nextOut = output.baseAddress
                            precondition(BrotliEncoderCompressStream(state, operation, &availableIn, &nextIn, &availableOut, &nextOut, nil) != 0)
                            coded.append(contentsOf: output[..<(output.count - availableOut)])
                        } while availableIn > 0 || BrotliEncoderHasMoreOutput(state) != 0
                            || (isLast && BrotliEncoderIsFinished(state) == 0)
                    }
                }
            }
            return coded
        }

        /// Frames with a checksum; `windowLog` with `repeats > 1` makes a frame of unknown
        /// size whose header asks for that window.
        static func zstd(_ data: [UInt8], windowLog: Int32? = nil, repeats: Int = 1) -> [UInt8] {
            let context = ZSTD_createCCtx()!
            defer { ZSTD_freeCCtx(context) }
            precondition(ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)) == 0)
            if let windowLog {
                precondition(ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, windowLog)) == 0)
            }
            var coded: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            data.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { output in
                    for copy in 0..<repeats {
                        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
                        let isLast = copy == repeats - 1
                        var done = false
                        repeat {
                            var sink = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
                            let remaining = ZSTD_compressStream2(context, &sink, &source, isLast ? ZSTD_e_end : ZSTD_e_continue)
                            precondition(ZSTD_isError(remaining) == 0)
                            coded.append(contentsOf: output[..<sink.pos])
                            done = isLast ? remaining == 0 : source.pos == source.size
                        } while !done
                    }
                }
            }
            return coded
        }
    }
}
