/// Percent-encoding of bytes for a URL's query or a form body (RFC 3986 §2.1).
public enum PercentEncoding {
    /// Every byte except RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) as `%XX`,
    /// as curl's `--data-urlencode` and `curl_easy_escape` encode it (a space is `%20`).
    public static func escapingAllButUnreserved(_ bytes: some Sequence<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
