// The response head: lines, the status line, field lines (RFC 9112 §2, §4, §5).
extension ResponseParser {
    // MARK: - Lines

    /// Looks for the LF ending the line that starts at `pos`, resuming where the previous
    /// call stopped searching. `maxLength` bounds the line including its ending.
    mutating func findLine(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, maxLength: Int) -> LineSearch {
        let limit = maxLength > bytes.count - pos ? bytes.count : pos + maxLength
        var index = pos + scanned
        while index < limit {
            if bytes[index] == HTTPSyntax.lf {
                scanned = 0
                // RFC 9112 §2.2: CRLF, or a bare LF, ends a line.
                let end = index > pos && bytes[index - 1] == HTTPSyntax.cr ? index - 1 : index
                return .line(content: pos..<end, next: index + 1)
            }
            index += 1
        }
        if bytes.count - pos >= maxLength {
            scanned = 0
            return .tooLong
        }
        scanned = bytes.count - pos
        return .partial
    }

    /// Resets the per-section counters before a head or a trailer section.
    mutating func startSection() {
        sectionBytes = 0
        fieldCount = 0
        fields = HeaderFields()
    }

    /// Takes one line of a head (without its ending); returns the head when `line` is the empty line ending it.
    mutating func takeHeadLine(_ line: UnsafeBufferPointer<UInt8>) throws(PorterError) -> ResponseHead? {
        // A valid status is at least 100, so 0 means the status line has not come yet.
        if status == 0 {
            try takeStatusLine(line)
            return nil
        }
        guard line.isEmpty else {
            try takeFieldLine(line, inTrailers: false)
            return nil
        }
        let head = ResponseHead(version: version, status: status, reason: reason, fields: fields, rawBytes: rawHead)
        rawHead = []
        status = 0
        reason = ""
        if head.isInformational && head.status != 101 {
            // RFC 9110 §15.2: an interim response; the final one follows on the same connection.
            startSection()
            sawInterimHead = true
        } else {
            try startBody(after: head)
        }
        return head
    }

    /// At the start of a response: whether the bytes cannot begin `HTTP/`, which makes it an
    /// HTTP/0.9 response (RFC 1945 §3.1: a Simple-Response is the body alone). Returns the
    /// synthetic head of such a response when ``allowsHTTP09``; nil while it may still be HTTP/1.x.
    mutating func http09Head(_ bytes: UnsafeBufferPointer<UInt8>) throws(PorterError) -> ResponseHead? {
        let prefix: StaticString = "HTTP/"
        let looksLikeHTTP1 = prefix.withUTF8Buffer { prefix in
            zip(bytes.prefix(prefix.count), prefix).allSatisfy { $0 == $1 }
        }
        guard !looksLikeHTTP1, !bytes.isEmpty else { return nil }
        guard allowsHTTP09 else {
            // The reason names no bytes: how many have arrived depends on how the input was cut.
            throw PorterError(
                .malformedStatusLine,
                "the response does not start with an HTTP/1.x status line; an HTTP/0.9 response is refused unless allowed"
            )
        }
        guard !isHeadRequest else {
            throw PorterError(.malformedHeaderField, "an HTTP/0.9 response cannot answer HEAD: it has no head to send")
        }
        let head = ResponseHead(version: HTTPVersion(major: 0, minor: 9), status: 200, reason: "", fields: HeaderFields(), rawBytes: [])
        reusable = false
        framing = .untilClose
        state = .untilClose
        return head
    }

