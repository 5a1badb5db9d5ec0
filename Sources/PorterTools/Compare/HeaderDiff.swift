@_spi(PorterTools) import PorterCore

/// The difference between the header fields of two responses, field by field.
///
/// Names are compared case-insensitively; a name's values are compared as
/// the ordered list of every field with that name. Fields expected to differ
/// between any two responses (`Date`, `Age`, `Expires`, `Set-Cookie`) are
/// marked ``Entry/isVolatile`` and never count as a difference. Cookie
/// values are replaced with `…`, so that a report never carries a session.
public struct HeaderDiff: Sendable, Hashable {
    /// How one field name compares.
    public enum State: String, Sendable, Hashable {
        /// Both sides send the same values.
        case same
        /// Both sides send the field, with different values.
        case different
        /// Only the HTTP response has the field.
        case onlyHTTP
        /// Only the HTTPS response has the field.
        case onlyHTTPS
    }

    /// One field name on both sides.
    public struct Entry: Sendable, Hashable {
        /// The name as the first response that has it spells it.
        public var name: String
        /// Every value over HTTP, in order; nil when the field is absent there.
        public var http: [String]?
        /// Every value over HTTPS, in order; nil when the field is absent there.
        public var https: [String]?
        /// Whether the field differs between any two responses by nature.
        public var isVolatile: Bool
        /// Whether this is one of the security fields ``HeaderDiff/securityFieldNames`` lists.
        public var isSecurityField: Bool

        /// How the two sides compare.
        public var state: State {
            switch (http, https) {
            case (nil, _): .onlyHTTPS
            case (_, nil): .onlyHTTP
            case (let a?, let b?): a == b ? .same : .different
            }
        }

        /// Whether the entry counts as a difference: present on one side only, or different, and not volatile.
        public var differs: Bool { !isVolatile && state != .same }
    }

    /// Every field name of either response, in the order first seen (HTTP's fields first).
    public var entries: [Entry]

    /// Fields that differ between any two responses by nature.
    public static let volatileFieldNames: Set<String> = ["date", "age", "expires", "set-cookie"]

    /// The security fields the Observatory checks, lower case.
    public static let securityFieldNames: [String] = [
        "content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy",
        "permissions-policy", "strict-transport-security",
    ]

    /// Compares the fields of the final HTTP response with those of the final HTTPS one.
    public init(http: HeaderFields, https: HeaderFields) {
        var order: [String] = []
        var spelling: [String: String] = [:]
        for field in Array(http) + Array(https) {
            let key = field.name.lowercased()
            if spelling[key] == nil {
                spelling[key] = field.name
                order.append(key)
            }
        }
        entries = order.map { key in
            let name = spelling[key] ?? key
            let left = http.values(named: name).map { Self.redacted($0, name: key) }
            let right = https.values(named: name).map { Self.redacted($0, name: key) }
            return Entry(
                name: name, http: left.isEmpty ? nil : left, https: right.isEmpty ? nil : right,
                isVolatile: Self.volatileFieldNames.contains(key),
                isSecurityField: Self.securityFieldNames.contains(key))
        }
    }

    /// A `Set-Cookie` value with the cookie's value replaced by `…`; other fields as they are.
    static func redacted(_ value: String, name: String) -> String {
        guard name == "set-cookie", let equals = value.firstIndex(of: "=") else { return value }
        let end = value[equals...].firstIndex(of: ";") ?? value.endIndex
        return value[...equals] + "…" + value[end...]
    }

    /// The entry for `name` (case-insensitive), if either side has the field.
    public subscript(name: String) -> Entry? {
        entries.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The entries that count as differences.
    public var differences: [Entry] { entries.filter(\.differs) }
}
