import Foundation
import HTTPTypes
import PorterTestSupport
import Testing
@testable import PorterCore

/// The client's timeouts against servers that stall, trickle or flood, and
/// its failures against resets, over plain TCP and TLS.
///
/// No test asserts wall-clock time: each server's script outlasts the limit
/// under test by far, so only that limit can produce the error expected.
@Suite("HTTPClient faults")
struct FaultHandlingTests {
    typealias Scheme = HTTPClientTests.Scheme

    static func server(_ scheme: Scheme, handler: @escaping ScriptedServer.Handler) throws -> ScriptedServer {
        try HTTPClientTests.server(scheme, handler: handler)
    }

    /// The error the request ends with, or nil if it succeeds.
    static func failure(_ server: ScriptedServer, options: RequestOptions, consumingSlowly: Bool = false) async throws -> PorterError? {
        let client = try HTTPClientTests.client()
        do {
            try await client.execute(HTTPClientTests.request(server), options: options) { response in
                for try await _ in response.body {
                    if consumingSlowly { try await Task.sleep(for: .milliseconds(5)) }
                }
            }
        } catch let error as PorterError {
            return error
        }
        return nil
    }

    // MARK: - Idle timeout

    @Test(arguments: Scheme.allCases)
    func idleTimeoutFiresWhenTheBodyStalls(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nten bytes.")
            _ = try connection.readToEnd()
        }
        let error = try await Self.failure(server, options: RequestOptions(idleTimeout: .milliseconds(300)))
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("the idle timeout") == true, "\(String(describing: error))")
    }

    @Test(arguments: Scheme.allCases)
    func idleTimeoutFiresWhenTheServerNeverAnswers(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            _ = try connection.readToEnd()
        }
        let error = try await Self.failure(server, options: RequestOptions(idleTimeout: .milliseconds(300)))
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("the idle timeout") == true, "\(String(describing: error))")
    }

    @Test func idleTimeoutCountsFromTheLastByteNotFromTheStart() async throws {
        // Ten body bytes 100 ms apart: a second in all, never a second without a byte.
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
            for byte in "0123456789".utf8 {
                usleep(100_000)
                try connection.write([byte])
            }
        }
        let (_, body) = try await HTTPClientTests.fetch(
            try HTTPClientTests.client(), HTTPClientTests.request(server), options: RequestOptions(idleTimeout: .seconds(1)))
        #expect(body == Array("0123456789".utf8))
    }

    // MARK: - Total timeout

    @Test(arguments: Scheme.allCases)
    func totalTimeoutFiresWhileTheServerKeepsTheSocketFull(_ scheme: Scheme) async throws {
        // Regression: the total limit was checked only when a read would block.
        // A slow consumer and a fast server keep data always available.
        let unit = Array("4000\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 0x4000) + Array("\r\n".utf8)
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            let end = Date().addingTimeInterval(20)
            do {
                try connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                while Date() < end { try connection.write(unit) }
            } catch {
                // The client gave up, as it should.
            }
        }
        let error = try await Self.failure(server, options: RequestOptions(totalTimeout: .milliseconds(500)), consumingSlowly: true)
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("the total time limit") == true, "\(String(describing: error))")
    }

    @Test func totalTimeoutBoundsAHeadSentAByteAtATime() async throws {
        let server = try Self.server(.http) { connection in
            _ = try connection.readRequest()
            // 20 seconds of head, a byte every 100 ms.
            for byte in Array("HTTP/1.1 200 OK\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "s"), count: 175) {
                try connection.write([byte])
                usleep(100_000)
            }
        }
        var options = RequestOptions(totalTimeout: .seconds(2))
        options.idleTimeout = .seconds(1)
        let error = try await Self.failure(server, options: options)
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("the total time limit") == true, "the idle limit never fires on a trickle: \(String(describing: error))")
    }

    // MARK: - Resets

    @Test(arguments: Scheme.allCases)
    func resetMidBodyIsAReceiveFailureAfterTheBytesThatArrived(_ scheme: Scheme) async throws {
        let server = try Self.server(scheme) { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst part")
            usleep(200_000)
            connection.reset()
        }
        let client = try HTTPClientTests.client()
        let received = try await client.execute(HTTPClientTests.request(server)) { response in
            var bytes: [UInt8] = []
            do throws(PorterError) {
                try await response.body.forEachChunk { bytes += $0 }
                Issue.record("the body completed after a reset")
            } catch {
                #expect(error.code == .receiveFailed, "\(error)")
                #expect(error.reason.contains("Connection reset by peer"), "\(error)")
                #expect(!response.body.isComplete)
            }
            return bytes
        }
        #expect(received == Array("first part".utf8))
    }
}
