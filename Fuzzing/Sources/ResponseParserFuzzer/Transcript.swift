import PorterCore

/// Everything a caller of ``ResponseParser`` observes over one wire, compared between
/// feedings of the same wire: it must not depend on how the bytes were split.
struct Transcript: Equatable, CustomStringConvertible {
    /// Every head in order, interim ones included.
    var heads: [ResponseHead] = []
    /// The body of each completed response.
    var bodies: [[UInt8]] = []
    /// The trailers of each completed response.
    var trailers: [HeaderFields] = []
    /// `framing` of each completed response.
    var framings: [ResponseParser.Framing?] = []
    /// `isReusable` of each completed response.
    var reusable: [Bool] = []
    /// Body bytes delivered for a response that did not complete.
    var unfinishedBody: [UInt8] = []
    /// The error that stopped parsing, thrown by `parse` or by `finish`.
    var error: PorterError.Code?
    /// Its reason: the counts and excerpts in it must not depend on the split either.
    var reason: String?

    var description: String {
        let statuses = heads.map(\.status)
        let bodySizes = bodies.map(\.count)
        return "statuses \(statuses), body sizes \(bodySizes), trailers \(trailers.map(\.fields)), "
            + "framings \(framings.map { $0.map { "\($0)" } ?? "nil" }), reusable \(reusable), unfinished body \(unfinishedBody.count) bytes, "
            + "error \(error?.name ?? "none") \"\(reason ?? "")\""
    }
}
