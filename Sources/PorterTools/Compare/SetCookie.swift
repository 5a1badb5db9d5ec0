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
        guard let field = SetCookieField(parsing: value) else { return nil }
        name = field.name
        secure = field.has("secure")
        httpOnly = field.has("httponly")
        sameSite = field.value(of: "samesite")
    }

    /// Whether `SameSite=None`, which browsers accept only together with `Secure`.
    public var isSameSiteNone: Bool { sameSite?.lowercased() == "none" }
}
