@_spi(PorterTools) import PorterCore

/// Connects to TLS servers and reports on their certificates: the handshake,
/// the chain as sent and as verified, the stapled OCSP status, a pin, and a
/// verdict that names the certificate at fault (`porter cert`).
///
/// The handshake records verification instead of enforcing it, so that a
/// failing chain is still shown; the verdict is ``CertificateVerifier``'s on
/// the chain the server sent, with the same trust anchors, then Porter's
/// checks of the OCSP staple, the pin and the client certificate.
///
/// A `Sendable` value; ``inspect(host:port:)`` runs on its caller's task and
/// any number may run at once (``inspect(_:maximumConcurrent:)`` does so).
/// Each target gets a TLS context of its own, so no target resumes another's
/// session.
public struct CertificateInspector: Sendable {
    /// A server to inspect.
    public struct Target: Sendable, Hashable {
        /// A host name or IP literal (without brackets).
        public var host: String
        /// The TCP port.
        public var port: Int

        /// Creates a target.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// The trust anchors (``TLSConfiguration/caFile``, ``TLSConfiguration/caDirectory``;
    /// neither: the system store) and client certificate to use. Peer
    /// verification, pins and stapling settings in it are ignored.
    public let tls: TLSConfiguration
    /// The keys the leaf must have; empty: no pin.
    public var pinnedPublicKeys: PinnedPublicKeys
    /// A certificate that expires within this many days is a warning; nil: no warning.
    public var warningDays: Int?
    /// The most time for name lookup, TCP connect and TLS handshake, per connection.
    public var connectTimeout: Duration
    /// Fixed addresses by `host:port` (lower-case host), as curl's `--resolve`.
    public var addressOverrides: [String: [SocketAddress]]
    /// Whether to make a second handshake to see if the server resumes the session.
    public var checksResumption: Bool

    private let trustAnchors: [Certificate]?

    /// Creates an inspector and reads the trust anchors of `tls`.
    ///
    /// - Throws: ``PorterError/Code/fileReadFailed`` or
    ///   ``PorterError/Code/certificateDecodingFailed`` when the CA file cannot
    ///   be used, ``PorterError/Code/clientCertificateInvalid`` when the client
    ///   certificate or key cannot be loaded.
    public init(
        tls: TLSConfiguration = TLSConfiguration(), pinnedPublicKeys: PinnedPublicKeys = PinnedPublicKeys(),
        warningDays: Int? = nil, connectTimeout: Duration = .seconds(10),
        addressOverrides: [String: [SocketAddress]] = [:], checksResumption: Bool = true
    ) throws(PorterError) {
        var probe = tls
        probe.verifiesPeer = false
        probe.requestsOCSPStapling = true
        probe.inspectsOnly = true
        probe.pinnedPublicKeys = PinnedPublicKeys()
        self.tls = probe
        self.pinnedPublicKeys = pinnedPublicKeys
        self.warningDays = warningDays
        self.connectTimeout = connectTimeout
        self.addressOverrides = addressOverrides
        self.checksResumption = checksResumption
        trustAnchors = try tls.caFile.map { file throws(PorterError) in try Certificate.certificates(fromPEMFile: file) }
        // Fail now, not once per target, when the client certificate or key is unusable.
        _ = try TLSProbe(configuration: probe)
    }

    /// Inspects every target, at most `maximumConcurrent` at once; the results are in the targets' order.
    public func inspect(_ targets: [Target], maximumConcurrent: Int = 16) async -> [CertificateInspection] {
        await withTaskGroup(of: (Int, CertificateInspection).self) { group in
            var results = [CertificateInspection?](repeating: nil, count: targets.count)
            var next = 0
            func startNext() {
                guard next < targets.count else { return }
                let index = next
                let target = targets[index]
                next += 1
                group.addTask { (index, await self.inspect(host: target.host, port: target.port)) }
            }
            for _ in 0..<max(1, maximumConcurrent) { startNext() }
            while let (index, inspection) = await group.next() {
                results[index] = inspection
                startNext()
            }
            return results.map { $0! }
        }
    }

    /// Connects to `host` on `port`, runs the handshake and judges what the server presented.
    public func inspect(host: String, port: Int) async -> CertificateInspection {
        let probe: TLSProbe
        let addresses: [SocketAddress]
        do {
            probe = try TLSProbe(configuration: tls)
            addresses = try await self.addresses(host: host, port: port)
        } catch {
            return unreachable(host, port, nil, error)
        }
        let handshake = await probe.handshake(host: host, port: port, addresses: addresses, timeout: connectTimeout)
        guard let session = handshake.session else {
            guard let failedSession = handshake.failedSession, !failedSession.peerCertificates.isEmpty else {
                return unreachable(host, port, handshake.address, handshake.error ?? PorterError(.tlsHandshakeFailed, "the handshake with \(host) port \(port) failed"))
            }
            // The server sent its certificates, then ended the handshake (e.g. it wants a client certificate).
            return judge(
                host, port, handshake.address, session: nil, handshake: failedSession,
                afterHandshake: handshake.afterHandshake, resumption: .notTried, handshakeError: handshake.error)
        }

        var resumption = CertificateInspection.Resumption.notTried
        if case .failed = handshake.afterHandshake {
            resumption = .notTried
        } else if !checksResumption {
            resumption = .notTried
        } else if !handshake.issuedResumableSession {
            resumption = .notOffered
        } else {
            do {
                resumption = try await probe.resumes(host: host, port: port, addresses: addresses, timeout: connectTimeout) ? .resumed : .notResumed
            } catch {
                resumption = .failed(error.reason)
            }
        }
        return judge(
            host, port, handshake.address, session: session, handshake: session, afterHandshake: handshake.afterHandshake,
            resumption: resumption, handshakeError: nil)
    }

