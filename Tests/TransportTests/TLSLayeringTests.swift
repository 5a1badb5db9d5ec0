import PorterTestSupport
import Synchronization
import Testing
@testable import PorterCore

/// TLS as one layer of a chain: it reads and writes whatever ``Transport`` is
/// below it, never a socket of its own.
@Suite("TLS over any transport")
struct TLSLayeringTests {
    /// A layer between TLS and the socket that keeps every byte that passes, each way.
    final class RecordingTransport: Transport, @unchecked Sendable {
        let lower: any Transport
        private(set) var sent: [UInt8] = []
        private(set) var received: [UInt8] = []
        init(over lower: any Transport) { self.lower = lower }

        var descriptor: Int32 { lower.descriptor }
        var remoteAddress: SocketAddress { lower.remoteAddress }
        var endedWithoutNotice: Bool { lower.endedWithoutNotice }
        var isStale: Bool { lower.isStale }
        func close() { lower.close() }

        func tryRead(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO {
            let result = lower.tryRead(into: buffer)
            if case .transferred(let count) = result { received += buffer[..<count] }
            return result
        }

        func tryWrite(_ bytes: UnsafeRawBufferPointer) -> TransportIO {
            let result = lower.tryWrite(bytes)
            if case .transferred(let count) = result { sent += bytes[..<count] }
            return result
        }
    }

    static let deadline = Deadline.after(.seconds(60), limit: "the test's limit")

    /// A TLS server that answers each request with `size` bytes of `x`.
    static func server(size: Int) throws -> ScriptedServer {
        try ScriptedServer(security: .tls(try TestCertificates.shared)) { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n")
                try connection.write([UInt8](repeating: UInt8(ascii: "x"), count: size))
            }
        }
    }

    static func socket(to port: Int) async throws -> TCPSocket {
        try await TCPSocket.connectOne(to: try #require(SocketAddress(numericHost: "127.0.0.1", port: port)), deadline: deadline)
    }

    /// Sends a GET over `transport` and reads the response until `expected` body bytes came.
    static func get(over transport: any Transport, expected: Int) async throws -> (head: String, bodyCount: Int) {
        let request = Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: request.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: request)
        try await transport.write(UnsafeRawBufferPointer(copy), deadline: deadline)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        var received: [UInt8] = []
        while true {
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)), received.count - end.upperBound >= expected {
                return (String(decoding: received[..<end.lowerBound], as: UTF8.self), received.count - end.upperBound)
            }
            let count = try await transport.read(into: buffer, deadline: deadline, awaitingReply: false)
            guard count > 0 else { throw PorterError(.incompleteBody, "the stream ended after \(received.count) bytes") }
            received += buffer[..<count]
        }
    }

    static func context() throws -> TLSContext {
        try TLSContext(configuration: TLSConfiguration(caFile: try TestCertificates.shared.caCertificatePath))
    }

    @Test func tlsRunsOverATransportThatIsNotASocket() async throws {
        let server = try Self.server(size: 300_000)
        let recording = RecordingTransport(over: try await Self.socket(to: server.port))
        let stream = try await TLSStream.connect(over: recording, context: try Self.context(), host: "localhost", port: server.port, deadline: Self.deadline)
        defer { stream.close() }
        #expect(stream.session.verified)
        let (head, count) = try await Self.get(over: stream, expected: 300_000)
        #expect(head.hasPrefix("HTTP/1.1 200 OK"))
        #expect(count == 300_000)
        // Everything went through the recording layer, as TLS records (RFC 8446 §5.1: handshake type 22, version 3.x).
        #expect(recording.sent.prefix(2) == [0x16, 0x03])
        #expect(recording.received.prefix(2) == [0x16, 0x03])
        #expect(recording.received.count > 300_000)
        #expect(!String(decoding: recording.received, as: UTF8.self).contains("HTTP/1.1 200 OK"))
    }

    @Test func tlsRunsInsideTLS() async throws {
        // TCP -> TLS to stunnel (a TLS-terminating proxy) -> TLS to the origin behind it: TLS inside TLS.
        let certificates = try TestCertificates.shared
        let origin = try Self.server(size: 1 << 20)
        let proxy = try StunnelServer(certificateChainPath: certificates.leafChainPath, privateKeyPath: certificates.leafKeyPath, forwardingTo: origin.port)
        let context = try Self.context()
        let outer = try await TLSStream.connect(over: try await Self.socket(to: proxy.port), context: context, host: "localhost", port: proxy.port, deadline: Self.deadline)
        let inner = try await TLSStream.connect(over: outer, context: context, host: "localhost", port: origin.port, deadline: Self.deadline)
        defer { inner.close() }
        #expect(outer.session.verified && inner.session.verified, "\(proxy.log)")
        #expect(inner.descriptor == outer.descriptor)
        let (head, count) = try await Self.get(over: inner, expected: 1 << 20)
        #expect(head.hasPrefix("HTTP/1.1 200 OK"))
        #expect(count == 1 << 20)
        #expect(origin.errors.isEmpty)
    }

    @Test func aFailureBelowTLSIsReportedAsThatLayerSaidIt() async throws {
        // A server that resets the connection in the middle of the handshake.
        let server = try ScriptedServer(security: .plain) { connection in
            _ = try connection.readBytes(count: 5)
            connection.reset()
        }
        let socket = try await Self.socket(to: server.port)
        await #expect {
            _ = try await TLSStream.connect(over: RecordingTransport(over: socket), context: try Self.context(), host: "localhost", port: server.port, deadline: Self.deadline)
        } throws: { error in
            let error = try #require(error as? PorterError)
            return error.code == .tlsHandshakeFailed && (error.reason.contains("reset") || error.reason.contains("closed"))
        }
    }
}
