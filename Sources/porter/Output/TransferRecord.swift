import PorterCore

/// What one transfer of a `porter URL...` command did, for `-w` and `--timing`.
struct TransferRecord {
    var urlText: String
    var effectiveURL: String
    var scheme: String
    var method: String
    var outputPath: String?
    var exitCode: Int32 = 0
    var errorMessage: String?
    var status = 0
    var httpVersion = "0"
    var fields = HeaderFields()
    var timings: TransferTimings?
    var sizeDownload: UInt64 = 0
    /// Body bytes written, after decoding.
    var sizeDelivered: UInt64 = 0
    /// The position of the URL on the command line, from 0.
    var urlIndex = 0
    /// The transfer's own number, from 0 (`%{xfer_id}`).
    var transferID = 0
    /// The Referer of the last request sent.
    var referer: String?
    var sizeHeader = 0
    var connectsOpened = 0
    var redirects = 0
    var remoteAddress: SocketAddress?
    var localAddress: SocketAddress?
    var verifyResult: Int?
    /// The server's chain as it sent it, DER (`%{certs}`, parsed only when written).
    var certificateDER: [[UInt8]] = []
    /// What the client's events told about the wire.
    var wire = Wire()
    var usedProxy = false
    /// Where a redirect that was not followed points (`%{redirect_url}`).
    var redirectURL: String?
    /// How many times `--retry` ran the transfer again (`%{num_retries}`).
    var retries = 0
    /// The final status was one `--retry` retries, and its body was not written.
    var retryableStatus = false
    /// `-e ';auto'`: redirects send the previous URL as Referer.
    var autoReferer = false

    init(url: HTTPURL, method: String, outputPath: String?) {
        urlText = url.description
        effectiveURL = url.description
        scheme = url.scheme
        self.method = method
        self.outputPath = outputPath
    }

    init(urlText: String, method: String) {
        self.urlText = urlText
        effectiveURL = urlText
        scheme = ""
        self.method = method
    }

    /// Takes what the response head says.
    mutating func take(_ response: HTTPClientResponse) {
        effectiveURL = response.url.description
        scheme = response.url.scheme
        status = response.wireHead.status
        // curl's names: "1" for HTTP/1.0, "1.1".
        httpVersion = response.wireHead.version.minor == 0 ? "1" : "1.1"
        fields = response.wireHead.fields
        sizeHeader = response.headerBytes
        connectsOpened = response.connectionsOpened
        redirects = response.redirectCount
        remoteAddress = response.remoteAddress
        localAddress = response.localAddress
        verifyResult = response.tlsSession?.verifyResult
        certificateDER = response.tlsSession?.peerCertificates ?? []
        if (300..<400).contains(status), let location = fields["Location"], !location.isEmpty {
            redirectURL = (try? response.url.resolving(location))?.description
        }
    }

    /// What a transfer's client events tell about the wire, counted as they come.
    struct Wire: Sendable {
        /// The last connection's number (`%{conn_id}`).
        var connectionID: Int?
        /// The proxy's answer to `CONNECT`, 0 without one (`%{http_connect}`).
        var connectStatus = 0
        /// The verification result of TLS to an HTTPS proxy (`%{proxy_ssl_verify_result}`).
        var proxyVerifyResult = 0
        /// Bytes of every request head (`CONNECT` included) and body sent (`%{size_request}`).
        var sizeRequest = 0
        /// Body bytes sent (`%{size_upload}`).
        var sizeUpload = 0

        mutating func take(_ event: ClientEvent) {
            switch event {
            case .connected(_, _, let id), .reusingConnection(_, _, let id): connectionID = id
            case .requestHeadSent(let bytes): sizeRequest += bytes.count
            case .requestBodySent(let count):
                sizeRequest += count
                sizeUpload += count
            case .proxyResponseHead(let head): connectStatus = head.status
            case .proxyTLSEstablished(_, let session): proxyVerifyResult = session.verifyResult
            default: break
            }
        }
    }

    /// Takes what reading the body measured.
    mutating func takeBody(_ body: ResponseBody) {
        sizeDownload = body.bytesReceived
        timings = body.timings
        if let timings, timings.hops.count > 1, referer?.isEmpty == false || autoReferer {
            referer = timings.hops[timings.hops.count - 2].url.description
        }
    }

    mutating func fail(code: Int32, message: String) {
        exitCode = code
        errorMessage = message
    }
}
