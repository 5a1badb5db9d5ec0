#if canImport(Glibc)
import Glibc
#endif

/// The rules a DNS name in a certificate must follow, and matching against them.
enum DNSNameSyntax {
    /// Whether `name` is in the preferred name syntax (RFC 1034 §3.5 as relaxed
    /// by RFC 1123 §2.1: letters, digits and inner hyphens, labels of 1 to 63
    /// bytes, 253 in all), allowing a leftmost label of exactly `*` when
    /// `allowsWildcard` (RFC 9525 §6.3).
    static func isValid(_ name: String, allowsWildcard: Bool) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for (position, label) in labels.enumerated() {
            if position == 0, allowsWildcard, label.elementsEqual("*".utf8), labels.count > 1 { continue }
            guard !label.isEmpty, label.count <= 63,
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy(isLetterDigitHyphen)
            else { return false }
        }
        return true
    }

    private static func isLetterDigitHyphen(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Whether `name` lies in the subtree `base` of a name constraint (RFC 5280
    /// §4.2.1.10: `base` itself and every name made by adding labels on its
    /// left). An empty base holds every name. Comparison ignores ASCII case.
    static func isWithin(_ name: String, subtree base: String) -> Bool {
        let name = name.lowercased()
        var base = base.lowercased()
        if base.isEmpty { return true }
        if base.hasPrefix(".") {
            // Not valid for dNSName constraints (reported on its own); read it as OpenSSL does: subdomains only.
            base.removeFirst()
            return name.hasSuffix(".\(base)")
        }
        return name == base || name.hasSuffix(".\(base)")
    }

    /// Whether the wildcard `pattern` (`*.example.com`) matches `host` by
    /// RFC 9525 §6.3: the `*` stands for exactly one whole label.
    static func wildcard(_ pattern: String, matches host: String) -> Bool {
        let pattern = pattern.lowercased()
        let host = host.lowercased()
        guard pattern.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
        return host[..<dot].count > 0 && host[host.index(after: dot)...] == pattern.dropFirst(2)
    }

    /// Whether `text` reads as an IPv4 or IPv6 address in any notation a
    /// resolver might accept: dotted decimal with or without leading zeros,
    /// hexadecimal (`0xC0A80101`), or any IPv6 form.
    static func looksLikeIPAddress(_ text: String) -> Bool {
        if X509Fields.ipAddressOctets(text) != nil { return true }
        var address = in_addr()
        if (text.contains(".") || text.lowercased().hasPrefix("0x")), inet_aton(text, &address) != 0 { return true }
        return text.contains(":") && text.utf8.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }
}
