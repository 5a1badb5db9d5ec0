internal import Foundation
public import PorterCore

/// The scenario certificates (``ScenarioCertificates``, made once per test
/// process with ``TestPKI``) as ``Certificate`` values, for offline
/// verification: `good`, `expired`, `clientOnly`, `outside` and the rest, by name.
public struct ScenarioPKI: Sendable {
    /// The files behind the values.
    public let certificates: ScenarioCertificates

    /// The process's scenario set.
    public static var shared: ScenarioPKI {
        get throws { ScenarioPKI(certificates: try ScenarioCertificates.shared) }
    }

    /// The certificate `name` as a value.
    public func certificate(_ name: String) throws -> Certificate {
        try Certificate(pem: try String(contentsOfFile: certificates.certificate(name), encoding: .utf8))
    }

    /// Every certificate of the set (not the chain files) by name, as PEM text.
    public var pem: [String: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: certificates.directory)) ?? []
        var result: [String: String] = [:]
        for file in names where file.hasSuffix(".pem") && !file.contains("-") {
            let name = String(file.dropLast(4))
            result[name] = try? String(contentsOfFile: certificates.certificate(name), encoding: .utf8)
        }
        return result
    }

    /// The PEM file of the certificate `name`.
    public func path(_ name: String) -> String { certificates.certificate(name) }
}
