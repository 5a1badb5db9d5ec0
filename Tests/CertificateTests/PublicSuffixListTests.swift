import Testing
@testable import PorterCore

/// The Public Suffix List as libpsl reads it, which decides whether a wildcard covers a public suffix.
@Suite("Public suffix list")
struct PublicSuffixListTests {
    @Test(arguments: [
        ("com", true), ("co.uk", true), ("s3.amazonaws.com", true), ("localhost", true), ("invalid", true),
        ("example.com", false), ("www.example.co.uk", false), ("example.invalid", false),
    ])
    func judgesSuffixesAsTheListSays(_ domain: String, _ isPublic: Bool) {
        #expect(PublicSuffixList.shared.isLoaded)
        #expect(PublicSuffixList.shared.isPublicSuffix(domain) == isPublic, "\(domain)")
    }
}
