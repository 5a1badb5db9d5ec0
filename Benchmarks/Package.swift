// swift-tools-version:6.0
import PackageDescription

/// The library-level benchmark client: the scenarios of `Benchmarks/run`
/// through `HTTPClient` in one process. A package of its own, so that the
/// root package's products and tests stay as they are.
let package = Package(
    name: "porter-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "porter", path: ".."),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
    ],
    targets: [
        .executableTarget(
            name: "porter-bench",
            dependencies: [
                .product(name: "PorterCore", package: "porter"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