    // MARK: - Connecting

    /// The addresses of `host`: an override, the literal itself, or the resolver's answer.
    private func addresses(host: String, port: Int) async throws(PorterError) -> [SocketAddress] {
        if let override = addressOverrides["\(host.lowercased()):\(port)"] {
            return override
        } else if let literal = SocketAddress(numericHost: host, port: port) {
            return [literal]
        }
        return try await Resolver.resolve(host: host, port: port)
    }

    private func unreachable(_ host: String, _ port: Int, _ address: SocketAddress?, _ error: PorterError) -> CertificateInspection {
        CertificateInspection(
            host: host, port: port, address: address, session: nil, resumption: .notTried, sentChain: [], verification: nil,
            ocsp: OCSPStatus(state: .notStapled), clientCertificateRequested: false, clientCertificateSent: false,
            problems: [], warnings: [], connectionError: error)
    }

    // MARK: - Judging

    private func judge(
        _ host: String, _ port: Int, _ address: SocketAddress?, session: TLSSessionInfo?, handshake: TLSSessionInfo,
        afterHandshake: TLSProbe.AfterHandshake, resumption: CertificateInspection.Resumption, handshakeError: PorterError?
    ) -> CertificateInspection {
        let sent = handshake.peerCertificates.compactMap { try? Certificate(der: $0) }
        guard let leaf = sent.first else {
            let error = handshakeError ?? PorterError(.tlsHandshakeFailed, "\(host) port \(port) sent no certificate")
            return unreachable(host, port, address, error)
        }
        // No validation time: explanations then say "3 days ago", not "before the validation time".
        var verifier = CertificateVerifier(
            trustAnchors: trustAnchors, intermediates: Array(sent.dropFirst()), peerName: Self.peerName(host),
            trustAnchorDirectory: tls.caDirectory)
        verifier.wording = .connection
        let verification = verifier.verify(leaf: leaf)
        let time = verification.validationTime
        var problems = verification.problems
        let context = ChainContext(
            chain: verification.chain, endsInTrustAnchor: verification.endsInTrustAnchor, peerName: verifier.peerName,
            time: time, timeIsNow: true, wording: .connection)

        // The OCSP staple: checked against the issuer the chain was built with, else the one sent.
        var ocsp = OCSPStatus(state: .notStapled)
        if let response = handshake.stapledOCSPResponse {
            let issuer = verification.chain.count > 1 ? verification.chain[1] : sent.dropFirst().first { $0.subject == leaf.issuer }
            ocsp = OCSPStatus.check(response: response, leaf: leaf, issuer: issuer, untrusted: Array(sent.dropFirst()), verifier: verifier, at: time)
        }
        if case .revoked(let since, let reason) = ocsp.state {
            let when = since.map { " \(context.relative($0))" } ?? ""
            let why = reason.map { " (reason: \($0))" } ?? ""
            problems.append(CertificateProblem(
                code: .revoked, certificateIndex: 0, subject: leaf.subject,
                explanation: "\(context.named(0)) was revoked\(when)\(why), as the OCSP response the server stapled says; the server must get a new certificate"))
        }
        if !pinnedPublicKeys.matches(leaf) {
            problems.append(CertificateProblem(
                code: .pinnedPublicKeyMismatch, certificateIndex: 0, subject: leaf.subject,
                explanation: pinnedPublicKeys.mismatch(leaf: leaf, host: host)))
        }
        let offered = tls.clientCertificateFile
        var connectionError = handshakeError
        if case .failed(let reason, let description) = afterHandshake {
            if let advice = TLSProbe.clientCertificateAdvice(
                alertReason: reason, requested: handshake.clientCertificateRequested, offered: offered) {
                problems.append(CertificateProblem(
                    code: .clientCertificateRequired, certificateIndex: nil, subject: nil,
                    explanation: "\(advice) (\(host) port \(port) ended the connection: \(description))"))
                connectionError = nil
            } else if connectionError == nil {
                connectionError = PorterError(.tlsHandshakeFailed, "\(host) port \(port) failed right after the handshake: \(description)")
            }
        }

        var warnings: [CertificateProblem] = []
        if let warningDays, verification.isValid {
            for (index, certificate) in verification.chain.enumerated() where sent.contains(certificate) {
                let seconds = certificate.notAfter.secondsSinceEpoch - time.secondsSinceEpoch
                guard seconds < Int64(warningDays) * 86_400 else { continue }
                warnings.append(CertificateProblem(
                    code: .expiringSoon, certificateIndex: index, subject: certificate.subject,
                    explanation: "\(context.named(index)) expires \(context.relative(certificate.notAfter)), within the \(warningDays) days of --warn-days; \(context.renewal(index, certificate))"))
            }
        }
        return CertificateInspection(
            host: host, port: port, address: address, session: session, resumption: resumption, sentChain: sent,
            verification: verification, ocsp: ocsp, clientCertificateRequested: handshake.clientCertificateRequested,
            clientCertificateSent: handshake.clientCertificateSent, problems: problems, warnings: warnings,
            connectionError: connectionError)
    }

    /// The name to check the leaf against: an IP literal is checked as an address, as curl does.
    static func peerName(_ host: String) -> CertificateVerifier.PeerName {
        SocketAddress.octets(ofNumericHost: host) != nil ? .ipAddress(host) : .dnsName(host)
    }
}
