internal import CIDN2

/// Internationalized host names turned into the ASCII form that goes on the
/// wire and into certificates (IDNA 2008 with UTS #46 mapping, through libidn2).
enum IDNA {
    /// The A-label form of `host` (`bücher.example` → `xn--bcher-kva.example`).
    ///
    /// - Throws: ``PorterError/Code/invalidURL`` when the name is not a valid IDN
    ///   (disallowed code points, bad bidi, an invalid punycode label). The result may still
    ///   hold what UTS #46 maps some characters to (U+00A0 to a space, U+FF0F to `/`).
    static func asciiHost(_ host: String) throws(PorterError) -> String {
        var output: UnsafeMutablePointer<CChar>?
        // Not IDN2_USE_STD3_ASCII_RULES: with it, libidn2 drops what maps outside letters,
        // digits and '-' ("a\u{FF0F}b" becomes "ab", another host); HTTPURL refuses such names.
        let flags = Int32(IDN2_NONTRANSITIONAL.rawValue) | Int32(IDN2_NFC_INPUT.rawValue)
        let status = idn2_to_ascii_8z(host, &output, flags)
        guard status == Int32(IDN2_OK.rawValue), let output else {
            let why = String(cString: idn2_strerror(status))
            throw PorterError(.invalidURL, "bad URL: host name \"\(host)\" is not a valid internationalized domain name: \(why)")
        }
        defer { idn2_free(output) }
        return String(cString: output).lowercased()
    }
}
