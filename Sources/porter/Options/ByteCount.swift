import ArgumentParser

/// A size on the command line: a number of bytes, optionally with curl's
/// suffixes `k`, `M`, `G` (powers of 1024).
struct ByteCount: ExpressibleByArgument {
    let bytes: UInt64

    init?(argument: String) {
        var digits = Substring(argument)
        var multiplier: UInt64 = 1
        switch digits.last {
        case "k", "K": multiplier = 1 << 10
        case "m", "M": multiplier = 1 << 20
        case "g", "G": multiplier = 1 << 30
        default: break
        }
        if multiplier != 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt64(digits) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        bytes = product
    }
}
