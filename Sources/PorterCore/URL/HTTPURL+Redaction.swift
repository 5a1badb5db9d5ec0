extension HTTPURL {
    /// `text` with the password of its user information, if any, replaced by
    /// one `*` per byte, for messages that quote a URL as the user wrote it.
    ///
    /// Byte positions are unchanged, so a message's "position N" still points
    /// at the same character. The user name stays visible. Text that is no
    /// URL at all is returned as it is.
    public static func maskingPassword(in text: String) -> String {
        var bytes = Array(text.utf8)
        let delimiters: Set<UInt8> = [UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#")]
        var start = 0
        if let separator = firstIndex(of: Array("://".utf8), in: bytes),
           !bytes[..<separator].contains(where: delimiters.contains) {
            start = separator + 3
        }
        let end = bytes[start...].firstIndex(where: delimiters.contains) ?? bytes.count
        guard let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")),
              let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":")), colon + 1 < at
        else { return text }
        for index in (colon + 1)..<at { bytes[index] = UInt8(ascii: "*") }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
