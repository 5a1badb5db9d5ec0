import PorterCore

/// The invariants every URL the parser returns must hold; a failure crashes the fuzzer.
func check(_ url: HTTPURL) {
    // Bytes, as on the wire: a "/" followed by a combining mark is one Character, not "/".
    precondition(url.target.utf8.first == UInt8(ascii: "/"), "target \(url.target) does not start with /")
    precondition(!url.target.utf8.contains { $0 <= 0x20 || $0 == 0x7F }, "unsafe byte in target \(url.target)")
    precondition(!url.host.isEmpty, "empty host")
    precondition(url.scheme == "http" || url.scheme == "https", "scheme \(url.scheme)")
    guard let again = try? HTTPURL(parsing: url.description) else {
        preconditionFailure("\(url.description) does not parse again")
    }
    precondition(again.scheme == url.scheme && again.host == url.host && again.port == url.port && again.target == url.target,
                 "\(url.description) parses again as \(again.description)")
}
