/// One line of a ``NginxServer`` access log.
///
/// nginx writes it in this format (``NginxServer/accessLogFormat``):
/// `$connection $connection_requests $server_port $status $body_bytes_sent
/// $request_length "$ssl_protocol" "$request" "$http_user_agent"`.
/// Requests sent over one kept-alive connection share ``connection`` and
/// count up in ``connectionRequests`` from 1.
public struct AccessLogEntry: Sendable, Equatable {
    /// nginx's serial number of the TCP connection.
    public var connection: Int
    /// Which request this was on its connection, from 1.
    public var connectionRequests: Int
    /// The port the request came in on: ``NginxServer/plainPort`` or ``NginxServer/tlsPort``.
    public var serverPort: Int
    /// The response status code.
    public var status: Int
    /// Bytes of response body sent, headers not counted.
    public var bodyBytesSent: Int
    /// Bytes of the request: line, headers and body.
    public var requestLength: Int
    /// The TLS version (`TLSv1.3`), or `nil` on the plain port.
    public var tlsProtocol: String?
    /// The request line as received, e.g. `GET /a.bin HTTP/1.1`.
    public var request: String
    /// The `User-Agent` header, or `nil` when the client sent none.
    public var userAgent: String?
    /// The log line as nginx wrote it.
    public var line: String

    /// The method: the request line up to its first space.
    public var method: String { String(request.split(separator: " ").first ?? "") }
    /// The request target: the second word of the request line.
    public var target: String {
        let words = request.split(separator: " ")
        return words.count > 1 ? String(words[1]) : ""
    }

    /// Parses one line of the format above; `nil` when it does not fit.
    public init?(line: String) {
        self.line = line
        let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
        // words "ssl" " " "request" " " "agent" ""  ->  7 pieces
        guard quoted.count == 7 else { return nil }
        let numbers = quoted[0].split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 6 else { return nil }
        connection = numbers[0]
        connectionRequests = numbers[1]
        serverPort = numbers[2]
        status = numbers[3]
        bodyBytesSent = numbers[4]
        requestLength = numbers[5]
        tlsProtocol = quoted[1] == "-" || quoted[1].isEmpty ? nil : String(quoted[1])
        request = String(quoted[3])
        userAgent = quoted[5] == "-" ? nil : String(quoted[5])
    }
}
