/// What kind of key a certificate certifies, and how strong it is.
public struct CertificatePublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The algorithm: `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the key's object identifier.
    public let algorithm: String
    /// The key size in bits (the modulus for RSA and DSA, the field for EC).
    public let bits: Int
    /// For EC keys, the curve: `P-256`, `P-384`, `P-521`, another named curve, or
    /// `explicit parameters` when the certificate spells the curve out; nil otherwise.
    public let curve: String?

    /// Creates a description of a key.
    public init(algorithm: String, bits: Int, curve: String?) {
        self.algorithm = algorithm
        self.bits = bits
        self.curve = curve
    }

    /// E.g. `RSA 2048 bits` or `EC P-256 (256 bits)`.
    public var description: String {
        if let curve { return "\(algorithm) \(curve) (\(bits) bits)" }
        return "\(algorithm) \(bits) bits"
    }
}
