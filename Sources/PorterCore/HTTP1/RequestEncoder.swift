/// Writes an HTTP/1.1 request head as bytes, refusing anything that could split or smuggle a request.
///
/// Sans-IO: the encoder appends to a caller-owned buffer and never touches a
/// socket. It is stateless and safe to call from any thread.
public enum RequestEncoder {
    /// Appends `METHOD SP target SP HTTP/x.y CRLF`, each field `Name: value CRLF`, then CRLF.
    ///
    /// A field with an empty value is written as `Name:` CRLF, as curl writes `-H "Name;"`.
    /// Field names and values are written exactly as given, in order; nothing is added.
    ///
    /// Everything is checked before the first byte is appended, so when this throws
    /// `buffer` is left exactly as it was.
    ///
    /// - Throws: ``PorterError/Code/invalidRequest`` when the method or a field name is not a
    ///   token, the target holds a space, a control byte or DEL, a field value holds CR, LF or
    ///   NUL, or the version is not a single digit pair.
    public static func encode(_ head: RequestHead, into buffer: inout [UInt8]) throws(PorterError) {
        try validate(head)

        var size = head.method.utf8.count + head.target.utf8.count + 13  // " HTTP/1.1\r\n" + SP + final CRLF
        for field in head.fields {
            size += field.name.utf8.count + field.value.utf8.count + 4
        }
        buffer.reserveCapacity(buffer.count + size)

        buffer.append(contentsOf: head.method.utf8)
        buffer.append(HTTPSyntax.sp)
        buffer.append(contentsOf: head.target.utf8)
        buffer.append(contentsOf: " HTTP/".utf8)
        buffer.append(UInt8(ascii: "0") + UInt8(head.version.major))
        buffer.append(UInt8(ascii: "."))
        buffer.append(UInt8(ascii: "0") + UInt8(head.version.minor))
        buffer.append(HTTPSyntax.cr)
        buffer.append(HTTPSyntax.lf)
        for field in head.fields {
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(HTTPSyntax.colon)
            if !field.value.utf8.isEmpty {
                buffer.append(HTTPSyntax.sp)
                buffer.append(contentsOf: field.value.utf8)
            }
            buffer.append(HTTPSyntax.cr)
            buffer.append(HTTPSyntax.lf)
        }
        buffer.append(HTTPSyntax.cr)
        buffer.append(HTTPSyntax.lf)
    }

    // MARK: - Validation

    private static func validate(_ head: RequestHead) throws(PorterError) {
        // RFC 9110 §9.1: method = token. A CR, LF or space here would end the request line early.
        if head.method.utf8.isEmpty {
            throw PorterError(.invalidRequest, "the request method is empty; the request was not sent")
        }
        if let bad = head.method.utf8.first(where: { !HTTPSyntax.isTokenByte($0) }) {
            throw PorterError(
                .invalidRequest,
                "request method \"\(printable(head.method))\" contains \(HTTPSyntax.describe(bad)), which a method token cannot hold; the request was not sent"
            )
        }

        // RFC 9112 §3.2: the target is delimited by SP; a space, CR, LF or other control byte
        // would let the target inject a second request line or header (request splitting).
        if head.target.utf8.isEmpty {
            throw PorterError(.invalidRequest, "the request target is empty; the request was not sent")
        }
        if let bad = head.target.utf8.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw PorterError(
                .invalidRequest,
                "request target \"\(printable(head.target))\" contains \(HTTPSyntax.describe(bad)); encode it as %XX; the request was not sent"
            )
        }

        // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT.
        guard (0...9).contains(head.version.major), (0...9).contains(head.version.minor) else {
            throw PorterError(
                .invalidRequest,
                "HTTP version \(head.version.major).\(head.version.minor) cannot be written as one digit each; the request was not sent"
            )
        }

        for field in head.fields {
            // RFC 9110 §5.1: field-name = token. A colon or whitespace in the name would change
            // where the name ends on the receiving side (RFC 9112 §5.1).
            if field.name.utf8.isEmpty {
                throw PorterError(.invalidRequest, "a header has an empty name; it was not sent")
            }
            if let bad = field.name.utf8.first(where: { !HTTPSyntax.isTokenByte($0) }) {
                throw PorterError(
                    .invalidRequest,
                    "header name \"\(printable(field.name))\" contains \(HTTPSyntax.describe(bad)), which a header name cannot hold; it was not sent"
                )
            }
            // RFC 9110 §5.5: CR, LF and NUL are never allowed in a field value (header injection).
            if let bad = field.value.utf8.first(where: { $0 == HTTPSyntax.cr || $0 == HTTPSyntax.lf || $0 == HTTPSyntax.nul }) {
                throw PorterError(
                    .invalidRequest,
                    "header \"\(field.name)\" value contains \(HTTPSyntax.describe(bad)); it was not sent"
                )
            }
        }
    }

    /// The string with control bytes shown as escapes, so an error message stays on one line.
    private static func printable(_ string: String) -> String {
        var out = ""
        for scalar in string.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Chunked bodies

    /// Appends `bytes` as one chunk of a chunked request body (RFC 9112 §7.1):
    /// `SIZE CRLF data CRLF`, the size in hexadecimal. Nothing for no bytes, since
    /// an empty chunk would end the body.
    public static func encodeChunk(_ bytes: [UInt8], into buffer: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        buffer.append(contentsOf: String(bytes.count, radix: 16).utf8)
        buffer.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
        buffer.append(contentsOf: bytes)
        buffer.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
    }

    /// Appends the last chunk and an empty trailer section, which end a chunked body.
    public static func encodeLastChunk(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: Array("0\r\n\r\n".utf8))
    }
}
