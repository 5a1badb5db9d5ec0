/// The body of a response, read from the connection as the consumer asks for it.
///
/// When the request asked for decoding (``RequestOptions/decodesContent``,
/// ``RequestOptions/decodesTransferCodings``), the body is delivered decoded;
/// a ``RequestOptions/maximumBodyBytes`` limit applies to what is delivered.
///
/// Nothing buffers the whole body: ``forEachChunk(_:)`` hands out slices of
/// the connection's read buffer without copying (decoded bytes come from one
/// reused buffer per coding), and iterating with
/// `for try await chunk in body` copies one piece at a time. Valid only
/// inside the handler passed to ``HTTPClient/execute(_:body:options:isolation:_:)``,
/// on that handler's task.
public final class ResponseBody: AsyncSequence {
    public typealias Element = [UInt8]
    public typealias Failure = PorterError

    let exchange: HTTP1Exchange
    private let decoder: DecoderBox?
    private let recorder: TimingRecorder

    init(exchange: HTTP1Exchange, decoder: consuming ContentDecoder?, recorder: TimingRecorder) {
        self.exchange = exchange
        self.recorder = recorder
        if let decoder = decoder.take() {
            self.decoder = DecoderBox(decoder)
        } else {
            self.decoder = nil
        }
    }

    /// Holds the non-copyable decoder so that the body can mutate it.
    private final class DecoderBox {
        var decoder: ContentDecoder
        var finished = false
        init(_ decoder: consuming ContentDecoder) { self.decoder = decoder }
    }

    /// Delivers the next piece of the (decoded) body to `consume`; false once the body is complete.
    private func nextChunk(
        isolation actor: isolated (any Actor)?,
        _ consume: (UnsafeRawBufferPointer) throws -> Void
    ) async throws(PorterError) -> Bool {
        guard let box = decoder else {
            return try await exchange.readBodyChunk(isolation: actor, consume)
        }
        if box.finished { return false }
        let more = try await exchange.readBodyChunk(isolation: actor) { bytes in
            try box.decoder.decode(bytes, output: consume)
        }
        if !more {
            box.finished = true
            try box.decoder.finish(output: consume)
        }
        return true
    }

    /// Calls `consume` with each piece of the body, in order, until it is complete.
    ///
    /// The buffer passed to `consume` is valid only during the call. An error
    /// thrown by `consume` ends the transfer as ``PorterError/Code/writeFailed``
    /// (or the ``PorterError`` itself, if it throws one).
    public func forEachChunk(
        isolation actor: isolated (any Actor)? = #isolation,
        _ consume: (UnsafeRawBufferPointer) throws -> Void
    ) async throws(PorterError) {
        while try await nextChunk(isolation: actor, consume) {}
    }

    /// Reads the whole body into memory, failing when it exceeds `limit` bytes.
    public func collect(upTo limit: Int, isolation actor: isolated (any Actor)? = #isolation) async throws(PorterError) -> [UInt8] {
        var result: [UInt8] = []
        try await forEachChunk { bytes throws(PorterError) in
            guard result.count + bytes.count <= limit else {
                throw PorterError(.writeFailed, "the body is larger than the \(limit) bytes allowed")
            }
            result.append(contentsOf: bytes)
        }
        return result
    }

    /// Body bytes received so far, before any decoding.
    public var bytesReceived: UInt64 { exchange.bodyBytesDelivered }

    /// When each phase of the transfer ended; ``TransferTimings/total`` is final once the body is complete.
    public var timings: TransferTimings {
        if let completed = exchange.completedAt { recorder.endLastHop(at: completed) }
        return recorder.snapshot
    }

    /// Whether the whole body has been read.
    public var isComplete: Bool { exchange.isComplete }

    /// The trailer section of a chunked body as received (without its final empty line),
    /// available once the body is complete.
    public var rawTrailerBytes: [UInt8] { exchange.rawTrailerBytes }

    /// Trailer fields of a chunked body, available once the body is complete.
    public var trailers: HeaderFields { exchange.trailers }

    /// An iterator that reads the next piece of the body on each call.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: ResponseBody

        public mutating func next() async throws(PorterError) -> [UInt8]? {
            try await next(isolation: nil)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(PorterError) -> [UInt8]? {
            var chunk: [UInt8]?
            while chunk == nil {
                var received: [UInt8] = []
                guard try await body.nextChunk(isolation: actor, { received += $0 }) else { return nil }
                if !received.isEmpty { chunk = received }
            }
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}
