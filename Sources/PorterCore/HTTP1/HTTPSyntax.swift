/// Byte classes of HTTP/1.1 syntax shared by the request encoder and the response parser.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let nul: UInt8 = 0x00
    static let dquote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// Whether `byte` is a `tchar` (RFC 9110 §5.6.2): the bytes of a method, a field name or a coding.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Whether `byte` is optional whitespace (RFC 9110 §5.6.3: SP or HTAB).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == sp || byte == htab }

    /// Whether `byte` may stand in a quoted-string, or follow its backslash (RFC 9110 §5.6.4):
    /// HTAB, SP, VCHAR or obs-text, never another control byte. DQUOTE and backslash are the
    /// caller's to treat first.
    @inline(__always)
    static func isQuotedTextByte(_ byte: UInt8) -> Bool { byte == htab || (byte >= sp && byte != 0x7F) }

    /// Whether `byte` is an ASCII decimal digit.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The value of an ASCII hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case 0x30...0x39: return UInt64(byte - 0x30)
        case 0x41...0x46: return UInt64(byte - 0x41 + 10)
        case 0x61...0x66: return UInt64(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// A byte named for a person reading an error: `a line feed (LF)`, `the byte 0x07`.
    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case nul: return "a NUL byte"
        case cr: return "a carriage return (CR)"
        case lf: return "a line feed (LF)"
        case sp: return "a space"
        case htab: return "a tab"
        case 0x7F: return "a DEL byte (0x7F)"
        case 0x21...0x7E: return "the character \"\(Character(Unicode.Scalar(byte)))\""
        default: return "the byte 0x\(hex2(byte))"
        }
    }

    /// Two upper-case hexadecimal digits for `byte`.
    static func hex2(_ byte: UInt8) -> String { ByteEncoding.hex([byte]) }
}
