import Testing
@testable import PorterCore

/// One wire capture and what parsing it must produce.
struct ResponseFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var wire: String
    var methods: [String] = ["GET"]
    var limits = ResponseParser.Limits()
    /// Status of every head, interim ones included.
    var statuses: [Int] = []
    /// Body of each completed response.
    var bodies: [String] = []
    /// `isReusable` of each completed response, when the fixture is about it.
    var reusable: [Bool]?
    /// Framing of the last completed response, when the fixture is about it.
    var framing: ResponseParser.Framing?
    /// Trailers of the last completed response.
    var trailers: [HeaderField] = []
    /// Bytes the caller still holds after the last response ended.
    var leftover: String = ""
    /// The error that must stop parsing.
    var error: PorterError.Code?

    var testDescription: String { name }
}

private let crlf = "\r\n"

/// Responses that parse.
private let goodResponses: [ResponseFixture] = [
    ResponseFixture(
        name: "Content-Length body",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        statuses: [200], bodies: ["hello"], reusable: [true], framing: .contentLength(5)
    ),
    ResponseFixture(
        name: "Content-Length 0",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        statuses: [200], bodies: [""], reusable: [true], framing: .contentLength(0)
    ),
    ResponseFixture(
        name: "bytes after a Content-Length body are left to the caller",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhistray",
        statuses: [200], bodies: ["hi"], reusable: [true], leftover: "stray"
    ),
    ResponseFixture(
        name: "HTTP/1.0 body read until close",
        wire: "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of this\r\nuntil close",
        statuses: [200], bodies: ["all of this\r\nuntil close"], reusable: [false], framing: .untilClose
    ),
    ResponseFixture(
        name: "HTTP/1.1 without framing fields reads until close",
        wire: "HTTP/1.1 200 OK\r\n\r\nabc",
        statuses: [200], bodies: ["abc"], reusable: [false], framing: .untilClose
    ),
    ResponseFixture(
        name: "status line without reason phrase",
        wire: "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok",
        statuses: [200], bodies: ["ok"], reusable: [true]
    ),
    ResponseFixture(
        name: "status line with empty reason phrase",
        wire: "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n",
        statuses: [404], bodies: [""]
    ),
    ResponseFixture(
        name: "HTTP/1.2 is read as a later HTTP/1.x",
        wire: "HTTP/1.2 200 OK\r\nContent-Length: 1\r\n\r\nx",
        statuses: [200], bodies: ["x"], reusable: [true]
    ),
    ResponseFixture(
        name: "bare LF line endings",
        wire: "HTTP/1.1 200 OK\nContent-Length: 3\nX-A: b\n\nabc",
        statuses: [200], bodies: ["abc"], reusable: [true]
    ),
    ResponseFixture(
        name: "mixed CRLF and bare LF",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 3\n\r\nabc",
        statuses: [200], bodies: ["abc"]
    ),
    ResponseFixture(
        name: "obs-fold continuation lines",
        wire: "HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second \r\n\tthird\r\nContent-Length: 0\r\n\r\n",
        statuses: [200], bodies: [""]
    ),
    ResponseFixture(
        name: "chunked with extensions and trailers",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n"
            + "6 ; a=\"b;c\" ;d\r\n world\r\n"
            + "000\r\nExpires: never\r\nX-Checksum: abc\r\n\r\n",
        statuses: [200], bodies: ["hello world"], reusable: [true], framing: .chunked,
        trailers: [HeaderField(name: "Expires", value: "never"), HeaderField(name: "X-Checksum", value: "abc")]
    ),
    ResponseFixture(
        name: "chunk extensions: bare names, BWS around =, quoted-pair, obs-text",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4 ;a = \"q\\\"p;\u{00E9}\" ; b;c=d\r\nwxyz\r\n0;last\r\n\r\n",
        statuses: [200], bodies: ["wxyz"], framing: .chunked
    ),
    ResponseFixture(
        name: "chunked with bare LF, upper-case hex and leading zeros",
        wire: "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n000A\n0123456789\n0\n\n",
        statuses: [200], bodies: ["0123456789"], framing: .chunked
    ),
    ResponseFixture(
        name: "chunked whose chunk data holds CRLF",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n",
        statuses: [200], bodies: ["\r\n\r\n"]
    ),
    ResponseFixture(
        name: "trailer obs-fold",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\r\n b\r\n\r\n",
        statuses: [200], bodies: [""], trailers: [HeaderField(name: "X-T", value: "a b")]
    ),
    ResponseFixture(
        name: "100 Continue then 200",
        wire: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone",
        statuses: [100, 200], bodies: ["done"], reusable: [true]
    ),
    ResponseFixture(
        name: "102 and 103 with fields then 200",
        wire: "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!",
        statuses: [102, 103, 200], bodies: ["!"]
    ),
    ResponseFixture(
        name: "101 Switching Protocols has no body and hands the rest over",
        wire: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{05}hello",
        statuses: [101], bodies: [""], reusable: [false], framing: ResponseParser.Framing.none,
        leftover: "\u{81}\u{05}hello"
    ),
    ResponseFixture(
        name: "204 with Content-Length has no body",
        wire: "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
        statuses: [204], bodies: [""], reusable: [true], framing: ResponseParser.Framing.none
    ),
    ResponseFixture(
        name: "304 with Content-Length has no body; the next bytes are the caller's",
        wire: "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\nHTTP/1.1 200 OK\r\n",
        statuses: [304], bodies: [""], reusable: [true], framing: ResponseParser.Framing.none,
        leftover: "HTTP/1.1 200 OK\r\n"
    ),
    ResponseFixture(
        name: "HEAD response with Content-Length has no body",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
        methods: ["HEAD"],
        statuses: [200], bodies: [""], reusable: [true], framing: ResponseParser.Framing.none
    ),
    ResponseFixture(
        name: "HEAD response with chunked has no body",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        methods: ["HEAD"],
        statuses: [200], bodies: [""], reusable: [true], framing: ResponseParser.Framing.none
    ),
    ResponseFixture(
        name: "2xx to CONNECT opens a tunnel",
        wire: "HTTP/1.1 200 Connection established\r\n\r\n\u{16}\u{03}\u{01}",
        methods: ["CONNECT"],
        statuses: [200], bodies: [""], reusable: [false], framing: ResponseParser.Framing.none,
        leftover: "\u{16}\u{03}\u{01}"
    ),
    ResponseFixture(
        name: "identical duplicate Content-Length fields",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello",
        statuses: [200], bodies: ["hello"], reusable: [true], framing: .contentLength(5)
    ),
    ResponseFixture(
        name: "Content-Length list of identical values",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello",
        statuses: [200], bodies: ["hello"], framing: .contentLength(5)
    ),
    ResponseFixture(
        name: "Content-Length with leading zeros",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\nseven!!",
        statuses: [200], bodies: ["seven!!"], framing: .contentLength(7)
    ),
    ResponseFixture(
        name: "Transfer-Encoding gzip, chunked is chunked",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\ngz!\r\n0\r\n\r\n",
        statuses: [200], bodies: ["gz!"], reusable: [true], framing: .chunked
    ),
    ResponseFixture(
        name: "Transfer-Encoding across two fields, Chunked in any case",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        statuses: [200], bodies: ["x"], framing: .chunked
    ),
    ResponseFixture(
        name: "Transfer-Encoding chunked with Content-Length: chunked wins, not reusable",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        statuses: [200], bodies: ["ok"], reusable: [false], framing: .chunked
    ),
    ResponseFixture(
        name: "Transfer-Encoding in HTTP/1.0 is read but not reused",
        wire: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        statuses: [200], bodies: ["ok"], reusable: [false], framing: .chunked
    ),
    ResponseFixture(
        name: "HTTP/1.1 persists by default",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        statuses: [200], bodies: [""], reusable: [true]
    ),
    ResponseFixture(
        name: "Connection: close",
        wire: "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n",
        statuses: [200], bodies: [""], reusable: [false]
    ),
    ResponseFixture(
        name: "HTTP/1.0 with keep-alive persists",
        wire: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok",
        statuses: [200], bodies: ["ok"], reusable: [true]
    ),
    ResponseFixture(
        name: "HTTP/1.0 without keep-alive closes",
        wire: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        statuses: [200], bodies: ["ok"], reusable: [false]
    ),
    ResponseFixture(
        name: "pipelined responses",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nworld!\r\n0\r\n\r\n"
            + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        methods: ["GET", "GET", "GET"],
        statuses: [200, 200, 404], bodies: ["hello", "world!", ""], reusable: [true, true, true]
    ),
    ResponseFixture(
        name: "pipelined response after a HEAD",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        methods: ["HEAD", "GET"],
        statuses: [200, 200], bodies: ["", "hello"], reusable: [true, true]
    ),
    ResponseFixture(
        name: "head exactly at the size limit",
        wire: "HTTP/1.1 200 OK\r\nX-Pad: 01234567890123456789\r\n\r\n",
        limits: .init(maxHeadBytes: 48),
        statuses: [200], bodies: [""]
    ),
    ResponseFixture(
        name: "fields exactly at the count limit",
        wire: "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n",
        limits: .init(maxFieldCount: 3),
        statuses: [200], bodies: [""]
    ),
    ResponseFixture(
        name: "chunk-size line exactly at its limit",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;abcdefghij\r\nx\r\n0\r\n\r\n",
        limits: .init(maxChunkLineBytes: 14),
        statuses: [200], bodies: ["x"]
    ),
    ResponseFixture(
        name: "largest Content-Length, closed early",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nabc",
        statuses: [200], error: .incompleteBody
    ),
    ResponseFixture(
        name: "largest chunk size, closed early",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc",
        statuses: [200], error: .incompleteBody
    ),
]

