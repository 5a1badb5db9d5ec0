internal import CBrotli
internal import CIDN2
internal import COpenSSL
internal import CPSL
internal import CZlib
internal import CZstd

/// Porter's version, sent in the default `User-Agent` as `porter/VERSION`.
public let porterVersion = "0.1.0"

/// One C library Porter is linked with, and the version found at run time.
public struct LinkedLibrary: Sendable, Equatable {
    /// The library's name as `porter -V` shows it (`OpenSSL`, `zlib`...).
    public let name: String
    /// The version the library itself reports.
    public let version: String

    /// The libraries in use, each asked for its version when the process runs (so a
    /// newer shared library on the machine shows as itself, not as the build's headers).
    public static var all: [LinkedLibrary] {
        let brotli = BrotliDecoderVersion()
        return [
            // OpenSSL_version(OPENSSL_VERSION) reads "OpenSSL 3.0.17 1 Jul 2025".
            LinkedLibrary(name: "OpenSSL", version: String(cString: OpenSSL_version(OPENSSL_VERSION)).split(separator: " ").dropFirst().first.map(String.init) ?? "?"),
            LinkedLibrary(name: "zlib", version: String(cString: zlibVersion())),
            LinkedLibrary(name: "brotli", version: "\(brotli >> 24).\((brotli >> 12) & 0xFFF).\(brotli & 0xFFF)"),
            LinkedLibrary(name: "zstd", version: String(cString: ZSTD_versionString())),
            LinkedLibrary(name: "libidn2", version: idn2_check_version(nil).map { String(cString: $0) } ?? "?"),
            // psl_get_version() reads "0.21.2 (+libidn2/2.3.3)": the version is its first word.
            LinkedLibrary(name: "libpsl", version: String(cString: psl_get_version()).split(separator: " ").first.map(String.init) ?? "?"),
        ]
    }
}
