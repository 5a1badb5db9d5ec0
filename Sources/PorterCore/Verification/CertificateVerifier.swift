internal import COpenSSL

/// Verifies a TLS server's certificate chain offline, the way Porter verifies
/// one on a live connection, and explains every problem it finds.
///
/// Verification runs in two passes. First OpenSSL's `X509_verify_cert`
/// builds and checks the path with a strict profile: `X509_V_FLAG_X509_STRICT`,
/// authentication level 2 (no keys under 112 bits of strength, no SHA-1 or
/// MD5 signatures), purpose `sslserver`, the name matched with no partial
/// wildcards and no fallback to the subject's common name. A verify callback
/// records every error instead of stopping at the first. Then Porter's own
/// checks (``ChainPolicy``) apply rules of RFC 5280 and the CA/Browser
/// Forum's Baseline Requirements that OpenSSL 3.0 does not. The second pass
/// only ever adds problems: nothing OpenSSL refuses is accepted.
///
/// A value type, `Sendable`; ``verify(leaf:intermediates:)`` may be called
/// from any thread, any number of times at once.
public struct CertificateVerifier: Sendable {
    /// The name the client connected to, which the leaf must be valid for.
    public enum PeerName: Sendable, Hashable, CustomStringConvertible {
        /// A DNS host name, e.g. `example.com`.
        case dnsName(String)
        /// An IPv4 or IPv6 address in text, e.g. `192.0.2.1` or `::1`.
        case ipAddress(String)

        /// The name itself.
        public var description: String {
            switch self {
            case .dnsName(let name): return name
            case .ipAddress(let address): return address
            }
        }
    }

    /// The certificates trusted as roots, or nil for the system trust store
    /// (which honours `SSL_CERT_FILE` and `SSL_CERT_DIR`). Nothing else is trusted.
    public var trustAnchors: [Certificate]?
    /// A hashed certificate directory (`openssl rehash`, curl's `--capath`) whose
    /// certificates are trusted as well as ``trustAnchors``; when set, the system
    /// store is not used even if ``trustAnchors`` is nil.
    public var trustAnchorDirectory: String?
    /// Certificates that may complete the chain but are not trusted (what a server sends after its leaf).
    public var intermediates: [Certificate]
    /// The name the leaf must be valid for, or nil to leave names unchecked.
    public var peerName: PeerName?
    /// The instant to verify at, or nil for the clock's time at each verification.
    public var validationTime: CertificateTime?
    /// The most intermediate CA certificates allowed between the leaf and a
    /// trust anchor (OpenSSL's verify depth), or nil for OpenSSL's default (100).
    public var maximumDepth: Int?
    /// Which command's options the explanations' advice names.
    @_spi(PorterTools) public var wording: ChainContext.Wording = .offline

    /// Creates a verifier; by default it trusts the system store, checks no name and uses the clock.
    public init(
        trustAnchors: [Certificate]? = nil,
        intermediates: [Certificate] = [],
        peerName: PeerName? = nil,
        validationTime: CertificateTime? = nil,
        maximumDepth: Int? = nil,
        trustAnchorDirectory: String? = nil
    ) {
        self.trustAnchors = trustAnchors
        self.trustAnchorDirectory = trustAnchorDirectory
        self.intermediates = intermediates
        self.peerName = peerName
        self.validationTime = validationTime
        self.maximumDepth = maximumDepth
    }

    /// Verifies `leaf`, completing its chain from `intermediates` (added to
    /// the verifier's own) and the trust anchors, and reports every problem.
    ///
    /// Never throws: a failure to even start (out of memory) is reported as a
    /// problem with code ``CertificateProblem/Code/otherFailure``.
    public func verify(leaf: Certificate, intermediates extra: [Certificate] = []) -> CertificateVerification {
        let time = validationTime ?? .now
        let outcome = runOpenSSL(leaf: leaf, untrusted: intermediates + extra, time: time)
        let anchors = trustAnchors.map { Set($0) }
        let endsInTrustAnchor: Bool
        if let top = outcome.chain.last, outcome.chain.count > 1 || top.isSelfSigned {
            let listed = trustAnchorDirectory == nil ? anchors.map { $0.contains(top) } : nil
            endsInTrustAnchor = listed ?? !outcome.failures.contains { failure in
                [X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
                 X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE].contains(failure.error)
            }
        } else {
            endsInTrustAnchor = false
        }
        let context = ChainContext(
            chain: outcome.chain.isEmpty ? [leaf] : outcome.chain, endsInTrustAnchor: endsInTrustAnchor,
            peerName: peerName, time: time, timeIsNow: validationTime == nil, wording: wording)

        var problems: [CertificateProblem] = []
        func add(_ problem: CertificateProblem) {
            if !problems.contains(problem) { problems.append(problem) }
        }
        for failure in outcome.failures {
            add(context.problem(openSSLError: failure.error, depth: failure.depth, culprit: failure.certificate))
        }
        if let setupFailure = outcome.setupFailure {
            add(CertificateProblem(code: .otherFailure, certificateIndex: nil, subject: nil, explanation: setupFailure))
        }
        for problem in ChainPolicy(context: context, reported: problems).problems() {
            add(problem)
        }
        // Decoding for the own checks may leave entries on this thread's error queue.
        OpenSSLError.clear()
        return CertificateVerification(
            problems: problems, chain: context.chain, endsInTrustAnchor: endsInTrustAnchor,
            peerName: peerName, validationTime: time)
    }

    // MARK: - OpenSSL's pass

