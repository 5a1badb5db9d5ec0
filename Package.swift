// swift-tools-version:6.0
import PackageDescription

/// Async functions run on their caller's executor unless they ask otherwise
/// (SE-0461): a request's I/O stays on the task that asked for it, with no hop.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "porter",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PorterCore", targets: ["PorterCore"]),
        .library(name: "PorterTools", targets: ["PorterTools"]),
        .executable(name: "porter", targets: ["porter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            path: "Modules/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CLinuxIO", path: "Modules/CLinuxIO"),
        .systemLibrary(
            name: "CIDN2",
            path: "Modules/CIDN2",
            pkgConfig: "libidn2",
            providers: [.apt(["libidn2-dev"])]
        ),
        .systemLibrary(
            name: "CPSL",
            path: "Modules/CPSL",
            pkgConfig: "libpsl",
            providers: [.apt(["libpsl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            path: "Modules/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CBrotli",
            path: "Modules/CBrotli",
            pkgConfig: "libbrotlidec",
            providers: [.apt(["libbrotli-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            path: "Modules/CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        /// The brotli encoder, linked into tests only: they make their own br fixtures.
        .systemLibrary(
            name: "CBrotliEncoder",
            path: "Modules/CBrotliEncoder",
            pkgConfig: "libbrotlienc",
            providers: [.apt(["libbrotli-dev"])]
        ),
        .target(
            name: "PorterCore",
            dependencies: [
                "COpenSSL",
                "CLinuxIO",
                "CIDN2",
                "CPSL",
                "CZlib",
                "CBrotli",
                "CZstd",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        /// Applications of the client: the port 80 / port 443 comparison and certificate
        /// inspection, on PorterCore's public API and its `PorterTools` SPI.
        .target(
            name: "PorterTools",
            dependencies: [
                "PorterCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "porter",
            dependencies: [
                "PorterCore",
                "PorterTools",
                "CLinuxIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PorterTestSupport",
            dependencies: ["PorterCore", "COpenSSL"],
            path: "Tests/PorterTestSupport"
        ),
        .testTarget(name: "HTTP1Tests", dependencies: ["PorterCore", "PorterTestSupport"]),
        .testTarget(name: "TransportTests", dependencies: ["PorterCore", "PorterTestSupport"]),
        .testTarget(
            name: "ClientTests",
            dependencies: ["PorterCore", "PorterTestSupport", "CZlib", "CZstd", "CBrotliEncoder"]
        ),
        .testTarget(name: "CLITests", dependencies: ["porter", "PorterCore", "PorterTestSupport", "CLinuxIO"]),
        .testTarget(name: "CertificateTests", dependencies: ["PorterCore", "PorterTestSupport"]),
        .testTarget(name: "ToolsTests", dependencies: ["PorterCore", "PorterTools", "PorterTestSupport"]),
        .testTarget(name: "TestSupportTests", dependencies: ["PorterTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
