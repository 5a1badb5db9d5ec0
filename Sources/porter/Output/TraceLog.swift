import PorterCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What `--trace-time` and `--trace-ids` put before each `-v` or trace line: the time of
/// day (`HH:MM:SS.uuuuuu`, local time) and `[transfer-connection]`.
struct TracePrefix: Sendable {
    var time = false
    var ids = false
    var transferID = 0
    /// The connection the transfer is on, once known (`-` before).
    let connection = ConnectionNumber()

    /// The connection number, updated from the events as the transfer connects.
    final class ConnectionNumber: Sendable {
        let value = Atomic<Int>(-1)
    }

    func text(for event: ClientEvent?) -> String {
        guard time || ids else { return "" }
        if let event {
            switch event {
            case .connected(_, _, let id), .reusingConnection(_, _, let id): connection.value.store(id, ordering: .relaxed)
            default: break
            }
        }
        var text = ""
        if time { text += Self.timeOfDay() + " " }
        if ids {
            let id = connection.value.load(ordering: .relaxed)
            text += "[\(transferID)-\(id < 0 ? "x" : String(id))] "
        }
        return text
    }

    private static func timeOfDay() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let micros = String(now.tv_nsec / 1000)
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(String(repeating: "0", count: 6 - micros.count))\(micros)"
    }
}

/// curl's `--trace FILE` and `--trace-ascii FILE`: every event as an `== Info:` line, and
/// what went out and came in, dumped in hex and text (or text only) under a header line
/// naming the direction and size. Bodies sent from a file are counted, not dumped; bodies
/// received are dumped as delivered (after `--compressed` decoding).
///
/// Transfers running at once (`-Z`) write whole records under one lock.
final class TraceLog: Sendable {
    private let output: FileOutput
    private let hexadecimal: Bool
    private let lock = Mutex(())

    /// Opens the trace: `-` is standard output, `%` standard error, else a file.
    init(path: String, ascii: Bool) throws(PorterError) {
        switch path {
        case "-": output = .standardOutput
        case "%": output = .standardError
        default: output = try FileOutput.create(path: path)
        }
        hexadecimal = !ascii
    }

    /// The event handler for one transfer; `sentBody` is its request body when it is in
    /// memory, dumped when it is sent (a file's is only counted).
    func handler(prefix: TracePrefix, sentBody: [UInt8]?) -> @Sendable (ClientEvent) -> Void {
        { [self] event in
            let lead = prefix.text(for: event)
            switch event {
            case .requestHeadSent(let bytes): dump(lead + "=> Send header", bytes)
            case .responseHead(let head), .proxyResponseHead(let head): dump(lead + "<= Recv header", head.rawBytes)
            case .requestBodySent(let count):
                if let sentBody, sentBody.count == count {
                    dump(lead + "=> Send data", sentBody)
                } else {
                    write(lead + "=> Send data, \(count) bytes (0x\(String(count, radix: 16)))\n")
                }
            default:
                let lines = VerboseLog.lines(for: event).map { lead + "== Info: " + ($0.hasPrefix("* ") ? String($0.dropFirst(2)) : $0) + "\n" }
                write(lines.joined())
            }
        }
    }

    /// Dumps body bytes as they are delivered.
    func received(_ bytes: UnsafeRawBufferPointer, prefix: TracePrefix) {
        dump(prefix.text(for: nil) + "<= Recv data", Array(bytes))
    }

    private func write(_ text: String) {
        lock.withLock { _ in try? output.write(Array(text.utf8)) }
    }

    /// curl's dump (`tool_cb_dbg.c`): offsets, 16 bytes a line in hex with their text, or 64
    /// characters a line of text only, which also ends at each CRLF.
    func dump(_ title: String, _ bytes: [UInt8]) {
        var text = "\(title), \(bytes.count) bytes (0x\(String(bytes.count, radix: 16)))\n"
        let width = hexadecimal ? 0x10 : 0x40
        var index = 0
        while index < bytes.count {
            let offset = String(index, radix: 16)
            text += String(repeating: "0", count: max(0, 4 - offset.count)) + offset + ": "
            if hexadecimal {
                for column in 0..<width {
                    if index + column < bytes.count {
                        let hex = String(bytes[index + column], radix: 16)
                        text += (hex.count == 1 ? "0" + hex : hex) + " "
                    } else {
                        text += "   "
                    }
                }
            }
            var next = index + width
            var column = 0
            while column < width && index + column < bytes.count {
                let position = index + column
                if !hexadecimal, position + 1 < bytes.count, bytes[position] == 0x0D, bytes[position + 1] == 0x0A {
                    next = position + 2
                    break
                }
                let byte = bytes[position]
                text.append(byte >= 0x20 && byte < 0x7F ? Character(Unicode.Scalar(byte)) : ".")
                if !hexadecimal, position + 2 < bytes.count, bytes[position + 1] == 0x0D, bytes[position + 2] == 0x0A {
                    next = position + 3
                    break
                }
                column += 1
            }
            text += "\n"
            index = next
        }
        write(text)
    }
}
