internal import Glibc

/// A bare TCP client for checking a loopback server byte for byte, without
/// any HTTP logic of its own.
public enum LoopbackClient {
    /// Connects to `host`:`port`, sends `bytes`, then reads until the server
    /// closes the connection and returns everything it sent.
    ///
    /// Blocks the calling thread. `host` must be a numeric loopback address.
    ///
    /// - Parameters:
    ///   - halfClose: shut down the sending side after `bytes` (TCP FIN),
    ///     for servers that wait for the end of the request stream.
    ///   - timeout: the longest wait for any one read; past it the call
    ///     throws, quoting how much had arrived.
    public static func exchange(
        host: String = "127.0.0.1",
        port: Int,
        sending bytes: [UInt8],
        halfClose: Bool = false,
        timeout: Duration = .seconds(10)
    ) throws -> [UInt8] {
        let address = try SocketAddress(host: host, port: port)
        guard address.isLoopback else {
            throw TestSupportError("\(host) is not a loopback address")
        }
        let descriptor = try Socket.connect(to: address)
        defer { close(descriptor) }
        let (seconds, attoseconds) = timeout.components
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        try bytes.withUnsafeBytes { try Socket.sendAll(descriptor, $0) }
        if halfClose {
            shutdown(descriptor, Int32(SHUT_WR))
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 {
                return received
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw TestSupportError("no data from \(address.urlHost):\(port) for \(timeout) after \(received.count) bytes")
            } else if errno == ECONNRESET {
                throw TestSupportError("connection reset by \(address.urlHost):\(port) after \(received.count) bytes")
            } else {
                throw TestSupportError("recv from \(address.urlHost):\(port) failed: \(Socket.lastError())")
            }
        }
    }

    /// ``exchange(host:port:sending:halfClose:timeout:)`` with the UTF-8
    /// bytes of `text`, returning the reply decoded as UTF-8.
    public static func exchange(
        host: String = "127.0.0.1",
        port: Int,
        sending text: String,
        halfClose: Bool = false,
        timeout: Duration = .seconds(10)
    ) throws -> String {
        let reply = try exchange(
            host: host, port: port, sending: Array(text.utf8), halfClose: halfClose, timeout: timeout)
        return String(decoding: reply, as: UTF8.self)
    }
}
