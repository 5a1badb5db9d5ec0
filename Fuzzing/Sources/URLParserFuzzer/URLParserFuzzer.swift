import PorterCore

/// libFuzzer entry point over ``HTTPURL``: the input, split at its first NUL, is a URL
/// to parse and a reference (a redirect's `Location`) to resolve against it.
///
/// Thrown ``PorterError``s are answers; a crash, or a broken invariant, is a failure:
/// - a parsed URL's text parses again to the same URL (parsing is idempotent);
/// - a target starts with `/` and never holds a byte below 0x21 or 0x7F, so it is safe on the wire;
/// - a resolved reference is again such a URL.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let text = String(decoding: bytes[..<split], as: UTF8.self)
    let reference = split < bytes.count ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : nil

    guard let url = try? HTTPURL(parsing: text) else { return 0 }
    check(url)
    if let reference, let resolved = try? url.resolving(reference) {
        check(resolved)
    }
    return 0
}