    /// One error OpenSSL reported through the verify callback.
    struct Failure {
        let error: Int32
        let depth: Int
        let certificate: Certificate?
    }

    struct OpenSSLOutcome {
        var chain: [Certificate] = []
        var failures: [Failure] = []
        var setupFailure: String?
    }

    /// Collects the callback's reports; used only on the thread running `X509_verify_cert`.
    final class FailureLog {
        var failures: [Failure] = []
    }

    struct SetupFailure: Error { let text: String }

    /// A new store with the trust anchors (the caller frees it): the listed
    /// certificates and the directory, or else the system store.
    func makeStore() -> Result<OpaquePointer, SetupFailure> {
        guard let store = X509_STORE_new() else {
            return .failure(SetupFailure(text: "cannot create a certificate store (out of memory)"))
        }
        for anchor in trustAnchors ?? [] { _ = X509_STORE_add_cert(store, anchor.handle.pointer) }
        if let trustAnchorDirectory {
            guard let lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir()),
                  COpenSSL_X509_LOOKUP_add_dir(lookup, trustAnchorDirectory) == 1
            else {
                X509_STORE_free(store)
                return .failure(SetupFailure(text: "cannot use the CA directory \(trustAnchorDirectory)"))
            }
        } else if trustAnchors == nil, X509_STORE_set_default_paths(store) != 1 {
            X509_STORE_free(store)
            return .failure(SetupFailure(text: "cannot load the system trust store"))
        }
        return .success(store)
    }

    private func runOpenSSL(leaf: Certificate, untrusted: [Certificate], time: CertificateTime) -> OpenSSLOutcome {
        var outcome = OpenSSLOutcome()
        OpenSSLError.clear()
        defer { OpenSSLError.clear() }
        let store: OpaquePointer
        switch makeStore() {
        case .success(let made): store = made
        case .failure(let reason):
            outcome.setupFailure = reason.text
            return outcome
        }
        defer { X509_STORE_free(store) }
        guard let stack = COpenSSL_sk_X509_new_null() else {
            outcome.setupFailure = "cannot create a certificate stack (out of memory)"
            return outcome
        }
        // The stack borrows the certificates: sk_X509_free leaves them to their owners.
        defer { COpenSSL_sk_X509_free(stack) }
        for certificate in untrusted { _ = COpenSSL_sk_X509_push(stack, certificate.handle.pointer) }

        guard let context = X509_STORE_CTX_new() else {
            outcome.setupFailure = "cannot create a verification context (out of memory)"
            return outcome
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf.handle.pointer, stack) == 1 else {
            outcome.setupFailure = "cannot start verification: \(OpenSSLErrorStack.drain())"
            return outcome
        }
        // What libssl uses for a client checking a server: purpose and trust sslserver.
        _ = X509_STORE_CTX_set_default(context, "ssl_server")
        let parameters = X509_STORE_CTX_get0_param(context)
        _ = X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_X509_STRICT))
        X509_VERIFY_PARAM_set_auth_level(parameters, 2)
        _ = X509_VERIFY_PARAM_set_purpose(parameters, X509_PURPOSE_SSL_SERVER)
        X509_VERIFY_PARAM_set_time(parameters, time_t(time.secondsSinceEpoch))
        if let maximumDepth { X509_VERIFY_PARAM_set_depth(parameters, Int32(clamping: maximumDepth)) }
        X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT))
        switch peerName {
        case .dnsName(let name):
            guard X509_VERIFY_PARAM_set1_host(parameters, name, 0) == 1 else {
                outcome.setupFailure = "\(name) cannot be used as a host name to verify"
                return outcome
            }
        case .ipAddress(let address):
            guard X509_VERIFY_PARAM_set1_ip_asc(parameters, address) == 1 else {
                outcome.setupFailure = "\(address) is not an IP address"
                return outcome
            }
        case nil:
            break
        }

        let log = FailureLog()
        withExtendedLifetime(log) {
            _ = COpenSSL_X509_STORE_CTX_set_app_data(context, Unmanaged.passUnretained(log).toOpaque())
            X509_STORE_CTX_set_verify_cb(context) { ok, context in
                guard ok == 0, let context, let data = COpenSSL_X509_STORE_CTX_get_app_data(context) else { return ok }
                let log = Unmanaged<FailureLog>.fromOpaque(data).takeUnretainedValue()
                let certificate = X509_STORE_CTX_get_current_cert(context).map { Certificate(handle: X509Handle(retaining: $0)) }
                log.failures.append(Failure(
                    error: X509_STORE_CTX_get_error(context), depth: Int(X509_STORE_CTX_get_error_depth(context)),
                    certificate: certificate))
                // Go on, so that every problem is found; the verdict comes from the log, not from the return value.
                return 1
            }
            let result = X509_verify_cert(context)
            if result <= 0 && log.failures.isEmpty {
                let error = X509_STORE_CTX_get_error(context)
                log.failures.append(Failure(error: error == X509_V_OK ? X509_V_ERR_UNSPECIFIED : error, depth: Int(X509_STORE_CTX_get_error_depth(context)), certificate: nil))
            }
        }
        outcome.failures = log.failures
        if let chain = X509_STORE_CTX_get0_chain(context) {
            outcome.chain = (0..<COpenSSL_sk_X509_num(chain)).compactMap { index in
                COpenSSL_sk_X509_value(chain, index).map { Certificate(handle: X509Handle(retaining: $0)) }
            }
        }
        return outcome
    }
}
