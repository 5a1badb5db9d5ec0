internal import Glibc
import Synchronization

/// A loopback port whose accept queue is full and never drained: the kernel
/// drops further SYNs, so a TCP connect to it hangs, as to a host that does
/// not answer at all. For connect-timeout tests.
///
/// Lifetime: the port stays a black hole until ``close()``, also on `deinit`.
public final class BlackholeListener: Sendable {
    /// The port on 127.0.0.1.
    public let port: Int
    private let descriptors: Mutex<[Int32]>

    /// Listens on 127.0.0.1 with a backlog of zero and fills the queue with
    /// connections that are never accepted.
    public init() throws {
        let (listener, port) = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), backlog: 0)
        var descriptors = [listener]
        let address = try SocketAddress(host: "127.0.0.1", port: port)
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard filler >= 0 else { continue }
            _ = address.withSockaddr { connect(filler, $0, $1) }
            descriptors.append(filler)
        }
        self.port = port
        self.descriptors = Mutex(descriptors)
    }

    deinit {
        close()
    }

    /// Closes the listener and the queued connections. Idempotent.
    public func close() {
        let open = descriptors.withLock { list in
            defer { list = [] }
            return list
        }
        for descriptor in open.reversed() {
            Glibc.close(descriptor)
        }
    }
}