/// Responses that must be refused, or that end too early.
private let badResponses: [ResponseFixture] = [
    // Status line (RFC 9112 §4).
    ResponseFixture(name: "HTTP/2 status line", wire: "HTTP/2 200 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "two-digit status", wire: "HTTP/1.1 20 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "four-digit status", wire: "HTTP/1.1 2000 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "status below 100", wire: "HTTP/1.1 099 Odd\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "no space before reason", wire: "HTTP/1.1 200OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "two spaces before status", wire: "HTTP/1.1  200 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "lower-case protocol name", wire: "http/1.1 200 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "ICY status line", wire: "ICY 200 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "empty line before status line", wire: "\r\nHTTP/1.1 200 OK\r\n\r\n", error: .malformedStatusLine),
    ResponseFixture(name: "HTTP/0.9 style body", wire: "<html>hello</html>\n", error: .malformedStatusLine),
    ResponseFixture(name: "CR inside the status line", wire: "HTTP/1.1 200 O\rK\r\n\r\n", error: .malformedHeaderField),

    // Field lines (RFC 9112 §5, RFC 9110 §5.5).
    ResponseFixture(
        name: "space before colon",
        wire: "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
        statuses: [], error: .malformedHeaderField
    ),
    ResponseFixture(
        name: "tab before colon",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding\t: chunked\r\n\r\n",
        error: .malformedHeaderField
    ),
    ResponseFixture(name: "NUL in a field value", wire: "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n", error: .malformedHeaderField),
    ResponseFixture(name: "CR in the middle of a field line", wire: "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", error: .malformedHeaderField),
    ResponseFixture(name: "CR CR LF", wire: "HTTP/1.1 200 OK\r\nX-A: a\r\r\n\r\n", error: .malformedHeaderField),
    ResponseFixture(name: "NUL in the status line", wire: "HTTP/1.1 200 OK\u{0}\r\n\r\n", error: .malformedHeaderField),
    ResponseFixture(name: "field line without colon", wire: "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", error: .malformedHeaderField),
    ResponseFixture(name: "empty field name", wire: "HTTP/1.1 200 OK\r\n: value\r\n\r\n", error: .malformedHeaderField),
    ResponseFixture(name: "non-token byte in a name", wire: "HTTP/1.1 200 OK\r\nX(A): v\r\n\r\n", error: .malformedHeaderField),

    // Limits.
    ResponseFixture(
        name: "head one byte over the size limit",
        wire: "HTTP/1.1 200 OK\r\nX-Pad: 012345678901234567890\r\n\r\n",
        limits: .init(maxHeadBytes: 48), error: .headerBlockTooLarge
    ),
    ResponseFixture(
        name: "head that never ends is refused at the limit",
        wire: "HTTP/1.1 200 OK\r\nX-Endless: " + String(repeating: "a", count: 200),
        limits: .init(maxHeadBytes: 64), error: .headerBlockTooLarge
    ),
    ResponseFixture(
        name: "too many fields",
        wire: "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
        limits: .init(maxFieldCount: 3), error: .tooManyHeaderFields
    ),
    ResponseFixture(
        name: "trailer section over the size limit",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: " + String(repeating: "t", count: 60) + "\r\n\r\n",
        limits: .init(maxHeadBytes: 64), statuses: [200], error: .headerBlockTooLarge
    ),
    ResponseFixture(
        name: "too many trailer fields",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\n\r\n",
        limits: .init(maxFieldCount: 1), statuses: [200], error: .tooManyHeaderFields
    ),

    // Content-Length (RFC 9110 §8.6, RFC 9112 §6.3 item 5).
    ResponseFixture(
        name: "differing Content-Length fields",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        error: .conflictingContentLength
    ),
    ResponseFixture(
        name: "Content-Length list of differing values",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!",
        error: .conflictingContentLength
    ),
    ResponseFixture(name: "Content-Length not a number", wire: "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", error: .invalidContentLength),
    ResponseFixture(name: "negative Content-Length", wire: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", error: .invalidContentLength),
    ResponseFixture(name: "Content-Length with plus sign", wire: "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", error: .invalidContentLength),
    ResponseFixture(name: "empty Content-Length", wire: "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", error: .invalidContentLength),
    ResponseFixture(name: "Content-Length with inner space", wire: "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", error: .invalidContentLength),
    ResponseFixture(name: "Content-Length with empty list element", wire: "HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello", error: .invalidContentLength),
    ResponseFixture(
        name: "Content-Length overflowing 64 bits",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
        error: .invalidContentLength
    ),

    // Transfer-Encoding (RFC 9112 §6.1, §6.3 item 4).
    ResponseFixture(
        name: "chunked not the final coding",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        error: .invalidTransferEncoding
    ),
    ResponseFixture(name: "gzip without chunked", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", error: .invalidTransferEncoding),
    ResponseFixture(name: "chunked twice", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", error: .invalidTransferEncoding),
    ResponseFixture(
        name: "chunked twice across fields",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        error: .invalidTransferEncoding
    ),
    ResponseFixture(name: "empty Transfer-Encoding", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n", error: .invalidTransferEncoding),

    // Chunks (RFC 9112 §7.1).
    ResponseFixture(
        name: "non-hex chunk size",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "empty chunk-size line",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "0x prefix on chunk size",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "negative chunk size",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "junk after chunk size",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "whitespace after chunk size without an extension (llhttp transfer-encoding.md:4)",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n25  \r\nThis is the data in the first chunk\r\n\r\n0\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "chunk extension without a name (llhttp transfer-encoding.md:248)",
        wire: "HTTP/1.1 200 OK\r\nTransfer-encoding: chunked\r\n\r\n2;\r\naa\r\n0\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "chunk extension with an unclosed quoted value (llhttp transfer-encoding.md:345)",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ilovew3=\"abc\";somuchlove=\"def; ghi\r\nhello\r\n0\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "chunk extension with an empty value",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\r\nx\r\n0\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "bare CR in a chunk extension",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a\rb\r\nx\r\n0\r\n\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "chunk size overflowing 64 bits",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
        statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "chunk-size line over its limit",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;abcdefghijk\r\nx\r\n0\r\n\r\n",
        limits: .init(maxChunkLineBytes: 14), statuses: [200], error: .invalidChunkSize
    ),
    ResponseFixture(
        name: "chunk data longer than its size",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhelloXX\r\n0\r\n\r\n",
        statuses: [200], error: .malformedChunk
    ),
    ResponseFixture(
        name: "chunk data followed by CR and not LF",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX0\r\n\r\n",
        statuses: [200], error: .malformedChunk
    ),
    ResponseFixture(
        name: "malformed trailer line",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
        statuses: [200], error: .malformedHeaderField
    ),

    // RFC 9112 §2.2: a whitespace-preceded line before the first field is consumed, not processed.
    ResponseFixture(
        name: "whitespace line before the first field is consumed",
        wire: "HTTP/1.1 200 OK\r\n folded: x\r\nContent-Length: 2\r\n\r\nok",
        statuses: [200], bodies: ["ok"], reusable: [true], framing: .contentLength(2)
    ),

    // End of stream (finish()).
    ResponseFixture(name: "empty reply", wire: "", error: .emptyReply),
    ResponseFixture(name: "closed in the status line", wire: "HTTP/1.1 20", error: .incompleteHead),
    ResponseFixture(name: "closed in the head", wire: "HTTP/1.1 200 OK\r\nContent-Le", error: .incompleteHead),
    ResponseFixture(name: "closed after the last field line", wire: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", error: .incompleteHead),
    ResponseFixture(name: "closed after an interim response", wire: "HTTP/1.1 100 Continue\r\n\r\n", statuses: [100], error: .incompleteHead),
    ResponseFixture(
        name: "closed in a Content-Length body",
        wire: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        statuses: [200], error: .incompleteBody
    ),
    ResponseFixture(
        name: "closed in chunk data",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        statuses: [200], error: .incompleteBody
    ),
    ResponseFixture(
        name: "closed before the last chunk",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        statuses: [200], error: .incompleteBody
    ),
    ResponseFixture(
        name: "closed in the trailers",
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n",
        statuses: [200], error: .incompleteBody
    ),
]

@Suite("ResponseParser")
struct ResponseParserTests {
    @Test("parses whole, split at every byte and byte by byte", arguments: goodResponses)
    func parses(_ fixture: ResponseFixture) {
        check(fixture)
    }

    @Test("refuses whole, split at every byte and byte by byte", arguments: badResponses)
    func refuses(_ fixture: ResponseFixture) {
        check(fixture)
    }

    private func check(_ fixture: ResponseFixture) {
        let outcome = ParserHarness.parseAllWays(Array(wire: fixture.wire), methods: fixture.methods, limits: fixture.limits)
        #expect(outcome.error == fixture.error, "\(outcome.reason ?? "no error")")
        if let error = fixture.error {
            #expect(outcome.reason?.isEmpty == false, "\(error.name) has a reason")
        }
        #expect(outcome.statuses == fixture.statuses)
        #expect(outcome.bodyStrings == fixture.bodies)
        if let reusable = fixture.reusable {
            #expect(outcome.reusable == reusable)
        }
        if let framing = fixture.framing {
            #expect(outcome.framings.last == framing)
        }
        #expect((outcome.trailers.last?.fields ?? []) == fixture.trailers)
        #expect(String(decoding: outcome.leftover, as: UTF8.self) == fixture.leftover)
        for head in outcome.heads {
            #expect(head.rawBytes.last == 0x0A, "rawBytes ends with the empty line")
        }
    }

    // MARK: - Heads in detail

    @Test func headKeepsExactBytesSpellingAndOrder() throws {
        let interim = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        let final = "HTTP/1.1 200 Very OK\r\nx-lower: a\r\nX-UPPER:b\r\nSet-Cookie: 1\r\nset-cookie: 2\nEmpty:\r\n\r\n"
        let outcome = ParserHarness.parseAllWays(Array(wire: interim + final + "tail"), everySplit: true)
        try #require(outcome.heads.count == 2)
        #expect(outcome.heads[0].rawBytes == Array(wire: interim))
        #expect(outcome.heads[0].isInformational)
        let head = outcome.heads[1]
        #expect(head.rawBytes == Array(wire: final))
        #expect(head.version == .http1_1)
        #expect(head.status == 200)
        #expect(head.reason == "Very OK")
        #expect(head.fields.map(\.name) == ["x-lower", "X-UPPER", "Set-Cookie", "set-cookie", "Empty"])
        #expect(head.fields.map(\.value) == ["a", "b", "1", "2", ""])
        #expect(head.fields.values(named: "SET-COOKIE") == ["1", "2"])
        #expect(outcome.bodyStrings == ["tail"])
    }

    @Test func obsFoldIsUnfoldedWithOneSpace() throws {
        let outcome = ParserHarness.parseAllWays(
            Array(wire: "HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second \r\n\tthird\r\nX-Next: n\r\nContent-Length: 0\r\n\r\n")
        )
        let head = try #require(outcome.heads.first)
        #expect(head.fields["X-Folded"] == "first second third")
        #expect(head.fields["X-Next"] == "n")
        #expect(head.fields.count == 3)
    }

    @Test func valuesAreTrimmedAndDecodedLeniently() throws {
        var wire = Array(wire: "HTTP/1.0 200 \u{00C9}t\u{00E9}\r\nX-Trim: \t  padded value \t\r\nX-Latin1: caf")
        wire += [0xE9]  // ISO-8859-1 é, not UTF-8
        wire += Array(wire: "\r\n\r\n")
        let outcome = ParserHarness.parseAllWays(wire)
        let head = try #require(outcome.heads.first)
        #expect(head.version == .http1_0)
        #expect(head.reason == "\u{00C9}t\u{00E9}")
        #expect(head.fields["x-trim"] == "padded value")
        #expect(head.fields["X-Latin1"] == "caf\u{FFFD}")
        #expect(head.rawBytes.contains(0xE9))
    }

    // MARK: - Limits at their defaults

    @Test func defaultLimitsAreCurls() {
        let limits = ResponseParser.Limits()
        #expect(limits.maxHeadBytes == 300 * 1024)
        #expect(limits.maxFieldCount == 5000)
        #expect(limits.maxChunkLineBytes == 4096)
    }

    @Test func headOverDefaultLimitIsRefusedBeforeItEnds() {
        // One field line that never ends: the parser must stop at the limit, not wait for LF.
        let wire = Array(wire: "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Field: " + String(repeating: "b", count: 4000) + "\r\n", count: 80))
        let outcome = ParserHarness.parseAllWays(wire, everySplit: false)
        #expect(outcome.error == .headerBlockTooLarge)

        var parser = ResponseParser()
        parser.begin(requestMethod: "GET")
        let result = wire.withUnsafeBytes { raw in Result { () throws(PorterError) in try parser.parse(raw) } }
        #expect(throws: PorterError(.headerBlockTooLarge, "")) { try result.get() }
    }

    @Test func largeHeadUnderDefaultLimitDrippedByteByByte() {
        // 99 KiB of one header line, one byte per call: linear only if scanning resumes.
        let wire = Array(wire: "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 99 * 1024) + "\r\nContent-Length: 1\r\n\r\n!")
        let outcome = ParserHarness.parseAllWays(wire, everySplit: false)
        #expect(outcome.error == nil)
        #expect(outcome.heads.first?.fields["X-Big"]?.utf8.count == 99 * 1024)
        #expect(outcome.bodyStrings == ["!"])
    }

    @Test func theHTTP09RefusalDoesNotDependOnHowTheInputWasCut() {
        // Found by the fuzzer: the reason quoted the bytes that had arrived so far.
        let wire: [UInt8] = [0xC0, 0x87] + Array(wire: "-foo- swsclose\n")
        func reason(_ pieces: [[UInt8]]) -> String? {
            var parser = ResponseParser()
            parser.begin(requestMethod: "GET")
            var pending: [UInt8] = []
            for piece in pieces {
                pending += piece
                let result = pending.withUnsafeBytes { raw in Result { () throws(PorterError) in try parser.parse(raw) } }
                switch result {
                case .failure(let error): return error.reason
                case .success(let (_, consumed)): pending.removeFirst(consumed)
                }
            }
            return nil
        }
        let whole = reason([wire])
        #expect(whole != nil)
        #expect(reason(wire.map { [$0] }) == whole)
    }

    @Test func oneHeadLineOverTheLineLimitIsItsOwnError() {
        // curl's CURL_MAX_HTTP_HEADER: one line may not exceed 100 KiB, whatever room the head has.
        let wire = Array(wire: "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 101 * 1024) + "\r\n\r\n")
        let outcome = ParserHarness.parseAllWays(wire, everySplit: false)
        #expect(outcome.error == .headerFieldTooLarge)
    }

    @Test func tooManyFieldsAtDefaultLimit() {
        let fields = (0...5000).map { "F\($0): v\r\n" }.joined()
        let outcome = ParserHarness.parseAllWays(Array(wire: "HTTP/1.1 200 OK\r\n" + fields + "\r\n"), everySplit: false)
        #expect(outcome.error == .tooManyHeaderFields)
        let allowed = (1..<5000).map { "F\($0): v\r\n" }.joined()
        let fine = ParserHarness.parseAllWays(Array(wire: "HTTP/1.1 200 OK\r\n" + allowed + "Content-Length: 0\r\n\r\n"), everySplit: false)
        #expect(fine.error == nil, "Content-Length is field 5000")
        #expect(fine.heads.first?.fields.count == 5000)
    }

    // MARK: - Calling convention

    @Test func bodyRangesPointIntoTheInputWithoutCopying() throws {
        let wire = Array(wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        var parser = ResponseParser()
        parser.begin(requestMethod: "GET")
        var events: [ResponseParser.Event] = []
        var offset = 0
        while true {
            let (event, consumed) = try wire[offset...].withUnsafeBytes { raw in try parser.parse(raw) }
            events.append(event)
            if case .body(let range) = event {
                #expect(consumed == range.upperBound, "a chunk's size line is consumed with its data")
            }
            offset += consumed
            if case .end = event { break }
            try #require(event != .needMore)
        }
        #expect(offset == wire.count)
        #expect(events.count == 4)
        #expect(events[1] == .body(7..<10), "first chunk: after its 7-byte size line")
        #expect(events[2] == .body(5..<7), "second chunk: after CRLF and the size line")
        #expect(events[3] == .end(trailers: HeaderFields()))
        #expect(parser.framing == .chunked)
        #expect(parser.bodyBytesReceived == 5)
    }

    @Test func bodilessResponseEndsOnTheNextCallWithoutConsuming() throws {
        var parser = ResponseParser()
        parser.begin(requestMethod: "GET")
        let wire = Array(wire: "HTTP/1.1 204 No Content\r\n\r\nNEXT")
        let first = try wire.withUnsafeBytes { raw in try parser.parse(raw) }
        #expect(first.consumed == wire.count - 4)
        #expect(parser.framing == ResponseParser.Framing.none)
        #expect(!parser.isReusable, "not reusable before .end")
        let second = try wire[first.consumed...].withUnsafeBytes { raw in try parser.parse(raw) }
        #expect(second.event == .end(trailers: HeaderFields()))
        #expect(second.consumed == 0)
        #expect(parser.isReusable)
        let third = try wire[first.consumed...].withUnsafeBytes { raw in try parser.parse(raw) }
        #expect(third.event == .needMore && third.consumed == 0)
        #expect(try parser.finish() == .end(trailers: HeaderFields()), "finish after .end reports the end again")
    }

    @Test func beginResetsForTheNextResponse() throws {
        var parser = ResponseParser()
        parser.begin(requestMethod: "GET")
        let first = Array(wire: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
        var offset = 0
        while offset < first.count {
            offset += try first[offset...].withUnsafeBytes { raw in try parser.parse(raw) }.consumed
        }
        #expect(parser.bodyBytesReceived == 3)
        parser.begin(requestMethod: "HEAD")
        #expect(parser.framing == nil)
        #expect(parser.bodyBytesReceived == 0)
        #expect(!parser.isReusable)
        #expect(throws: PorterError(.emptyReply, "")) { try parser.finish() }
    }

    @Test func incompleteBodyReasonGivesCounts() {
        let outcome = ParserHarness.parseAllWays(Array(wire: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        #expect(outcome.error == .incompleteBody)
        #expect(outcome.reason?.contains("3 of 10") == true, "\(outcome.reason ?? "")")
    }

    @Test func errorReasonNamesTheLine() {
        let outcome = ParserHarness.parseAllWays(Array(wire: "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"))
        #expect(outcome.error == .malformedHeaderField)
        #expect(outcome.reason?.contains("Content-Length : 5") == true, "\(outcome.reason ?? "")")
    }
}
