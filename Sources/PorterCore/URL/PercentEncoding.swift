/// Percent-encoding of bytes for a URL's query or a form body (RFC 3986 §2.1).
public enum PercentEncoding {
    /// Every byte except RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) as `%XX`,
    /// as `curl_easy_escape` encodes it; with `spaceAsPlus` a space is `+` instead of `%20`
    /// (form encoding, as curl 8's `--data-urlencode` and `--url-query` write it).
    public static func escapingAllButUnreserved(_ bytes: some Sequence<UInt8>, spaceAsPlus: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " ") where spaceAsPlus:
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
