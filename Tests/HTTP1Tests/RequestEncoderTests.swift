import Testing
@testable import PorterCore

/// A request head the encoder must refuse, and words its reason must contain.
struct RefusedRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var head: RequestHead
    var reasonContains: String

    var testDescription: String { name }
}

private func head(method: String = "GET", target: String = "/", version: HTTPVersion = .http1_1, _ fields: [(String, String)] = []) -> RequestHead {
    RequestHead(
        method: method, target: target, version: version,
        fields: HeaderFields(fields.map { HeaderField(name: $0.0, value: $0.1) })
    )
}

private let refusedRequests: [RefusedRequest] = [
    RefusedRequest(name: "LF in a value", head: head([("X-A", "a\nInjected: yes")]),
                   reasonContains: "header \"X-A\" value contains a line feed (LF); it was not sent"),
    RefusedRequest(name: "CR in a value", head: head([("X-A", "a\rb")]), reasonContains: "carriage return (CR)"),
    RefusedRequest(name: "CRLF in a value", head: head([("X-A", "a\r\n\r\nGET /evil HTTP/1.1")]), reasonContains: "carriage return (CR)"),
    RefusedRequest(name: "NUL in a value", head: head([("X-A", "a\0b")]), reasonContains: "NUL"),
    RefusedRequest(name: "space in a name", head: head([("X A", "v")]), reasonContains: "a space"),
    RefusedRequest(name: "colon in a name", head: head([("X-A:", "v")]), reasonContains: "\":\""),
    RefusedRequest(name: "LF in a name", head: head([("X-A\nB", "v")]), reasonContains: "line feed"),
    RefusedRequest(name: "empty name", head: head([("", "v")]), reasonContains: "empty name"),
    RefusedRequest(name: "space in the target", head: head(target: "/a b"), reasonContains: "a space"),
    RefusedRequest(name: "CR LF in the target", head: head(target: "/a\r\nX: y"), reasonContains: "carriage return"),
    RefusedRequest(name: "NUL in the target", head: head(target: "/a\0"), reasonContains: "NUL"),
    RefusedRequest(name: "tab in the target", head: head(target: "/a\tb"), reasonContains: "tab"),
    RefusedRequest(name: "DEL in the target", head: head(target: "/a\u{7F}"), reasonContains: "DEL"),
    RefusedRequest(name: "control byte in the target", head: head(target: "/a\u{1B}"), reasonContains: "0x1B"),
    RefusedRequest(name: "empty target", head: head(target: ""), reasonContains: "empty"),
    RefusedRequest(name: "CRLF in the method", head: head(method: "GET\r\n"), reasonContains: "carriage return"),
    RefusedRequest(name: "space in the method", head: head(method: "GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET"), reasonContains: "a space"),
    RefusedRequest(name: "empty method", head: head(method: ""), reasonContains: "empty"),
    RefusedRequest(name: "two-digit version", head: head(version: HTTPVersion(major: 1, minor: 10)), reasonContains: "1.10"),
]

@Suite("RequestEncoder")
struct RequestEncoderTests {
    @Test func encodesATypicalRequestExactly() throws {
        let request = head(target: "/index.html?q=1&r=%20", [
            ("Host", "example.com:8080"),
            ("User-Agent", "porter/0.1.0"),
            ("Accept", "*/*"),
            ("X-Empty", ""),
            ("x-lower", "keeps spelling, and  inner  spaces"),
        ])
        var buffer: [UInt8] = []
        try RequestEncoder.encode(request, into: &buffer)
        let expected = "GET /index.html?q=1&r=%20 HTTP/1.1\r\n"
            + "Host: example.com:8080\r\n"
            + "User-Agent: porter/0.1.0\r\n"
            + "Accept: */*\r\n"
            + "X-Empty:\r\n"
            + "x-lower: keeps spelling, and  inner  spaces\r\n"
            + "\r\n"
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
        #expect(buffer == Array(expected.utf8))
    }

    @Test func appendsAfterExistingBytes() throws {
        var buffer = Array("previous".utf8)
        try RequestEncoder.encode(head(method: "HEAD", target: "http://h/x", version: .http1_0), into: &buffer)
        #expect(buffer == Array("previousHEAD http://h/x HTTP/1.0\r\n\r\n".utf8))
    }

    @Test func acceptsTokenMethodsAndNonASCIIValues() throws {
        var buffer: [UInt8] = []
        try RequestEncoder.encode(head(method: "M-SEARCH", target: "*", [("X-Name", "caf\u{E9}\ttab")]), into: &buffer)
        #expect(buffer == Array("M-SEARCH * HTTP/1.1\r\nX-Name: caf\u{E9}\ttab\r\n\r\n".utf8))
    }

    @Test("refuses unsafe heads and leaves the buffer alone", arguments: refusedRequests)
    func refuses(_ refused: RefusedRequest) {
        let before = Array("kept".utf8)
        var buffer = before
        let result = Result { () throws(PorterError) in try RequestEncoder.encode(refused.head, into: &buffer) }
        guard case .failure(let error) = result else {
            Issue.record("encoded \(String(decoding: buffer, as: UTF8.self).debugDescription)")
            return
        }
        #expect(error.code == .invalidRequest)
        #expect(error.reason.contains(refused.reasonContains), "\(error.reason)")
        #expect(!error.reason.contains("\r") && !error.reason.contains("\n"), "the reason stays on one line")
        #expect(buffer == before)
    }

    @Test func encodedRequestRoundTripsThroughTheWireFormat() throws {
        // What the encoder writes parses back as the same lines: the field lines of a request
        // share the response's field syntax, so reuse the parser on a response built from them.
        let request = head(method: "POST", target: "/upload", [("Content-Length", "3"), ("X-A", "b")])
        var buffer: [UInt8] = []
        try RequestEncoder.encode(request, into: &buffer)
        let fieldLines = buffer.drop { $0 != 0x0A }.dropFirst()
        let response = Array("HTTP/1.1 200 OK\r\n".utf8) + fieldLines + Array("abc".utf8)
        let outcome = ParserHarness.parseAllWays(response)
        #expect(outcome.heads.first?.fields == request.fields)
        #expect(outcome.bodyStrings == ["abc"])
    }
}

/// Chunked request bodies as RFC 9112 §7.1 frames them.
@Suite("Request body chunks")
struct RequestChunkEncodingTests {
    @Test func framesChunksInHexadecimalAndEndsWithTheLastChunk() {
        var bytes: [UInt8] = []
        RequestEncoder.encodeChunk(Array(repeating: UInt8(ascii: "a"), count: 26), into: &bytes)
        RequestEncoder.encodeChunk([], into: &bytes)
        RequestEncoder.encodeChunk(Array("xyz".utf8), into: &bytes)
        RequestEncoder.encodeLastChunk(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "1a\r\n" + String(repeating: "a", count: 26) + "\r\n3\r\nxyz\r\n0\r\n\r\n")
    }
}
