internal import COpenSSL

/// What the comparison shows of a server's leaf certificate: subject, issuer,
/// names and expiry, read from its DER.
///
/// Deliberately minimal, for `porter compare`'s TLS summary.
struct LeafCertificateSummary: Sendable, Hashable {
    /// The subject in RFC 2253 form, e.g. `CN=localhost`.
    var subject: String
    /// The issuer in RFC 2253 form.
    var issuer: String
    /// The subject alternative names as OpenSSL prints them, or nil.
    var subjectAlternativeNames: String?
    /// The end of validity, e.g. `2100-01-01 00:00:00 UTC`.
    var notAfter: String
    /// Whole days from now to the end of validity (negative once expired).
    var daysLeft: Int?

    /// Reads a DER certificate; nil when it does not parse.
    init?(der: [UInt8]) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let certificate = parsed else {
            OpenSSLError.clear()
            return nil
        }
        defer { X509_free(certificate) }
        subject = X509Text.subject(certificate)
        issuer = X509Text.issuer(certificate)
        subjectAlternativeNames = X509Text.subjectAlternativeNames(certificate)
        notAfter = X509Text.time(X509_get0_notAfter(certificate))
        daysLeft = X509Text.daysFromNow(X509_get0_notAfter(certificate))
    }
}
