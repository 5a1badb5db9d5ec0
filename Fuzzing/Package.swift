// swift-tools-version:5.4
// 5.4, not newer: from 5.5 on SwiftPM renames an executable's entry point and links
// `main` to the renamed one, which a fuzz target does not have; its `main` is libFuzzer's.
import PackageDescription

/// libFuzzer targets over PorterCore. Kept out of the root package so that its
/// sanitizer flags never reach the normal build; `scripts/fuzz` builds and runs them.
let package = Package(
    name: "porter-fuzzing",
    dependencies: [
        .package(name: "porter", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "ResponseParserFuzzer",
            dependencies: [.product(name: "PorterCore", package: "porter")]
        ),
        .executableTarget(
            name: "URLParserFuzzer",
            dependencies: [.product(name: "PorterCore", package: "porter")]
        ),
    ],
    swiftLanguageVersions: [.version("6")]
)
