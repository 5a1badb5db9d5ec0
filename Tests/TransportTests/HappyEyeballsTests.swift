import Foundation
import HTTPTypes
import PorterTestSupport
import Testing
@testable import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// Connection racing (RFC 8305) and address selection, against loopback listeners.
@Suite("Happy Eyeballs")
struct HappyEyeballsTests {
    /// A listener whose accept queue is full and never drained: further SYNs
    /// are dropped, so a connect to it hangs, as to a host that does not answer.
    final class Blackhole {
        let listener: Int32
        var fillers: [Int32] = []
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
            listen(fd, 0)
            var length = size
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            var fillers: [Int32] = []
            for _ in 0..<4 {
                let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, size) } }
                fillers.append(filler)
            }
            listener = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            self.fillers = fillers
        }

        deinit {
            fillers.forEach { close($0) }
            close(listener)
        }
    }

    @Test func interleavesFamiliesStartingWithThePreferredOne() {
        let v6 = (1...3).map { SocketAddress(numericHost: "::\($0)", port: 1)! }
        let v4 = (1...2).map { SocketAddress(numericHost: "127.0.0.\($0)", port: 1)! }
        let ordered = HappyEyeballs.interleavingFamilies(v6 + v4)
        #expect(ordered.map(\.host) == ["::1", "127.0.0.1", "::2", "127.0.0.2", "::3"])
    }

    @Test func aHangingAddressLosesTheRaceToTheNextOne() async throws {
        let blackhole = try Blackhole()
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", address: "::1")
        let addresses = [SocketAddress(numericHost: "127.0.0.1", port: blackhole.port)!, SocketAddress(numericHost: "::1", port: server.port)!]
        let socket = try await TCPSocket.connect(to: addresses, host: "dual.test", deadline: .after(.seconds(60), limit: "test"))
        #expect(socket.remoteAddress.host == "::1")
        socket.close()
    }

    @Test func aRefusedAddressIsFollowedAtOnceByTheNext() async throws {
        let refusing = try RefusingPort()
        let closedPort = refusing.port
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let addresses = [SocketAddress(numericHost: "127.0.0.1", port: closedPort)!, SocketAddress(numericHost: "127.0.0.1", port: server.port)!]
        let socket = try await TCPSocket.connect(to: addresses, host: "two.test", deadline: .after(.seconds(60), limit: "test"))
        #expect(socket.remoteAddress.port == server.port)
        socket.close()
    }

    @Test func everyAddressFailingListsEachReason() async throws {
        let refusing = try [RefusingPort(), RefusingPort()]
        let closed = refusing.map { SocketAddress(numericHost: "127.0.0.1", port: $0.port)! }
        await #expect {
            _ = try await TCPSocket.connect(to: closed, host: "none.test", deadline: .after(.seconds(60), limit: "test"))
        } throws: { error in
            guard let error = error as? PorterError else { return false }
            return error.code == .cannotConnect && error.reason.split(separator: ";").count == 2
                && error.reason.contains("refused")
        }
    }

    @Test func theConnectTimeoutFiresOnABlackhole() async throws {
        let blackhole = try Blackhole()
        let address = SocketAddress(numericHost: "127.0.0.1", port: blackhole.port)!
        await #expect {
            _ = try await TCPSocket.connect(to: [address], host: "slow.test", deadline: .after(.milliseconds(200), limit: "the connect timeout"))
        } throws: { error in
            (error as? PorterError)?.code == .timedOut && (error as? PorterError)?.reason.contains("connect timeout") == true
        }
    }

    @Test func unixDomainSocketsCarryHTTP() async throws {
        let path = "/tmp/porter-test-\(getpid())-\(Int.random(in: 0..<1_000_000)).sock"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener); unlink(path) }
        let address = try #require(SocketAddress(unixPath: path))
        _ = address.withSockAddr { bind(listener, $0, $1) }
        listen(listener, 4)
        let serverThread = Thread {
            let client = accept(listener, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(client, &buffer, buffer.count)
            let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nunix".utf8)
            _ = write(client, response, response.count)
            close(client)
        }
        serverThread.start()
        var options = RequestOptions()
        options.unixSocketPath = path
        let client = HTTPClient()
        let request = HTTPRequest(method: .get, scheme: "http", authority: "socket.test", path: "/")
        let (_, body) = try await client.data(for: request, options: options)
        #expect(body == Array("unix".utf8))
    }
}