    /// Parses `HTTP/1.x SP 3DIGIT [SP reason]` (RFC 9112 §4).
    mutating func takeStatusLine(_ line: UnsafeBufferPointer<UInt8>) throws(PorterError) {
        // "HTTP/1.1 200" is the shortest valid status line.
        let prefix: StaticString = "HTTP/1."
        let valid = line.count >= 12
            && prefix.withUTF8Buffer { line.starts(with: $0) }
            && HTTPSyntax.isDigit(line[7])
            && line[8] == HTTPSyntax.sp
            && line[9] >= UInt8(ascii: "1") && line[9] <= UInt8(ascii: "9")
            && HTTPSyntax.isDigit(line[10]) && HTTPSyntax.isDigit(line[11])
            && (line.count == 12 || line[12] == HTTPSyntax.sp)
        // RFC 9112 §2.2: a bare CR, and NUL, are never part of a line.
        if valid, let bad = line.first(where: { $0 == HTTPSyntax.cr || $0 == HTTPSyntax.nul }) {
            throw PorterError(
                .malformedHeaderField,
                "the status line \"\(Self.excerpt(line))\" contains \(HTTPSyntax.describe(bad))"
            )
        }
        guard valid else {
            // After an interim response the final one must follow: anything else is a broken reply.
            throw PorterError(
                sawInterimHead ? .malformedHeaderField : .malformedStatusLine,
                "the response does not start with a valid HTTP/1.x status line: \"\(Self.excerpt(line))\""
                    + (sawInterimHead ? " (after an interim response)" : "")
            )
        }
        version = HTTPVersion(major: 1, minor: Int(line[7] - 0x30))
        status = Int(line[9] - 0x30) * 100 + Int(line[10] - 0x30) * 10 + Int(line[11] - 0x30)
        reason = line.count > 13 ? String(decoding: UnsafeBufferPointer(rebasing: line[13...]), as: UTF8.self) : ""
    }

    /// Parses `name: value`, or an obs-fold continuation of the previous field.
    mutating func takeFieldLine(_ line: UnsafeBufferPointer<UInt8>, inTrailers: Bool) throws(PorterError) {
        let code: PorterError.Code = .malformedHeaderField
        let what = inTrailers ? "trailer line" : "header line"

        // RFC 9110 §5.5: NUL is never allowed; RFC 9112 §2.2: a CR must be followed by LF.
        if let bad = line.first(where: { $0 == HTTPSyntax.cr || $0 == HTTPSyntax.nul }) {
            let byte = bad == HTTPSyntax.cr ? "a carriage return (CR) not followed by a line feed" : HTTPSyntax.describe(bad)
            throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" contains \(byte)")
        }

        if HTTPSyntax.isWhitespace(line[0]) {
            // RFC 9112 §5.2: obs-fold. Unfold into the previous value with one SP.
            guard fieldCount > 0 else {
                // RFC 9112 §2.2: whitespace between the start-line and the first field may be
                // consumed without further processing instead of rejecting the message.
                guard inTrailers else { return }
                throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" starts with whitespace but no field precedes it to continue")
            }
            fields.unfoldLastValue(appending: Self.trimmedString(line, from: 0))
            return
        }

        var colon = 0
        while colon < line.count && line[colon] != HTTPSyntax.colon {
            guard HTTPSyntax.isTokenByte(line[colon]) else {
                if HTTPSyntax.isWhitespace(line[colon]) {
                    // RFC 9112 §5.1: no whitespace between name and colon (request smuggling, e.g. CVE-2019-16869).
                    throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has whitespace inside or after the field name")
                }
                throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has \(HTTPSyntax.describe(line[colon])) in the field name")
            }
            colon += 1
        }
        guard colon < line.count else {
            throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has no colon")
        }
        guard colon > 0 else {
            throw PorterError(code, "\(what) \"\(Self.excerpt(line))\" has an empty field name")
        }

        // curl's MAX_HTTP_RESP_HEADER_COUNT: bound the work and memory one head can cost.
        guard fieldCount < limits.maxFieldCount else {
            throw PorterError(
                .tooManyHeaderFields,
                "the response has more than \(limits.maxFieldCount) \(inTrailers ? "trailer" : "header") fields"
            )
        }
        fieldCount += 1
        let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
        fields.append(name: name, value: Self.trimmedString(line, from: colon + 1))
    }
}
