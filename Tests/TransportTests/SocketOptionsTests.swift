import PorterTestSupport
import Testing

@testable import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// What ``SocketOptions`` sets on a real socket, read back with `getsockopt`.
@Suite("Socket options")
struct SocketOptionsTests {
    private func option(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int32 {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, level, name, &value, &length)
        return value
    }

    @Test func keepAliveIsOnByDefaultAndFollowsTheOptions() async throws {
        let server = try ScriptedServer.respondingAlways(with: "")
        let address = SocketAddress(numericHost: "127.0.0.1", port: server.port)!
        let byDefault = try await TCPSocket.connect(to: [address], host: "127.0.0.1", deadline: nil)
        defer { byDefault.close() }
        #expect(option(byDefault.fd, SOL_SOCKET, SO_KEEPALIVE) == 1)
        #expect(option(byDefault.fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 60)

        var custom = SocketOptions()
        custom.keepAliveInterval = 42
        custom.keepAliveProbes = 3
        let tuned = try await TCPSocket.connect(to: [address], host: "127.0.0.1", deadline: nil, options: custom)
        defer { tuned.close() }
        #expect(option(tuned.fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 42)
        #expect(option(tuned.fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL) == 42)
        #expect(option(tuned.fd, Int32(IPPROTO_TCP), TCP_KEEPCNT) == 3)

        custom.keepAliveInterval = nil
        let off = try await TCPSocket.connect(to: [address], host: "127.0.0.1", deadline: nil, options: custom)
        defer { off.close() }
        #expect(option(off.fd, SOL_SOCKET, SO_KEEPALIVE) == 0)
    }

    @Test func bindsToTheLocalAddressAndPort() async throws {
        let server = try ScriptedServer.respondingAlways(with: "")
        let address = SocketAddress(numericHost: "127.0.0.1", port: server.port)!
        let socket = try await TCPSocket.connect(
            to: [address], host: "127.0.0.1", deadline: nil, options: SocketOptions(localInterface: "127.0.0.3", localPorts: 42000...42999))
        defer { socket.close() }
        let local = try #require(socket.localAddress)
        #expect(local.host == "127.0.0.3")
        #expect((42000...42999).contains(local.port))
        await #expect {
            _ = try await TCPSocket.connect(to: [address], host: "127.0.0.1", deadline: nil, options: SocketOptions(localInterface: "::1"))
        } throws: { error in
            (error as? PorterError)?.code == .localBindFailed
        }
    }
}
