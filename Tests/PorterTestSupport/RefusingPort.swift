internal import Glibc

/// A loopback port that refuses every connection (the kernel answers a SYN with RST),
/// held for as long as this value lives: a socket bound to it that never listens, so no
/// other test's server can be given the same port meanwhile.
public final class RefusingPort: Sendable {
    /// The port on 127.0.0.1.
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let address = try SocketAddress(host: "127.0.0.1", port: 0)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestSupportError("socket(): \(Socket.lastError())") }
        guard address.withSockaddr({ bind(descriptor, $0, $1) }) == 0 else {
            let reason = Socket.lastError()
            Glibc.close(descriptor)
            throw TestSupportError("cannot bind to 127.0.0.1: \(reason)")
        }
        do {
            port = try Socket.localPort(of: descriptor)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        self.descriptor = descriptor
    }

    deinit { Glibc.close(descriptor) }
}
