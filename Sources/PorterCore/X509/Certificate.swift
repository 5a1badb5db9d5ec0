internal import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// An X.509 certificate: its DER bytes and the fields a person checks.
///
/// An immutable value, `Sendable`, compared by its DER bytes. Decoding reads
/// every field once; the OpenSSL object behind it (used again when a
/// ``CertificateVerifier`` checks it) is freed when the last copy goes away.
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    /// The certificate as DER.
    public let derBytes: [UInt8]
    /// The X.509 version: 1, 2 or 3.
    public let version: Int
    /// The subject name in RFC 2253 form, e.g. `CN=localhost,O=Example`.
    public let subject: String
    /// The issuer name in RFC 2253 form.
    public let issuer: String
    /// The common names (CN) in the subject, in order.
    public let commonNames: [String]
    /// The subject alternative names, or nil when the certificate has no such extension.
    public let subjectAlternativeNames: [SubjectAlternativeName]?
    /// The start of the validity period.
    public let notBefore: CertificateTime
    /// The end of the validity period.
    public let notAfter: CertificateTime
    /// The serial number in upper-case hexadecimal, with `-` in front if it is negative.
    public let serialNumber: String
    /// The SHA-256 digest of ``derBytes`` as colon-separated hexadecimal pairs, as `openssl x509 -fingerprint -sha256` prints it.
    public let sha256Fingerprint: String
    /// The base64 SHA-256 digest of the DER SubjectPublicKeyInfo (HPKP's and curl's pin).
    public let subjectPublicKeyInfoSHA256: String
    /// The certified key.
    public let publicKey: CertificatePublicKey
    /// The algorithm of the issuer's signature, e.g. `sha256WithRSAEncryption` or `ecdsa-with-SHA256`.
    public let signatureAlgorithm: String
    /// The basic constraints extension, or nil when absent.
    public let basicConstraints: BasicConstraints?
    /// The key usages (`digitalSignature`, `keyCertSign`, …), or nil when the extension is absent.
    public let keyUsage: [String]?
    /// The extended key usages (`serverAuth`, `clientAuth`, … or dotted object identifiers), or nil when absent.
    public let extendedKeyUsage: [String]?
    /// Whether the certificate is signed by its own key (a root, or a self-signed server certificate).
    public let isSelfSigned: Bool

    let handle: X509Handle

    /// The pin for curl's `--pinnedpubkey`: `sha256//` followed by ``subjectPublicKeyInfoSHA256``.
    public var pinnedPublicKey: String { "sha256//\(subjectPublicKeyInfoSHA256)" }

    /// Whether subject and issuer are the same name.
    public var isSelfIssued: Bool { subject == issuer }

    /// The certificate in PEM form (RFC 7468): base64 of the DER in lines of 64.
    public var pem: String {
        let encoded = Array(ByteEncoding.base64(derBytes).utf8)
        let lines = stride(from: 0, to: encoded.count, by: 64).map { String(decoding: encoded[$0..<min($0 + 64, encoded.count)], as: UTF8.self) }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }

    /// Whole days from `time` until ``notAfter`` (negative once it has passed).
    public func daysLeft(at time: CertificateTime = .now) -> Int {
        time.days(until: notAfter)
    }

    /// Whether `time` falls within the validity period (RFC 5280 §4.1.2.5: both ends included).
    public func isValid(at time: CertificateTime = .now) -> Bool {
        notBefore <= time && time <= notAfter
    }

    // MARK: - Decoding

    /// Decodes the first certificate in PEM text.
    ///
    /// - Throws: ``PorterError/Code/certificateDecodingFailed`` when there is no certificate or it is malformed.
    public init(pem: String) throws(PorterError) {
        let all = try Self.certificates(fromPEM: pem)
        self = all[0]
    }

    /// Decodes a DER certificate.
    ///
    /// - Throws: ``PorterError/Code/certificateDecodingFailed`` when the bytes are not one whole certificate.
    public init(der: [UInt8]) throws(PorterError) {
        OpenSSLError.clear()
        let decoded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            let certificate = d2i_X509(nil, &cursor, buffer.count)
            if let certificate, cursor != buffer.baseAddress.map({ $0 + buffer.count }) {
                X509_free(certificate)
                return nil
            }
            return certificate
        }
        guard let decoded else {
            throw OpenSSLErrorStack.drain().error(.certificateDecodingFailed, "the bytes are not a DER certificate")
        }
        self.init(handle: X509Handle(taking: decoded))
    }

    /// Decodes every certificate in PEM text, in order; text between the blocks is ignored.
    ///
    /// - Throws: ``PorterError/Code/certificateDecodingFailed`` when there is no
    ///   certificate, or a block is malformed.
    public static func certificates(fromPEM pem: String) throws(PorterError) -> [Certificate] {
        var bytes = Array(pem.utf8)
        if bytes.isEmpty { bytes = [0] }
        let count = pem.utf8.count
        let result: Result<[Certificate], PorterError> = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(count)) else {
                return .failure(PorterError(.certificateDecodingFailed, "cannot allocate a buffer for the PEM text"))
            }
            defer { BIO_free(bio) }
            return readAll(from: bio, source: "the PEM text")
        }
        return try result.get()
    }

    /// Reads every certificate from a PEM file, in order.
    ///
    /// - Throws: ``PorterError/Code/fileReadFailed`` when the file cannot be
    ///   opened, ``PorterError/Code/certificateDecodingFailed`` when it holds
    ///   no certificate or a malformed one.
    public static func certificates(fromPEMFile path: String) throws(PorterError) -> [Certificate] {
        OpenSSLError.clear()
        guard let bio = BIO_new_file(path, "r") else {
            let system = String(cString: strerror(errno))
            OpenSSLError.clear()
            throw PorterError(.fileReadFailed, "cannot read \(path): \(system)")
        }
        defer { BIO_free(bio) }
        return try readAll(from: bio, source: path).get()
    }

    private static func readAll(from bio: OpaquePointer, source: String) -> Result<[Certificate], PorterError> {
        var certificates: [Certificate] = []
        OpenSSLError.clear()
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(Certificate(handle: X509Handle(taking: certificate)))
        }
        let last = ERR_peek_last_error()
        let endOfInput = last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)
        let reasons = OpenSSLErrorStack.drain()
        guard endOfInput else {
            let position = certificates.isEmpty ? "" : " after certificate \(certificates.count)"
            return .failure(PorterError(.certificateDecodingFailed, "\(source) holds a malformed certificate\(position): \(reasons)"))
        }
        guard !certificates.isEmpty else {
            return .failure(PorterError(.certificateDecodingFailed, "\(source) holds no PEM certificate (-----BEGIN CERTIFICATE-----)"))
        }
        return .success(certificates)
    }

    /// Wraps an OpenSSL certificate, reading every field.
    init(handle: X509Handle) {
        let pointer = handle.pointer
        self.handle = handle
        derBytes = X509Fields.der(pointer)
        version = Int(X509_get_version(pointer)) + 1
        subject = X509Fields.subject(pointer)
        issuer = X509Fields.issuer(pointer)
        commonNames = X509Fields.commonNames(X509_get_subject_name(pointer))
        subjectAlternativeNames = X509Fields.subjectAlternativeNames(pointer)
        notBefore = X509Fields.time(X509_get0_notBefore(pointer))
        notAfter = X509Fields.time(X509_get0_notAfter(pointer))
        serialNumber = X509Fields.serial(pointer).hex
        sha256Fingerprint = ByteEncoding.hex(X509Fields.sha256(derBytes), separator: UInt8(ascii: ":"))
        subjectPublicKeyInfoSHA256 = ByteEncoding.base64(X509Fields.sha256(X509Fields.subjectPublicKeyInfo(pointer)))
        publicKey = X509Fields.publicKey(pointer)
        signatureAlgorithm = X509Fields.signatureAlgorithm(pointer)
        basicConstraints = X509Fields.basicConstraints(pointer)
        keyUsage = X509Fields.keyUsage(pointer)
        extendedKeyUsage = X509Fields.extendedKeyUsage(pointer)
        isSelfSigned = X509_self_signed(pointer, 0) == 1
        OpenSSLError.clear()
    }

    // MARK: - Comparison and description

    /// Certificates are equal when their DER bytes are.
    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.derBytes == rhs.derBytes }

    /// Hashes the DER bytes.
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }

    /// The subject, e.g. `CN=localhost`.
    public var description: String { subject }
}
