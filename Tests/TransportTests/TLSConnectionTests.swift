import PorterTestSupport
import Testing
@testable import PorterCore

/// The TLS layer against an OpenSSL server on loopback: verification on by
/// default, the verdict and its explanation when it fails.
@Suite("TLS connections")
struct TLSConnectionTests {
    static func serve(chain: String, key: String, address: String = "127.0.0.1") throws -> ScriptedServer {
        try ScriptedServer(security: .tls(certificateChainPath: chain, privateKeyPath: key), address: address) { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            }
        }
    }

    static func open(host: String, port: Int, tls: TLSConfiguration) async throws -> Connection {
        let url = try HTTPURL(parsing: "https://\(host.contains(":") ? "[\(host)]" : host):\(port)/")
        let context = try TLSContext(configuration: tls)
        return try await Connector.open(to: url, tls: Connector.TLSContexts(origin: context), connectDeadline: .after(.seconds(120), limit: "test"), id: 0, events: nil)
    }

    static func verificationFailure(host: String, port: Int, tls: TLSConfiguration) async throws -> PorterError {
        do {
            _ = try await open(host: host, port: port, tls: tls)
        } catch let error as PorterError {
            return error
        }
        Issue.record("the handshake with \(host) succeeded but should have failed")
        return PorterError(.cancelled, "")
    }

    @Test(arguments: ["localhost", "127.0.0.1", "::1"])
    func verifiesAgainstTheGivenCA(_ host: String) async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.leafChainPath, key: certificates.leafKeyPath, address: host == "::1" ? "::1" : "127.0.0.1")
        let connection = try await Self.open(host: host, port: server.port, tls: TLSConfiguration(caFile: certificates.caCertificatePath))
        let session = try #require(connection.tlsSession)
        #expect(session.verified)
        #expect(session.verifyResult == 0)
        #expect(["TLSv1.2", "TLSv1.3"].contains(session.version))
        connection.close()
    }

    @Test func failsWithoutTheCAAndSaysWhichIssuerIsMissing() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.leafCertificatePath, key: certificates.leafKeyPath)
        // An empty trust store stands in for a system store that does not know the test CA.
        let error = try await Self.verificationFailure(host: "localhost", port: server.port, tls: TLSConfiguration(caFile: certificates.otherCACertificatePath))
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.reason.contains("unable to get local issuer certificate"))
        #expect(error.reason.contains("--cacert"))
    }

    @Test func namesTheUntrustedRootWhenTheServerSendsIt() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.leafChainPath, key: certificates.leafKeyPath)
        let error = try await Self.verificationFailure(host: "localhost", port: server.port, tls: TLSConfiguration(caFile: certificates.otherCACertificatePath))
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.reason.contains("not in the trust store"))
    }

    @Test func explainsAnExpiredCertificate() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.expiredLeafCertificatePath, key: certificates.expiredLeafKeyPath)
        let error = try await Self.verificationFailure(host: "localhost", port: server.port, tls: TLSConfiguration(caFile: certificates.caCertificatePath))
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.reason.contains("expired"))
        #expect(error.reason.contains("2020-12-31"))
        #expect(error.reason.contains("days ago"))
    }

    @Test func explainsAHostnameMismatchListingTheValidNames() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.wrongHostLeafCertificatePath, key: certificates.wrongHostLeafKeyPath)
        let error = try await Self.verificationFailure(host: "localhost", port: server.port, tls: TLSConfiguration(caFile: certificates.caCertificatePath))
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.reason.contains("is not valid for localhost"))
        #expect(error.reason.contains("wrong.host.example"))
    }

    @Test func checksIPAddressesAgainstIPNames() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.leafChainPath, key: certificates.leafKeyPath, address: "127.0.0.2")
        let error = try await Self.verificationFailure(host: "127.0.0.2", port: server.port, tls: TLSConfiguration(caFile: certificates.caCertificatePath))
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.reason.contains("not valid for 127.0.0.2"))
        #expect(error.reason.contains("127.0.0.1"))
    }

    @Test func insecureAcceptsAnyCertificateAndSaysItDidNotVerify() async throws {
        let certificates = try TestCertificates.shared
        let server = try Self.serve(chain: certificates.expiredLeafCertificatePath, key: certificates.expiredLeafKeyPath)
        let connection = try await Self.open(host: "localhost", port: server.port, tls: TLSConfiguration(verifiesPeer: false))
        #expect(connection.tlsSession?.verified == false)
        connection.close()
    }

    @Test func aPlainServerOnATLSPortIsNamedAsSuch() async throws {
        let server = try ScriptedServer(security: .plain) { connection in
            _ = try connection.readBytes(count: 5)
            try connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            connection.close()
        }
        let error = try await Self.verificationFailure(host: "127.0.0.1", port: server.port, tls: TLSConfiguration(verifiesPeer: false))
        #expect(error.code == .tlsHandshakeFailed)
        #expect(error.reason.contains("did not answer in TLS"))
    }

    @Test func anUnreadableCAFileIsAConfigurationError() throws {
        #expect(throws: PorterError(.tlsConfigurationInvalid, "")) {
            _ = try TLSContext(configuration: TLSConfiguration(caFile: "/nonexistent/ca.pem"))
        }
    }
}
