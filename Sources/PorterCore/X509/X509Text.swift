internal import COpenSSL

/// Readable renderings of the parts of an `X509 *` that messages need.
enum X509Text {
    /// The subject or issuer name in RFC 2253 form, e.g. `CN=localhost,O=Example`.
    static func name(_ name: OpaquePointer?) -> String {
        guard let name else { return "(no name)" }
        return withMemoryBIO { bio in _ = X509_NAME_print_ex(bio, name, 0, COpenSSL_XN_FLAG_RFC2253()) }
    }

    static func subject(_ certificate: OpaquePointer) -> String { name(X509_get_subject_name(certificate)) }
    static func issuer(_ certificate: OpaquePointer) -> String { name(X509_get_issuer_name(certificate)) }

    /// The subject alternative names, e.g. `DNS:localhost, IP Address:127.0.0.1`, or nil when there are none.
    static func subjectAlternativeNames(_ certificate: OpaquePointer) -> String? {
        let index = X509_get_ext_by_NID(certificate, NID_subject_alt_name, -1)
        guard index >= 0, let extensionPointer = X509_get_ext(certificate, index) else { return nil }
        let text = withMemoryBIO { bio in _ = X509V3_EXT_print(bio, extensionPointer, 0, 0) }
        return text.isEmpty ? nil : text
    }

    /// An ASN.1 time as `2026-10-29 12:00:00 UTC`.
    static func time(_ time: UnsafePointer<ASN1_TIME>?) -> String {
        guard let time else { return "(no date)" }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return "(bad date)" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }

    /// Whole days from now to `time` (negative when it is past).
    static func daysFromNow(_ time: UnsafePointer<ASN1_TIME>?) -> Int? {
        guard let time else { return nil }
        var days: Int32 = 0
        var seconds: Int32 = 0
        guard ASN1_TIME_diff(&days, &seconds, nil, time) == 1 else { return nil }
        return Int(days)
    }

    private static func withMemoryBIO(_ write: (OpaquePointer) -> Void) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        write(bio)
        var data: UnsafeMutablePointer<CChar>?
        let length = COpenSSL_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}
