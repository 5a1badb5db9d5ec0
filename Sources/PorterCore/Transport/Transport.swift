/// The small interface every layer of a connection offers to the one above:
/// a plain TCP socket, or a TLS stream over one.
///
/// A transport is used by one task at a time (see the threading model in
/// `IOPoller.swift`); it is `Sendable` so that the client's pool can hand it
/// from one task to the next.
protocol Transport: AnyObject, Sendable {
    /// Reads at least one byte into `buffer`, waiting until `deadline`.
    /// Returns 0 at the end of the stream.
    ///
    /// `awaitingReply` says that the bytes are the answer to something just sent (a
    /// response head), so that they usually come within microseconds on a fast network:
    /// the poller then polls for a moment before it sleeps (see ``SpinPolicy``). A body
    /// streaming in is read without it.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?, awaitingReply: Bool) async throws(PorterError) -> Int

    /// Writes all of `bytes`, waiting until `deadline`.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline?) async throws(PorterError)

    /// Whether the end of the stream was seen without the transport's own
    /// orderly close (a TLS peer that closed without `close_notify`).
    var endedWithoutNotice: Bool { get }

    /// Whether an idle connection's peer has already closed it or sent
    /// unexpected bytes, so it must not carry another request.
    var isStale: Bool { get }

    /// Ends the stream: TLS sends `close_notify`; the socket is closed. Idempotent.
    func close()
}
