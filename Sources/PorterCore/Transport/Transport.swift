/// The outcome of one non-blocking attempt to move bytes through a ``Transport``.
enum TransportIO {
    /// This many bytes were read or written (at least one).
    case transferred(Int)
    /// Nothing could move now; the attempt is to be repeated once the
    /// descriptor at the bottom of the chain is ready in this way.
    case wouldBlock(IOInterest)
    /// The peer ended the stream (reads only).
    case endOfStream
    /// The layer failed. `systemError` is the `errno` behind it, 0 when none
    /// (a TLS layer above names it in its own message).
    case failed(PorterError, systemError: Int32)
}

/// One layer of a connection, as the layer above sees it: a TCP socket at the
/// bottom, a tunnel or a TLS stream over another transport above it.
///
/// This is the whole interface between layers (as curl's connection filters
/// have connect, send, recv and close): a layer reads and writes the one below
/// it only through these calls, never through a descriptor, so TLS can sit on a
/// socket, on a proxy's TLS stream, or on a test's in-memory pipe alike.
/// "Would block" is an answer, not a failure; waiting is done once, in
/// ``read(into:deadline:awaitingReply:)`` and ``write(_:deadline:)``, on the
/// descriptor at the bottom of the chain.
///
/// A transport is used by one task at a time (see the threading model in
/// `IOPoller.swift`); it is `Sendable` so that the client's pool can hand it
/// from one task to the next.
protocol Transport: AnyObject, Sendable {
    /// The descriptor at the bottom of the chain, whose readiness every
    /// ``TransportIO/wouldBlock(_:)`` of this layer waits for.
    var descriptor: Int32 { get }

    /// The address the bottom of the chain is connected to, for messages.
    var remoteAddress: SocketAddress { get }

    /// Reads what is available into `buffer`, without waiting.
    func tryRead(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO

    /// Writes what the layer accepts now of `bytes`, without waiting.
    func tryWrite(_ bytes: UnsafeRawBufferPointer) -> TransportIO

    /// Whether the end of the stream was seen without the transport's own
    /// orderly close (a TLS peer that closed without `close_notify`).
    var endedWithoutNotice: Bool { get }

    /// Whether an idle connection's peer has already closed it or sent
    /// unexpected bytes, so it must not carry another request.
    var isStale: Bool { get }

    /// Ends the stream and every layer below it: TLS sends `close_notify`;
    /// the socket is closed. Idempotent.
    func close()
}

extension Transport {
    /// Reads at least one byte into `buffer`, waiting until `deadline`.
    /// Returns 0 at the end of the stream.
    ///
    /// `awaitingReply` says that the bytes are the answer to something just sent (a
    /// response head), so that they usually come within microseconds on a fast network:
    /// the poller then polls for a moment before it sleeps (see ``SpinPolicy``). A body
    /// streaming in is read without it.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?, awaitingReply: Bool) async throws(PorterError) -> Int {
        while true {
            switch tryRead(into: buffer) {
            case .transferred(let count): return count
            case .endOfStream: return 0
            case .failed(let error, _): throw error
            case .wouldBlock(let interest):
                try await IOPoller.shared.wait(
                    fd: descriptor, for: interest, deadline: deadline, what: "waiting for data from \(remoteAddress)", spins: awaitingReply)
            }
        }
    }

    /// Writes all of `bytes`, waiting until `deadline`.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline?) async throws(PorterError) {
        var offset = 0
        while offset < bytes.count {
            switch tryWrite(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .transferred(let count): offset += count
            case .endOfStream: throw PorterError(.sendFailed, "sending to \(remoteAddress) failed: connection closed")
            case .failed(let error, _): throw error
            case .wouldBlock(let interest):
                try await IOPoller.shared.wait(fd: descriptor, for: interest, deadline: deadline, what: "sending to \(remoteAddress)")
            }
        }
    }

    /// Waits until the bottom descriptor is ready as `interest` says (for a layer's own
    /// multi-step exchanges, such as a handshake).
    func wait(for interest: IOInterest, deadline: Deadline?, what: String, spins: Bool = false) async throws(PorterError) {
        try await IOPoller.shared.wait(fd: descriptor, for: interest, deadline: deadline, what: what, spins: spins)
    }
}
