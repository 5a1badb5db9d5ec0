// How the body is delimited: Transfer-Encoding and Content-Length (RFC 9112 §6).
extension ResponseParser {
    // MARK: - Framing

    /// Decides how the final response's body is delimited (RFC 9112 §6.3) and whether the
    /// connection persists (RFC 9112 §9.3).
    mutating func startBody(after head: ResponseHead) throws(PorterError) {
        let headFields = head.fields
        // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
        if headFields.containsToken("close", in: "Connection") {
            reusable = false
        } else if head.version.minor >= 1 {
            reusable = true
        } else {
            reusable = headFields.containsToken("keep-alive", in: "Connection")
        }
        startSection()

        let framing: Framing
        if head.status == 101 {
            // RFC 9110 §15.2.2: after 101 the connection speaks another protocol.
            framing = .none
            reusable = false
        } else if isHeadRequest || head.status == 204 || head.status == 304 {
            // RFC 9112 §6.3 item 1: no body, whatever the framing fields say.
            framing = .none
        } else if isConnectRequest && (200..<300).contains(head.status) {
            // RFC 9112 §6.3 item 2: the connection becomes a tunnel.
            framing = .none
            reusable = false
        } else if headFields.contains("Transfer-Encoding") {
            try Self.checkTransferEncoding(headFields)
            // RFC 9112 §6.3 item 3: Transfer-Encoding overrides Content-Length, but both together
            // may be a smuggling attempt, and RFC 9112 §6.1 says the same of Transfer-Encoding in
            // HTTP/1.0: read the body as chunked, then close.
            if headFields.contains("Content-Length") || head.version.minor == 0 {
                reusable = false
            }
            framing = .chunked
        } else if !ignoresContentLength, let length = try Self.contentLength(headFields) {
            framing = .contentLength(length)
        } else {
            // RFC 9112 §6.3 item 8: no framing fields, the body ends when the connection closes.
            framing = .untilClose
            reusable = false
        }

        self.framing = framing
        switch framing {
        case .none, .contentLength(0): state = .complete
        case .contentLength(let length): state = .contentLength(remaining: length)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// Accepts `Transfer-Encoding` only when `chunked` is its final coding and appears once.
    static func checkTransferEncoding(_ fields: HeaderFields) throws(PorterError) {
        var codings: [Substring] = []
        for value in fields.values(named: "Transfer-Encoding") {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                // RFC 9110 §5.6.1: empty list elements are ignored; RFC 9112 §7: parameters follow ";".
                let coding = (element.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                    .trimmingASCIIWhitespace()
                if !coding.isEmpty { codings.append(coding) }
            }
        }
        let chunkedCount = codings.count { HeaderFields.namesEqual($0, "chunked") }
        // RFC 9112 §6.1: chunked must not be applied more than once.
        if chunkedCount > 1 {
            throw PorterError(
                .invalidTransferEncoding,
                "Transfer-Encoding lists chunked more than once; the body length is ambiguous"
            )
        }
        // RFC 9112 §6.3 item 4: without chunked last the body could only be read until close;
        // a response that could be read two ways is refused instead.
        guard let last = codings.last, HeaderFields.namesEqual(last, "chunked") else {
            throw PorterError(
                .invalidTransferEncoding,
                "Transfer-Encoding \"\(fields.values(named: "Transfer-Encoding").joined(separator: ", "))\" does not end in chunked; the body length is ambiguous"
            )
        }
    }

    /// The body length from every `Content-Length` field, or nil when there is none (RFC 9110 §8.6).
    static func contentLength(_ fields: HeaderFields) throws(PorterError) -> UInt64? {
        var length: UInt64?
        for field in fields where HeaderFields.namesEqual(field.name, "Content-Length") {
            // RFC 9110 §8.6: a list of identical values ("5, 5") is one value.
            for element in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                // RFC 9110 §8.6: Content-Length = 1*DIGIT; a sign, a fraction or an overflow is invalid.
                guard let value = decimal(element.trimmingASCIIWhitespace()) else {
                    throw PorterError(
                        .invalidContentLength,
                        "Content-Length \"\(field.value)\" is not a decimal number of bytes that fits in 64 bits"
                    )
                }
                // RFC 9112 §6.3 item 5: differing lengths make the framing ambiguous (request smuggling).
                if let known = length, known != value {
                    throw PorterError(
                        .conflictingContentLength,
                        "the response gives different Content-Length values (\(known) and \(value)); the body length is ambiguous"
                    )
                }
                length = value
            }
        }
        return length
    }

    /// The value of 1*DIGIT, or nil when `digits` is empty, holds anything else, or overflows.
    static func decimal(_ digits: Substring) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits.utf8 {
            guard HTTPSyntax.isDigit(byte) else { return nil }
            let (times10, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflowed, !carried else { return nil }
            value = sum
        }
        return value
    }
}
