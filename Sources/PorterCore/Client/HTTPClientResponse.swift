public import HTTPTypes

/// A response as the client delivers it: the final head, what came before
/// it, where it came from, and the body still to be read.
public struct HTTPClientResponse {
    /// The final response's status and fields, as swift-http-types values.
    public var head: HTTPResponse
    /// The final response's head as received: exact bytes, original spelling and order.
    public var wireHead: ResponseHead
    /// Interim (1xx) and redirect heads received before the final one, in order.
    public var precedingHeads: [ResponseHead]
    /// The URL the final response came from, after redirects.
    public var url: HTTPURL
    /// How many redirects were followed.
    public var redirectCount: Int
    /// How many new connections the transfer opened (reused ones not counted), curl's `num_connects`.
    public var connectionsOpened: Int
    /// Bytes of every response head received, interim and redirect heads included, curl's `size_header`.
    public var headerBytes: Int
    /// The address of the server that sent the final response.
    public var remoteAddress: SocketAddress
    /// The local address and port of the connection, when it has one (not over a Unix socket).
    public var localAddress: SocketAddress?
    /// What the TLS handshake agreed on, or nil for plain HTTP.
    public var tlsSession: TLSSessionInfo?
    /// The body, to be read inside the handler.
    public let body: ResponseBody
}

extension ResponseHead {
    /// The head as a swift-http-types response. Fields whose names are not
    /// valid tokens are left out (they stay in ``fields`` and ``rawBytes``).
    public var httpResponse: HTTPResponse {
        var fields = HTTPFields()
        for field in self.fields {
            if let name = HTTPField.Name(field.name) {
                fields.append(HTTPField(name: name, value: field.value))
            }
        }
        let status = HTTPResponse.Status(code: (0...999).contains(status) ? status : 0, reasonPhrase: reason)
        return HTTPResponse(status: status, headerFields: fields)
    }
}
