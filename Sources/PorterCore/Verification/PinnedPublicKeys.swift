internal import COpenSSL

/// The public keys a server may present (curl's `--pinnedpubkey`): SHA-256
/// digests of DER SubjectPublicKeyInfo, the pin HPKP (RFC 7469 §2.4) defined.
///
/// An immutable value. A pin is checked against the leaf certificate only,
/// as curl does.
public struct PinnedPublicKeys: Sendable, Hashable, CustomStringConvertible {
    /// The base64 SHA-256 digests, as in `sha256//<digest>`.
    public let digests: [String]

    /// No pins: any key is accepted.
    public init() { digests = [] }

    /// Pins these base64 SHA-256 digests.
    public init(digests: [String]) { self.digests = digests }

    /// Parses curl's forms: `sha256//<base64>[;sha256//<base64>...]`, or the
    /// path of a PEM or DER public key (SubjectPublicKeyInfo) file.
    ///
    /// - Throws: ``PorterError/Code/tlsConfigurationInvalid`` when a pin is not
    ///   a base64 SHA-256 digest, ``PorterError/Code/fileReadFailed`` when the
    ///   file cannot be read or holds no public key.
    public init(parsing text: String) throws(PorterError) {
        if text.hasPrefix("sha256//") {
            var digests: [String] = []
            for item in text.split(separator: ";", omittingEmptySubsequences: true) {
                guard item.hasPrefix("sha256//") else {
                    throw PorterError(.tlsConfigurationInvalid, "pinned public key \(item) does not start with sha256//")
                }
                let digest = String(item.dropFirst("sha256//".count))
                guard Self.isBase64SHA256(digest) else {
                    throw PorterError(.tlsConfigurationInvalid, "pinned public key sha256//\(digest) is not the base64 of a SHA-256 digest (44 characters ending in =)")
                }
                digests.append(digest)
            }
            self.digests = digests
            return
        }
        self.digests = [try Self.digest(ofPublicKeyFile: text)]
    }

    /// Whether no key is pinned.
    public var isEmpty: Bool { digests.isEmpty }

    /// Whether `certificate`'s key is one of the pinned ones (always true when none is pinned).
    public func matches(_ certificate: Certificate) -> Bool {
        isEmpty || digests.contains(certificate.subjectPublicKeyInfoSHA256)
    }

    /// The pins in curl's form, `sha256//A;sha256//B`.
    public var description: String { digests.map { "sha256//\($0)" }.joined(separator: ";") }

    /// What to tell a person when `leaf` of `host` does not match.
    public func mismatch(leaf: Certificate, host: String) -> String {
        "the public key of \(host)'s leaf certificate \(leaf.subject) is \(leaf.pinnedPublicKey), which is not pinned (--pinnedpubkey \(description)); the server's key changed or this is not the server you expect: update the pin only if the new key is legitimate"
    }

    static func isBase64SHA256(_ text: String) -> Bool {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return text.count == 44 && text.hasSuffix("=") && text.dropLast().allSatisfy { alphabet.contains($0) }
    }

    private static func digest(ofPublicKeyFile path: String) throws(PorterError) -> String {
        OpenSSLError.clear()
        defer { OpenSSLError.clear() }
        guard let bio = BIO_new_file(path, "r") else {
            throw PorterError(.fileReadFailed, "cannot read the pinned public key file \(path)")
        }
        defer { BIO_free(bio) }
        var key = PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        if key == nil {
            _ = BIO_ctrl(bio, BIO_CTRL_RESET, 0, nil)
            OpenSSLError.clear()
            key = d2i_PUBKEY_bio(bio, nil)
        }
        guard let key else {
            throw PorterError(.fileReadFailed, "\(path) holds no public key (PEM -----BEGIN PUBLIC KEY----- or DER SubjectPublicKeyInfo)")
        }
        defer { EVP_PKEY_free(key) }
        var der: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &der)
        guard length > 0, let der else {
            throw PorterError(.fileReadFailed, "cannot encode the public key in \(path)")
        }
        defer { COpenSSL_OPENSSL_free(der) }
        return ByteEncoding.base64(X509Fields.sha256(Array(UnsafeBufferPointer(start: der, count: Int(length)))))
    }
}
