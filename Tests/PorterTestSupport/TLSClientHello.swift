/// What a TLS client offers in its ClientHello, read from the raw bytes of
/// the first handshake record (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2), for
/// tests of what Porter puts on the wire before any server answers.
public struct TLSClientHello: Sendable {
    /// The record layer's version field (0x0301 or 0x0303 in practice).
    public let recordVersion: UInt16
    /// `legacy_version`: 0x0303 (TLS 1.2) for TLS 1.2 and 1.3 clients.
    public let legacyVersion: UInt16
    /// The cipher suites in the order offered, as IANA code points.
    public let cipherSuites: [UInt16]
    /// The versions of the `supported_versions` extension (RFC 8446 §4.2.1),
    /// GREASE values included; empty when the extension is absent.
    public let supportedVersions: [UInt16]
    /// The extension types, in the order sent.
    public let extensionTypes: [UInt16]
    /// The host name of the `server_name` extension (RFC 6066 §3), if any.
    public let serverName: String?

    /// The record's total length on the wire: the 5-byte header and its body.
    public static func recordLength(header: [UInt8]) -> Int? {
        guard header.count >= 5, header[0] == 0x16 else { return nil }
        return 5 + Int(header[3]) << 8 + Int(header[4])
    }

    /// Parses one handshake record holding a whole ClientHello.
    ///
    /// - Throws: ``TestSupportError`` naming the offset where the bytes stop
    ///   making sense.
    public init(record: [UInt8]) throws {
        var reader = Reader(bytes: record)
        guard try reader.byte() == 0x16 else {
            throw TestSupportError("not a TLS handshake record: first byte 0x\(String(record.first ?? 0, radix: 16))")
        }
        recordVersion = try reader.uint16()
        let recordLength = try reader.uint16()
        guard record.count >= 5 + Int(recordLength) else {
            throw TestSupportError("the record announces \(recordLength) bytes, only \(record.count - 5) present")
        }
        guard try reader.byte() == 0x01 else {
            throw TestSupportError("the handshake message is not a ClientHello")
        }
        _ = try reader.bytes(3)
        legacyVersion = try reader.uint16()
        _ = try reader.bytes(32)
        _ = try reader.bytes(Int(try reader.byte()))
        let suitesLength = Int(try reader.uint16())
        var suites: [UInt16] = []
        var suitesReader = Reader(bytes: try reader.bytes(suitesLength))
        while !suitesReader.isAtEnd { suites.append(try suitesReader.uint16()) }
        cipherSuites = suites
        _ = try reader.bytes(Int(try reader.byte()))

        var versions: [UInt16] = []
        var types: [UInt16] = []
        var name: String?
        if !reader.isAtEnd {
            var extensions = Reader(bytes: try reader.bytes(Int(try reader.uint16())))
            while !extensions.isAtEnd {
                let type = try extensions.uint16()
                var body = Reader(bytes: try extensions.bytes(Int(try extensions.uint16())))
                types.append(type)
                switch type {
                case 0x002B:
                    var list = Reader(bytes: try body.bytes(Int(try body.byte())))
                    while !list.isAtEnd { versions.append(try list.uint16()) }
                case 0x0000:
                    var list = Reader(bytes: try body.bytes(Int(try body.uint16())))
                    if try list.byte() == 0 {
                        name = String(decoding: try list.bytes(Int(try list.uint16())), as: UTF8.self)
                    }
                default:
                    break
                }
            }
        }
        supportedVersions = versions
        extensionTypes = types
        serverName = name
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }

        mutating func byte() throws -> UInt8 {
            try bytes(1)[0]
        }

        mutating func uint16() throws -> UInt16 {
            let pair = try bytes(2)
            return UInt16(pair[0]) << 8 | UInt16(pair[1])
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count else {
                throw TestSupportError("ClientHello ends early: \(count) bytes wanted at offset \(offset) of \(bytes.count)")
            }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }
    }
}
