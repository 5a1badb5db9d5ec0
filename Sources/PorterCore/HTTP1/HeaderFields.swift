/// One header field as it appeared on the wire: its name with the original
/// spelling, and its value with surrounding whitespace removed.
public struct HeaderField: Sendable, Hashable {
    /// The field name as sent, e.g. `Content-Length`.
    public var name: String
    /// The field value, without leading or trailing whitespace.
    public var value: String

    /// Creates a field from a name and a value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of header fields, looked up case-insensitively.
///
/// Order and the original spelling of names are kept, because both matter
/// when a response is shown to a person (`-i`, `-D`) and when a proxy or a
/// test compares exact bytes.
public struct HeaderFields: Sendable, Hashable, RandomAccessCollection {
    /// The fields in wire order.
    public private(set) var fields: [HeaderField]

    /// Creates a list from fields in wire order.
    public init(_ fields: [HeaderField] = []) { self.fields = fields }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> HeaderField { fields[position] }

    /// Appends a field at the end.
    public mutating func append(name: String, value: String) {
        fields.append(HeaderField(name: name, value: value))
    }

    /// Appends a continuation to the last field's value after one space, unfolding an
    /// obs-fold line (RFC 9112 §5.2). Does nothing when the list is empty or `continuation` is.
    mutating func unfoldLastValue(appending continuation: String) {
        guard !fields.isEmpty, !continuation.isEmpty else { return }
        let last = fields.count - 1
        if fields[last].value.isEmpty {
            fields[last].value = continuation
        } else {
            fields[last].value += " " + continuation
        }
    }

    /// Removes every field with this name (case-insensitive).
    public mutating func removeAll(named name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// The first value of the field with this name (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.namesEqual($0.name, name) }?.value
    }

    /// Every value of the field with this name (case-insensitive), in wire order.
    public func values(named name: String) -> [String] {
        fields.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    /// Whether a field with this name is present (case-insensitive).
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesEqual($0.name, name) }
    }

    /// Whether a comma-separated field with this name lists `token` (case-insensitive),
    /// as `Connection: keep-alive, close` lists `close`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        values(named: name).contains { value in
            value.split(separator: ",").contains {
                Self.namesEqual($0.trimmingASCIIWhitespace(), token)
            }
        }
    }

    /// ASCII case-insensitive comparison, as RFC 9110 §5.1 prescribes for field names.
    static func namesEqual<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lowerASCII($0) == lowerASCII($1) }
    }

    private static func lowerASCII(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and horizontal tabs.
    @_spi(PorterTools) public func trimmingASCIIWhitespace() -> Substring {
        let s = Substring(self)
        guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = s.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return s[first...last]
    }
}
