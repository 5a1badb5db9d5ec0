/// A `Set-Cookie` field value split as RFC 6265 §5.2 reads it: the cookie's
/// name and value, then its attributes in order. Only the syntax: what a user
/// agent keeps of it is ``CookieJar``'s policy, what a report shows of it the
/// caller's.
public struct SetCookieField: Sendable, Hashable {
    /// One attribute after the name-value pair.
    public struct Attribute: Sendable, Hashable {
        /// The attribute's name, lower-cased (`secure`, `max-age`, `samesite`, …).
        public var name: String
        /// Its value without surrounding spaces, or nil when it has no `=`.
        public var value: String?
    }

    /// The cookie's name.
    public var name: String
    /// The cookie's value.
    public var value: String
    /// The attributes, in the order sent.
    public var attributes: [Attribute]

    /// Splits `text`; nil when it has no `name=value` pair with a non-empty name
    /// (RFC 6265 §5.2 steps 2 and 5).
    public init?(parsing text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return nil }
        let name = pair[..<equals].trimmingASCIIWhitespace()
        guard !name.isEmpty else { return nil }
        self.name = String(name)
        value = String(pair[pair.index(after: equals)...].trimmingASCIIWhitespace())
        attributes = parts.dropFirst().map { attribute in
            let equals = attribute.firstIndex(of: "=")
            let key = attribute[..<(equals ?? attribute.endIndex)].trimmingASCIIWhitespace().lowercased()
            let argument = equals.map { String(attribute[attribute.index(after: $0)...].trimmingASCIIWhitespace()) }
            return Attribute(name: key, value: argument)
        }
    }

    /// Whether an attribute named `name` (lower case) is present.
    public func has(_ name: String) -> Bool { attributes.contains { $0.name == name } }

    /// The value of the last attribute named `name` (lower case), as RFC 6265 §5.3 lets the last one win;
    /// "" for one without a value, nil when there is none.
    public func value(of name: String) -> String? {
        attributes.last { $0.name == name }.map { $0.value ?? "" }
    }
}
