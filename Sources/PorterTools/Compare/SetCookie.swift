@_spi(PorterTools) import PorterCore

/// The parts of a `Set-Cookie` field that matter for security (RFC 6265 §5.2):
/// the cookie's name and its `Secure`, `HttpOnly` and `SameSite` attributes.
/// The value is never kept, so a report cannot leak a session.
public struct SetCookie: Sendable, Hashable {
    /// The cookie's name.
    public var name: String
    /// Whether `Secure` is set: the cookie is only sent over HTTPS.
    public var secure: Bool
    /// Whether `HttpOnly` is set: scripts cannot read it.
    public var httpOnly: Bool
    /// The `SameSite` value as sent (`Strict`, `Lax`, `None`), or nil when absent.
    public var sameSite: String?

    /// Parses a field value; nil when there is no `name=value` pair (RFC 6265 §5.2 step 2).
    public init?(parsing value: String) {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return nil }
        let name = pair[..<equals].trimmingASCIIWhitespace()
        guard !name.isEmpty else { return nil }
        self.name = String(name)
        secure = false
        httpOnly = false
        sameSite = nil
        for attribute in parts.dropFirst() {
            let equals = attribute.firstIndex(of: "=")
            let key = attribute[..<(equals ?? attribute.endIndex)].trimmingASCIIWhitespace().lowercased()
            let argument = equals.map { String(attribute[attribute.index(after: $0)...].trimmingASCIIWhitespace()) }
            switch key {
            case "secure": secure = true
            case "httponly": httpOnly = true
            case "samesite": sameSite = argument ?? ""
            default: continue
            }
        }
    }

    /// Whether `SameSite=None`, which browsers accept only together with `Secure`.
    public var isSameSiteNone: Bool { sameSite?.lowercased() == "none" }
}
