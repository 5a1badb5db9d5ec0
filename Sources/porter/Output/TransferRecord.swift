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
    /// The Referer of the last request sent.
    var referer: String?
    var sizeHeader = 0
    var connectsOpened = 0
    var redirects = 0
    var remoteAddress: SocketAddress?
    var verifyResult: Int?
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
        httpVersion = response.wireHead.version.minor == 0 ? "1.0" : "1.1"
        fields = response.wireHead.fields
        sizeHeader = response.headerBytes
        connectsOpened = response.connectionsOpened
        redirects = response.redirectCount
        remoteAddress = response.remoteAddress
        verifyResult = response.tlsSession?.verifyResult
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
