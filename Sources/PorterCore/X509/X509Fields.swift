internal import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// Reads the fields of an `X509 *` into Swift values: the one place that
/// walks OpenSSL's certificate structures, for ``Certificate`` and for the
/// verifier's own checks.
enum X509Fields {
    // MARK: - Names

    /// The subject alternative names, or nil when the extension is absent or cannot be decoded.
    static func subjectAlternativeNames(_ certificate: OpaquePointer) -> [SubjectAlternativeName]? {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return nil }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        return generalNames(names).map(subjectAlternativeName)
    }

    /// The entries of a `STACK_OF(GENERAL_NAME)`, borrowed from it.
    static func generalNames(_ stack: OpaquePointer) -> [UnsafeMutablePointer<GENERAL_NAME>] {
        (0..<COpenSSL_sk_GENERAL_NAME_num(stack)).compactMap { COpenSSL_sk_GENERAL_NAME_value(stack, $0) }
    }

    static func subjectAlternativeName(_ name: UnsafeMutablePointer<GENERAL_NAME>) -> SubjectAlternativeName {
        switch name.pointee.type {
        case GEN_DNS: return .dnsName(text(name.pointee.d.dNSName))
        case GEN_EMAIL: return .email(text(name.pointee.d.rfc822Name))
        case GEN_URI: return .uri(text(name.pointee.d.uniformResourceIdentifier))
        case GEN_IPADD:
            let octets = bytes(name.pointee.d.iPAddress)
            return ipAddressText(octets).map(SubjectAlternativeName.ipAddress) ?? .other("IP:<\(octets.count) bytes>")
        case GEN_DIRNAME: return .directoryName(X509Fields.name(name.pointee.d.directoryName))
        case GEN_OTHERNAME: return .other("othername")
        case GEN_RID: return .other("Registered ID")
        default: return .other("(unsupported name type \(name.pointee.type))")
        }
    }

    /// The common names in `name` (an `X509_NAME *`), in order.
    static func commonNames(_ name: OpaquePointer?) -> [String] {
        guard let name else { return [] }
        var result: [String] = []
        var position: Int32 = -1
        while true {
            position = X509_NAME_get_index_by_NID(name, NID_commonName, position)
            guard position >= 0, let entry = X509_NAME_get_entry(name, position), let data = X509_NAME_ENTRY_get_data(entry) else { break }
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            if length >= 0, let utf8 {
                result.append(String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self))
                COpenSSL_OPENSSL_free(utf8)
            }
        }
        return result
    }

    /// Whether `name` (an `X509_NAME *`) has no attributes at all.
    static func isEmpty(_ name: OpaquePointer?) -> Bool {
        guard let name else { return true }
        return X509_NAME_entry_count(name) == 0
    }

    // MARK: - Strings and bytes

    static func bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    static func bytes(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> [UInt8] {
        bytes(UnsafePointer(string))
    }

    /// An IA5String or similar as text; bytes that are not UTF-8 become U+FFFD.
    static func text(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        String(decoding: bytes(string), as: UTF8.self)
    }

    /// A 4- or 16-byte address in canonical text (dotted quad, or RFC 5952 for IPv6).
    static func ipAddressText(_ octets: [UInt8]) -> String? {
        let family: Int32
        switch octets.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written = octets.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { inet_ntop(family, raw.baseAddress, $0.baseAddress, socklen_t($0.count)) }
        }
        guard written != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The bytes of an address written as text, or nil when `text` is not one in standard form.
    static func ipAddressOctets(_ text: String) -> [UInt8]? {
        SocketAddress.octets(ofNumericHost: text)
    }

    // MARK: - Names

    /// A subject or issuer name in RFC 2253 form, e.g. `CN=localhost,O=Example`.
    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "(no name)" }
        defer { BIO_free(bio) }
        _ = X509_NAME_print_ex(bio, name, 0, COpenSSL_XN_FLAG_RFC2253())
        var data: UnsafeMutablePointer<CChar>?
        let length = COpenSSL_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    static func subject(_ certificate: OpaquePointer) -> String { name(X509_get_subject_name(certificate)) }
    static func issuer(_ certificate: OpaquePointer) -> String { name(X509_get_issuer_name(certificate)) }

    // MARK: - Times and numbers

    static func time(_ time: UnsafePointer<ASN1_TIME>?) -> CertificateTime {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return CertificateTime(secondsSinceEpoch: 0) }
        return CertificateTime(secondsSinceEpoch: UTCCalendar.seconds(of: &parts))
    }

    /// What the serial number is: its hexadecimal text, and what RFC 5280 §4.1.2.2 asks of it.
    struct Serial {
        var hex: String
        var isPositive: Bool
        /// The length of the DER contents (with the sign octet a positive number may need).
        var encodedLength: Int
    }

    static func serial(_ certificate: OpaquePointer) -> Serial {
        guard let integer = X509_get0_serialNumber(certificate), let number = ASN1_INTEGER_to_BN(integer, nil) else {
            return Serial(hex: "", isPositive: false, encodedLength: 0)
        }
        defer { BN_free(number) }
        var hex = ""
        if let text = BN_bn2hex(number) {
            hex = String(cString: text)
            COpenSSL_OPENSSL_free(text)
        }
        let bits = Int(BN_num_bits(number))
        let magnitude = max(1, (bits + 7) / 8)
        let negative = BN_is_negative(number) != 0
        let positive = !negative && BN_is_zero(number) == 0
        let needsSignOctet = positive && bits % 8 == 0
        return Serial(hex: hex, isPositive: positive, encodedLength: magnitude + (needsSignOctet ? 1 : 0))
    }

    // MARK: - Digests

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256Digest.digest(bytes) }

    static func der(_ certificate: OpaquePointer) -> [UInt8] {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509(certificate, &cursor)
        }
        return bytes
    }

    /// The DER SubjectPublicKeyInfo, the input of curl's `--pinnedpubkey sha256//` hash.
    static func subjectPublicKeyInfo(_ certificate: OpaquePointer) -> [UInt8] {
        guard let key = X509_get_X509_PUBKEY(certificate) else { return [] }
        let length = i2d_X509_PUBKEY(key, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509_PUBKEY(key, &cursor)
        }
        return bytes
    }

    // MARK: - Keys and algorithms

    static func publicKey(_ certificate: OpaquePointer) -> CertificatePublicKey {
        guard let key = X509_get0_pubkey(certificate) else {
            return CertificatePublicKey(algorithm: keyAlgorithmObject(certificate) ?? "unknown", bits: 0, curve: nil)
        }
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA: return CertificatePublicKey(algorithm: "RSA", bits: bits, curve: nil)
        case EVP_PKEY_RSA_PSS: return CertificatePublicKey(algorithm: "RSA-PSS", bits: bits, curve: nil)
        case EVP_PKEY_DSA: return CertificatePublicKey(algorithm: "DSA", bits: bits, curve: nil)
        case EVP_PKEY_ED25519: return CertificatePublicKey(algorithm: "Ed25519", bits: bits, curve: nil)
        case EVP_PKEY_ED448: return CertificatePublicKey(algorithm: "Ed448", bits: bits, curve: nil)
        case EVP_PKEY_EC:
            var buffer = [CChar](repeating: 0, count: 80)
            var length = 0
            let named = EVP_PKEY_get_utf8_string_param(key, "group", &buffer, buffer.count, &length) == 1
            let group = named ? buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : nil
            return CertificatePublicKey(algorithm: "EC", bits: bits, curve: group.map(curveName) ?? "explicit parameters")
        default:
            return CertificatePublicKey(algorithm: keyAlgorithmObject(certificate) ?? "unknown", bits: bits, curve: nil)
        }
    }

    /// NIST names for the curves that have them, OpenSSL's name otherwise.
    static func curveName(_ group: String) -> String {
        switch group {
        case "prime256v1", "secp256r1": return "P-256"
        case "secp384r1": return "P-384"
        case "secp521r1": return "P-521"
        case "prime192v1", "secp192r1": return "P-192"
        case "secp224r1": return "P-224"
        default: return group
        }
    }

    private static func keyAlgorithmObject(_ certificate: OpaquePointer) -> String? {
        guard let key = X509_get_X509_PUBKEY(certificate) else { return nil }
        var object: OpaquePointer?
        guard X509_PUBKEY_get0_param(&object, nil, nil, nil, key) == 1, let object else { return nil }
        return objectName(object, shortName: true)
    }

    /// An `ASN1_OBJECT`'s name, or its dotted form when OpenSSL has no name for it.
    static func objectName(_ object: OpaquePointer, shortName: Bool) -> String {
        let nid = OBJ_obj2nid(object)
        if nid != NID_undef, let name = shortName ? OBJ_nid2sn(nid) : OBJ_nid2ln(nid) {
            return String(cString: name)
        }
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        guard length > 0 else { return "unknown" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func signatureAlgorithm(_ certificate: OpaquePointer) -> String {
        let nid = X509_get_signature_nid(certificate)
        if nid != NID_undef, let name = OBJ_nid2ln(nid) { return String(cString: name) }
        var algorithm: UnsafePointer<X509_ALGOR>?
        X509_get0_signature(nil, &algorithm, certificate)
        var object: OpaquePointer?
        if let algorithm {
            X509_ALGOR_get0(&object, nil, nil, algorithm)
        }
        return object.map { objectName($0, shortName: false) } ?? "unknown"
    }

    // MARK: - Extensions

    /// The extension with `nid`, or nil; `critical` tells whether it is marked critical.
    static func extensionInfo(_ certificate: OpaquePointer, nid: Int32) -> (present: Bool, critical: Bool) {
        let index = X509_get_ext_by_NID(certificate, nid, -1)
        guard index >= 0, let item = X509_get_ext(certificate, index) else { return (false, false) }
        return (true, X509_EXTENSION_get_critical(item) == 1)
    }

    static func basicConstraints(_ certificate: OpaquePointer) -> BasicConstraints? {
        let info = extensionInfo(certificate, nid: NID_basic_constraints)
        guard info.present else { return nil }
        let flags = X509_get_extension_flags(certificate)
        let isCA = flags & UInt32(EXFLAG_CA) != 0 && flags & UInt32(EXFLAG_BCONS) != 0
        let pathLength = X509_get_pathlen(certificate)
        return BasicConstraints(isCertificateAuthority: isCA, pathLengthConstraint: pathLength >= 0 ? Int(pathLength) : nil, isCritical: info.critical)
    }

    static let keyUsageNames: [(UInt32, String)] = [
        (UInt32(KU_DIGITAL_SIGNATURE), "digitalSignature"),
        (UInt32(KU_NON_REPUDIATION), "nonRepudiation"),
        (UInt32(KU_KEY_ENCIPHERMENT), "keyEncipherment"),
        (UInt32(KU_DATA_ENCIPHERMENT), "dataEncipherment"),
        (UInt32(KU_KEY_AGREEMENT), "keyAgreement"),
        (UInt32(KU_KEY_CERT_SIGN), "keyCertSign"),
        (UInt32(KU_CRL_SIGN), "cRLSign"),
        (UInt32(KU_ENCIPHER_ONLY), "encipherOnly"),
        (UInt32(KU_DECIPHER_ONLY), "decipherOnly"),
    ]

    static func keyUsage(_ certificate: OpaquePointer) -> [String]? {
        guard extensionInfo(certificate, nid: NID_key_usage).present else { return nil }
        let bits = X509_get_key_usage(certificate)
        guard bits != UInt32.max else { return [] }
        return keyUsageNames.filter { bits & $0.0 != 0 }.map(\.1)
    }

    /// The purposes in the extended key usage extension (`serverAuth`, `clientAuth`, … or dotted OIDs).
    static func extendedKeyUsage(_ certificate: OpaquePointer) -> [String]? {
        guard extensionInfo(certificate, nid: NID_ext_key_usage).present else { return nil }
        guard let raw = X509_get_ext_d2i(certificate, NID_ext_key_usage, nil, nil) else { return [] }
        let stack = OpaquePointer(raw)
        defer { EXTENDED_KEY_USAGE_free(stack) }
        return (0..<COpenSSL_sk_ASN1_OBJECT_num(stack)).compactMap { index in
            COpenSSL_sk_ASN1_OBJECT_value(stack, index).map { objectName($0, shortName: true) }
        }
    }
}
