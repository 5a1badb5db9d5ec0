import PorterCore

/// Where one transfer's heads and body go: the output (`-o`, or standard
/// output), created on first use, with the heads too under `-i`, and the
/// `-D` dump. Heads are written as each arrives, interim and redirect ones
/// included, so a transfer that fails later has still shown them.
///
/// Used by the transfer's one task; the client's event handler writes heads
/// from that same task.
final class TransferOutput: @unchecked Sendable {
    /// The output file (nil: standard output); `-J` may name another before it is opened.
    private(set) var path: String?
    private let appending: Bool
    private let includesHeads: Bool
    private let headerDump: FileOutput?
    private var file: FileOutput?
    /// The first failure to write a head, reported once the transfer returns.
    private(set) var headWriteError: PorterError?

    init(path: String?, appending: Bool, includesHeads: Bool, headerDump: FileOutput?) {
        self.path = path
        self.appending = appending
        self.includesHeads = includesHeads
        self.headerDump = headerDump
    }

    /// Writes to `newPath` instead (`-J`); false once the output is open, when it is too late.
    func rename(to newPath: String) -> Bool {
        guard file == nil else { return false }
        path = newPath
        return true
    }

    /// Whether this transfer created (or opened) its output file: only then may
    /// `--remove-on-error` remove it.
    var openedFile: Bool { file != nil && path != nil && path != "-" }

    /// The output, created (or opened for appending) on first use.
    func destination() throws(PorterError) -> FileOutput {
        if let file { return file }
        let created = try path.map { path throws(PorterError) in try FileOutput.create(path: path, appending: appending) } ?? FileOutput.standardOutput
        file = created
        return created
    }

    /// Writes a response head to `-D` (folded lines unfolded, as curl does) and, with `-i`, to the output.
    func writeHead(_ head: ResponseHead) {
        do throws(PorterError) {
            try headerDump?.write(Self.unfolded(head.rawBytes))
            if includesHeads { try destination().write(head.rawBytes) }
        } catch {
            if headWriteError == nil { headWriteError = error }
        }
    }

    /// Writes the trailer section of a chunked body after the body, as the head is written.
    func writeTrailers(_ received: [UInt8]) throws(PorterError) {
        guard !received.isEmpty else { return }
        // Each trailer line ends in CRLF in the output, as head lines are written by curl.
        let bytes = Array(received.split(separator: 0x0A).map { line in
            (line.last == 0x0D ? Array(line.dropLast()) : Array(line)) + [0x0D, 0x0A]
        }.joined())
        try headerDump?.write(bytes)
        if includesHeads { try destination().write(bytes) }
    }

    /// Head lines with obs-fold continuations joined to the line they continue
    /// (RFC 9112 §5.2: replace each fold with one space).
    static func unfolded(_ raw: [UInt8]) -> [UInt8] {
        guard raw.contains(where: { $0 == 0x0A }) else { return raw }
        var lines = raw.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var result: [[UInt8]] = []
        for (index, line) in lines.enumerated() {
            let isFold = index > 0 && !result.isEmpty && (line.first == 0x20 || line.first == 0x09)
                && !(result.last!.isEmpty || result.last! == [0x0D])
            if isFold {
                var previous = result.removeLast()
                let hadCR = previous.last == 0x0D
                if hadCR { previous.removeLast() }
                while let last = previous.last, last == 0x20 || last == 0x09 { previous.removeLast() }
                var continuation = line[...]
                if continuation.last == 0x0D { continuation = continuation.dropLast() }
                continuation = continuation.drop { $0 == 0x20 || $0 == 0x09 }
                previous += [0x20] + continuation
                if hadCR || line.last == 0x0D { previous.append(0x0D) }
                result.append(previous)
            } else {
                result.append(line)
            }
        }
        return Array(result.map { $0 + [0x0A] }.joined())
    }
}
