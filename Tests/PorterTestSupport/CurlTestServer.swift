internal import Foundation
import Synchronization

/// A stand-in for curl's HTTP test server `sws`, serving the reply parts of
/// one ``CurlCorpusCase`` on 127.0.0.1, as the corpus README's "Test-server
/// rules" describe (taken from curl's `tests/server/sws.c`):
///
/// 1. A request is read whole: the head to the empty line, then a body by
///    `Content-Length` or chunked framing.
/// 2. The reply is chosen by the decimal number right after the last `/`
///    of the request target, query included. A number N above 10000
///    selects part `data{N % 10000}` of test `N / 10000`, any other N part
///    `data` of test N. With no number there (curl-260's `/?260`, curl-469's
///    `/%c3%a2…`), `sws` falls back to the test number curl's harness gives
///    it: the case's own test. A part that is missing or empty (or of
///    another test) is answered with nothing: the connection is closed.
/// 3. When the previous reply of the same test carried `swsbounce`, the
///    previous part number + 1 is sent instead.
/// 4. The bytes go out verbatim in writes of 20 bytes, sleeping
///    `write_delay_ms` after each write and `wait_after_s` after the reply.
/// 5. The connection is closed after the reply when the part says
///    `close_after`, the request was HTTP/1.0, or it carried
///    `Connection: close`; otherwise the next request is read.
/// 6. A HEAD request gets the whole part, body included.
///
/// `%HTTPPORT` in a part is replaced by the server's port before sending.
///
/// Threading: each connection runs on a thread of its own (a
/// ``ScriptedServer`` handler), never on Swift's cooperative pool. The
/// bounce state is shared by all connections, as in `sws`. Sleeps end early
/// when ``stop()`` is called.
public final class CurlTestServer: Sendable {
    /// The number of bytes in each write of a reply.
    public static let writeSize = 20

    /// The port the server listens on, on 127.0.0.1.
    public let port: Int

    private let server: ScriptedServer
    private let state: State

    /// Starts listening at once on a free port of 127.0.0.1.
    ///
    /// - Throws: ``TestSupportError`` when the socket cannot be bound.
    public init(serving corpusCase: CurlCorpusCase) throws {
        let state = State(test: corpusCase.test, replies: corpusCase.replies)
        server = try ScriptedServer(address: "127.0.0.1") { connection in
            try state.serve(connection)
        }
        port = server.port
        state.setPort(port)
        self.state = state
    }

    deinit {
        stop()
    }

    /// Every request line read so far, on any connection, in the order read.
    public var requestLines: [String] {
        state.fields.withLock { $0.requestLines }
    }

    /// What went wrong on connections so far, e.g. writes to a client that
    /// had gone. Clients under test often go away on purpose, so these are
    /// context for a failure, not failures.
    public var errors: [String] {
        server.errors
    }

    /// How many connections the server has accepted so far.
    public var acceptedConnectionCount: Int {
        server.acceptedConnectionCount
    }

    /// Ends every sleep, then stops the server (see ``ScriptedServer/stop()``,
    /// which blocks up to seconds: call it off the cooperative pool).
    /// Idempotent.
    public func stop() {
        state.wakeSleepers()
        server.stop()
    }

    // MARK: - Shared state

    final class State: Sendable {
        struct Part: Sendable {
            var bytes: [UInt8]
            var closeAfter: Bool
            var bounce: Bool
            var writeDelayMilliseconds: Int
            var waitAfterSeconds: Double
        }

        struct Served {
            var test: Int
            var part: Int
            var bounce: Bool
        }

        struct Fields {
            var port = 0
            var requestLines: [String] = []
            var previous: Served?
            var stopping = false
        }

        let test: Int
        let parts: [Int: Part]
        let fields = Mutex(Fields())
        /// Sleepers wait on this; ``wakeSleepers()`` broadcasts under its
        /// lock after setting `stopping`, so no wake-up is lost.
        let sleepers = NSCondition()

        init(test: Int, replies: [CurlCorpusCase.Reply]) {
            self.test = test
            var parts: [Int: Part] = [:]
            for reply in replies {
                guard let number = reply.partNumber else { continue }
                parts[number] = Part(
                    bytes: reply.bytes, closeAfter: reply.closeAfter, bounce: reply.bounce ?? false,
                    writeDelayMilliseconds: reply.writeDelayMs ?? 0, waitAfterSeconds: reply.waitAfterS ?? 0)
            }
            self.parts = parts
        }

        func setPort(_ port: Int) {
            fields.withLock { $0.port = port }
        }

        func serve(_ connection: ServerConnection) throws {
            // The request line counts as seen once the head is in, even if the body never completes.
            while let head = try connection.readRequest(readingBody: false) {
                fields.withLock { $0.requestLines.append(head.requestLine) }
                let request = try connection.readBody(of: head)
                let (part, port) = choosePart(for: request)
                guard let part, !part.bytes.isEmpty else { return }
                let bytes = CurlCorpusCase.substitutingPort(in: part.bytes, port: port)
                var offset = 0
                while offset < bytes.count {
                    let end = min(offset + CurlTestServer.writeSize, bytes.count)
                    try connection.write(Array(bytes[offset..<end]))
                    offset = end
                    if part.writeDelayMilliseconds > 0, !sleep(seconds: Double(part.writeDelayMilliseconds) / 1000) {
                        return
                    }
                }
                if part.waitAfterSeconds > 0, !sleep(seconds: part.waitAfterSeconds) {
                    return
                }
                if part.closeAfter || request.version == "HTTP/1.0" || Self.asksToClose(request) {
                    return
                }
            }
        }

        /// Picks the part to send (rules 2 and 3).
        private func choosePart(for request: ReceivedRequest) -> (Part?, port: Int) {
            var (test, number) = (self.test, 0)
            if let selector = Self.selector(in: request.target), selector > 0 {
                (test, number) = selector > 10000 ? (selector / 10000, selector % 10000) : (selector, 0)
            }
            return fields.withLock { fields in
                if let previous = fields.previous, previous.bounce, previous.test == test {
                    number = previous.part + 1
                }
                let part = test == self.test ? parts[number] : nil
                fields.previous = Served(test: test, part: number, bounce: part?.bounce ?? false)
                return (part, fields.port)
            }
        }

        /// The digits right after the last `/` of `target` as a number (what
        /// `strtol` makes of them in `sws`); `nil` when there is no `/` or no
        /// digit follows it.
        static func selector(in target: String) -> Int? {
            let bytes = Array(target.utf8)
            guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
            let digits = bytes[(slash + 1)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            return Int(String(decoding: digits, as: UTF8.self))
        }

        static func asksToClose(_ request: ReceivedRequest) -> Bool {
            request.values(forHeader: "Connection")
                .flatMap { $0.split(separator: ",") }
                .contains { $0.trimming(" \t").lowercased() == "close" }
        }

        /// Sleeps `seconds` unless the server stops first; false if it did.
        private func sleep(seconds: Double) -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            sleepers.lock()
            defer { sleepers.unlock() }
            while !fields.withLock({ $0.stopping }) {
                if !sleepers.wait(until: deadline) {
                    return true
                }
            }
            return false
        }

        func wakeSleepers() {
            fields.withLock { $0.stopping = true }
            sleepers.lock()
            sleepers.broadcast()
            sleepers.unlock()
        }
    }
}
