import PorterCore
import PorterTools

/// `porter cert --json`: the same content as the text report, as one JSON
/// object whose keys keep their order from release to release.
///
/// Certificates use `porter verify --json`'s object; absent values are `null`.
enum CertJSON {
    typealias Object = JSONObject
    typealias Value = JSONValue

    static func document(_ inspections: [CertificateInspection], exitStatus: Int32, trustSource: String) -> String {
        var root = Object()
        root.add("exitStatus", .number(Int(exitStatus)))
        root.add("trustAnchors", .string(trustSource))
        root.add("targets", .array(inspections.map(target)))
        return Value.object(root).rendered()
    }

    static func target(_ inspection: CertificateInspection) -> Value {
        var object = Object()
        object.add("host", .string(inspection.host))
        object.add("port", .number(inspection.port))
        object.add("address", inspection.address.map { .string($0.host) } ?? .null)
        switch inspection.verdict {
        case .ok: object.add("verdict", .string("ok"))
        case .warning: object.add("verdict", .string("warning"))
        case .failed: object.add("verdict", .string("failed"))
        case .unreachable: object.add("verdict", .string("unreachable"))
        }
        object.add("exitStatus", .number(Int(CertificateExitStatus.status(for: inspection))))
        object.add("explanation", .string(inspection.explanation))
        object.add("handshake", inspection.session.map { session in handshake(session, inspection.resumption) } ?? .null)
        object.add("connectionError", inspection.connectionError.map { error in
            var value = Object()
            value.add("code", .string(error.code.name))
            value.add("reason", .string(error.reason))
            return .object(value)
        } ?? .null)

        var ocsp = Object()
        ocsp.add("status", .string(inspection.ocsp.name))
        ocsp.add("summary", .string(inspection.ocsp.summary))
        ocsp.add("thisUpdate", inspection.ocsp.thisUpdate.map { .string($0.iso8601) } ?? .null)
        ocsp.add("nextUpdate", inspection.ocsp.nextUpdate.map { .string($0.iso8601) } ?? .null)
        if case .revoked(let time, let reason) = inspection.ocsp.state {
            ocsp.add("revocationTime", time.map { .string($0.iso8601) } ?? .null)
            ocsp.add("revocationReason", reason.map(Value.string) ?? .null)
        } else {
            ocsp.add("revocationTime", .null)
            ocsp.add("revocationReason", .null)
        }
        object.add("ocsp", .object(ocsp))

        var client = Object()
        client.add("requested", .bool(inspection.clientCertificateRequested))
        client.add("sent", .bool(inspection.clientCertificateSent))
        object.add("clientCertificate", .object(client))

        let verification = inspection.verification
        let time = verification?.validationTime ?? .now
        object.add("sentChain", .array(inspection.sentChain.enumerated().map { index, certificate in
            CertificateJSON.certificate(certificate, index: index, role: CertText.sentRole(index, certificate), at: time)
        }))
        object.add("peerName", verification?.peerName.map(CertificateJSON.peerName) ?? .null)
        object.add("verified", .bool(verification?.isValid ?? false))
        object.add("endsInTrustAnchor", .bool(verification?.endsInTrustAnchor ?? false))
        object.add("verifiedChain", verification.map { report in
            .array(report.chain.indices.map { index in
                var item = Object()
                let certificate = report.chain[index]
                item.add("index", .number(index))
                item.add("sentAs", inspection.sentChain.firstIndex(of: certificate).map { .number($0) } ?? .null)
                item.add("certificate", CertificateJSON.certificate(certificate, index: index, role: CertificateText.role(index, in: report), at: time))
                return .object(item)
            })
        } ?? .null)
        object.add("problems", .array(inspection.problems.map(problem)))
        object.add("warnings", .array(inspection.warnings.map(problem)))
        return .object(object)
    }

    static func handshake(_ session: TLSSessionInfo, _ resumption: CertificateInspection.Resumption) -> Value {
        var object = Object()
        object.add("version", .string(session.version))
        object.add("cipherSuite", .string(session.cipher))
        object.add("keyExchangeGroup", session.keyExchangeGroup.map(Value.string) ?? .null)
        object.add("alpn", session.applicationProtocol.map(Value.string) ?? .null)
        object.add("resumed", .bool(session.resumed))
        let name: String
        switch resumption {
        case .resumed: name = "resumed"
        case .notResumed: name = "notResumed"
        case .notOffered: name = "notOffered"
        case .notTried: name = "notTried"
        case .failed: name = "failed"
        }
        object.add("secondHandshake", .string(name))
        return .object(object)
    }

    static func problem(_ problem: CertificateProblem) -> Value {
        var item = Object()
        item.add("code", .string(problem.code.name))
        item.add("certificateIndex", problem.certificateIndex.map { .number($0) } ?? .null)
        item.add("subject", problem.subject.map(Value.string) ?? .null)
        item.add("explanation", .string(problem.explanation))
        return .object(item)
    }
}
