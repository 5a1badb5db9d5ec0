internal import COpenSSL

/// A TLS stream over any ``Transport``: the layer that makes port 443 look like port 80.
///
/// OpenSSL runs in non-blocking mode and never touches a descriptor: its I/O
/// goes through a BIO whose callbacks call the layer below's non-blocking
/// `tryRead`/`tryWrite` (a TCP socket, a proxy tunnel, or another TLS stream
/// to an HTTPS proxy). When OpenSSL wants more, the stream answers "would
/// block" with what the layer below waits for, and the task waits in
/// ``IOPoller`` on the bottom descriptor and repeats the call. Used by one
/// task at a time.
final class TLSStream: Transport, @unchecked Sendable {
    /// The layer this stream reads and writes its records through.
    let lower: any Transport
    private let ssl: OpaquePointer
    private let context: TLSContext
    /// The origin (`host:port`) this stream's sessions are cached under.
    private let sessionKey: String
    private(set) var endedWithoutNotice = false
    private var closed = false
    /// What the handshake agreed on.
    private(set) var session: TLSSessionInfo
    /// The first error the certificate verification reported, with its certificate and the chain built so far.
    private(set) var verifyFailure: VerificationFailure.Record?
    /// Whether the server sent a CertificateRequest.
    private(set) var clientCertificateRequested = false
    /// Whether the server issued a resumable session (a TLS 1.3 ticket arrives after the handshake).
    private(set) var receivedSession = false

    /// What the layer below waits for, when the BIO last saw it block; nil when it did not.
    fileprivate var lowerInterest: IOInterest?
    /// The failure of the layer below that the BIO saw last, and its `errno` (0 when none).
    fileprivate var lowerFailure: PorterError?
    fileprivate var lowerSystemError: Int32 = 0

    private init(lower: any Transport, ssl: OpaquePointer, context: TLSContext, sessionKey: String) {
        self.lower = lower
        self.ssl = ssl
        self.context = context
        self.sessionKey = sessionKey
        session = TLSSessionInfo(
            version: "", cipher: "", applicationProtocol: nil, verified: false, verifyResult: 0, resumed: false,
            peerCertificates: [], keyExchangeGroup: nil)
    }

    deinit {
        close()
        SSL_free(ssl)
    }

    // MARK: - Handshake

    /// Runs the client handshake over `lower` for `host` (a name or an IP literal).
    ///
    /// - Throws: ``PorterError/Code/certificateVerificationFailed`` with an
    ///   explanation when the chain or name does not verify,
    ///   ``PorterError/Code/tlsHandshakeFailed`` otherwise.
    /// `failedHandshake`, when given, sees what a failed handshake had learnt
    /// (the certificates the server sent, whether it asked for a client
    /// certificate) before the error is thrown.
    static func connect(
        over lower: any Transport, context: TLSContext, host: String, port: Int, deadline: Deadline?,
        failedHandshake: ((TLSSessionInfo, _ alertReason: Int32, _ description: String) -> Void)? = nil
    ) async throws(PorterError) -> TLSStream {
        OpenSSLError.clear()
        guard let ssl = SSL_new(context.pointer), let bio = BIO_new(LowerLayerBIO.method) else {
            throw OpenSSLErrorStack.drain().error(.tlsHandshakeFailed, "cannot create a TLS session")
        }
        SSL_set_bio(ssl, bio, bio)
        SSL_set_connect_state(ssl)
        let key = "\(host):\(port)"
        let stream = TLSStream(lower: lower, ssl: ssl, context: context, sessionKey: key)
        // The BIO reaches the layer below through its stream, which outlives its SSL.
        BIO_set_data(bio, Unmanaged.passUnretained(stream).toOpaque())
        BIO_set_init(bio, 1)
        // The new-session callback finds its stream through this pointer; the stream outlives its SSL.
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(stream).toOpaque())
        if context.configuration.resumesSessions { context.sessions.resume(ssl, origin: key) }

        let isIPLiteral = SocketAddress(numericHost: host, port: port) != nil
        if !isIPLiteral {
            // RFC 6066 §3: SNI carries DNS names only, never IP literals.
            _ = COpenSSL_SSL_set_tlsext_host_name(ssl, host)
        }
        if context.configuration.verifiesPeer {
            let parameters = SSL_get0_param(ssl)
            X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT))
            // The profile CertificateVerifier uses offline, so both give the same verdict on the same chain.
            _ = X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_X509_STRICT))
            let matched = isIPLiteral ? X509_VERIFY_PARAM_set1_ip_asc(parameters, host) : SSL_set1_host(ssl, host)
            guard matched == 1 else {
                throw PorterError(.tlsHandshakeFailed, "cannot set the name \(host) to verify the certificate against")
            }
        }
        SSL_set_verify(ssl, SSL_get_verify_mode(ssl)) { ok, storeContext in
            // Keeps the first failure, with its certificate, for the explanation; the verdict stays OpenSSL's.
            guard ok == 0, let storeContext, let ssl = COpenSSL_X509_STORE_CTX_get_ssl(storeContext),
                  let stream = TLSStream.owner(of: ssl), stream.verifyFailure == nil
            else { return ok }
            stream.verifyFailure = VerificationFailure.Record(storeContext: storeContext)
            return ok
        }
        if context.configuration.requestsOCSPStapling || context.configuration.requiresCertificateStatus {
            _ = COpenSSL_SSL_set_tlsext_status_type_ocsp(ssl)
        }

        while true {
            let result = stream.call { SSL_connect(ssl) }
            switch stream.interpret(result) {
            case .done:
                stream.session = stream.readSessionInfo()
                try stream.checkPinnedPublicKey(host: host)
                try stream.checkCertificateStatus(host: host)
                return stream
            case .wantRead, .wantWrite:
                try await lower.wait(for: stream.interest(result), deadline: deadline, what: "in the TLS handshake with \(host)", spins: true)
            case .lowerFailed(let error):
                throw PorterError(.tlsHandshakeFailed, "TLS handshake with \(host) port \(port) failed: \(error.reason)")
            case .closedCleanly, .closedWithoutNotify:
                failedHandshake?(stream.readSessionInfo(), 0, "the server closed the connection")
                // Inside another TLS stream (an HTTPS proxy) the outer stream's calls may have
                // taken OpenSSL's error queue: the verification result still says what failed.
                let verifyResult = SSL_get_verify_result(ssl)
                if verifyResult != X509_V_OK && context.configuration.verifiesPeer && stream.verifyFailure != nil {
                    throw VerificationFailure.error(for: ssl, record: stream.verifyFailure, verifyResult: verifyResult, host: host)
                }
                throw PorterError(.tlsHandshakeFailed, "TLS handshake with \(host) port \(port) failed: the server closed the connection")
            case .failed(let stack, let systemError):
                let reason = stack.firstReason
                failedHandshake?(stream.readSessionInfo(), reason, stack.description(systemError: systemError))
                let verifyResult = SSL_get_verify_result(ssl)
                if verifyResult != X509_V_OK && context.configuration.verifiesPeer {
                    throw VerificationFailure.error(for: ssl, record: stream.verifyFailure, verifyResult: verifyResult, host: host)
                }
                if reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG {
                    throw PorterError(.tlsHandshakeFailed, "TLS handshake with \(host) port \(port) failed: the server did not answer in TLS (is this a plain HTTP port? try http://)")
                }
                let described = stack.description(systemError: systemError)
                if let advice = stream.clientCertificateAdvice(alertReason: reason) {
                    throw PorterError(.tlsHandshakeFailed, "TLS handshake with \(host) port \(port) failed: \(advice) (\(described))")
                }
                throw PorterError(.tlsHandshakeFailed, "TLS handshake with \(host) port \(port) failed: \(described)")
            }
        }
    }

    private func readSessionInfo() -> TLSSessionInfo {
        let version = String(cString: SSL_get_version(ssl))
        let cipher = SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? ""
        var protocolPointer: UnsafePointer<UInt8>?
        var protocolLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &protocolPointer, &protocolLength)
        let alpn = protocolPointer.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(protocolLength)), as: UTF8.self) }
        let verifyResult = SSL_get_verify_result(ssl)
        var chain: [[UInt8]] = []
        if let stack = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<COpenSSL_sk_X509_num(stack) {
                guard let certificate = COpenSSL_sk_X509_value(stack, index) else { continue }
                var der: UnsafeMutablePointer<UInt8>?
                let length = i2d_X509(certificate, &der)
                if length > 0, let der {
                    chain.append(Array(UnsafeBufferPointer(start: der, count: Int(length))))
                    COpenSSL_OPENSSL_free(der)
                }
            }
        }
        let groupID = COpenSSL_SSL_get_negotiated_group(ssl)
        let group = groupID == 0 ? nil : OBJ_nid2sn(groupID).map { String(cString: $0) }
        var info = TLSSessionInfo(
            version: version, cipher: cipher, applicationProtocol: alpn,
            verified: context.configuration.verifiesPeer && verifyResult == X509_V_OK,
            verifyResult: verifyResult, resumed: SSL_session_reused(ssl) == 1,
            peerCertificates: chain, keyExchangeGroup: group)
        var response: UnsafePointer<UInt8>?
        let length = COpenSSL_SSL_get_tlsext_status_ocsp_resp(ssl, &response)
        if length > 0, let response {
            info.stapledOCSPResponse = Array(UnsafeBufferPointer(start: response, count: length))
        }
        info.clientCertificateRequested = clientCertificateRequested
        info.clientCertificateSent = clientCertificateRequested && SSL_get_certificate(ssl) != nil
        return info
    }

    // MARK: - Pins, certificate status and client certificates

    /// curl's `--cert-status`: the server must staple an OCSP response that says its
    /// certificate is good, signed for its issuer.
    private func checkCertificateStatus(host: String) throws(PorterError) {
        let configuration = context.configuration
        guard configuration.requiresCertificateStatus else { return }
        let sent = session.peerCertificates.compactMap { try? Certificate(der: $0) }
        guard let leaf = sent.first else {
            throw PorterError(.certificateStatusInvalid, "\(host) sent no certificate whose status could be checked")
        }
        guard let response = session.stapledOCSPResponse else {
            close()
            throw PorterError(.certificateStatusInvalid, "\(host) stapled no OCSP response (--cert-status needs one)")
        }
        let anchors = configuration.caFile.flatMap { try? Certificate.certificates(fromPEMFile: $0) }
        let verifier = CertificateVerifier(
            trustAnchors: anchors, intermediates: Array(sent.dropFirst()), trustAnchorDirectory: configuration.caDirectory)
        let issuer = sent.dropFirst().first { $0.subject == leaf.issuer }
            ?? verifier.verify(leaf: leaf).chain.dropFirst().first
        let status = OCSPStatus.check(response: response, leaf: leaf, issuer: issuer, untrusted: Array(sent.dropFirst()), verifier: verifier)
        guard case .good = status.state else {
            close()
            throw PorterError(.certificateStatusInvalid, "the OCSP response \(host) stapled for \(leaf.subject): \(status.summary)")
        }
    }

    /// curl's `--pinnedpubkey`: the leaf's key must be pinned, whether or not the chain is verified.
    private func checkPinnedPublicKey(host: String) throws(PorterError) {
        let pins = context.configuration.pinnedPublicKeys
        guard !pins.isEmpty else { return }
        guard let der = session.peerCertificates.first, let leaf = try? Certificate(der: der) else {
            throw PorterError(.pinnedPublicKeyMismatch, "\(host) sent no certificate to check against the pinned public key")
        }
        guard pins.matches(leaf) else {
            close()
            throw PorterError(.pinnedPublicKeyMismatch, pins.mismatch(leaf: leaf, host: host))
        }
    }

    /// Called from the certificate callback when the server asks for a client certificate.
    func noteCertificateRequest() { clientCertificateRequested = true }

    /// Plain words for an alert that means the server wanted a client certificate, or refused ours; nil otherwise.
    func clientCertificateAdvice(alertReason reason: Int32) -> String? {
        Self.clientCertificateAdvice(
            alertReason: reason, requested: clientCertificateRequested, offered: context.configuration.clientCertificateFile)
    }

    /// The same, given whether a certificate was requested and which file was offered.
    static func clientCertificateAdvice(alertReason reason: Int32, requested clientCertificateRequested: Bool, offered: String?) -> String? {
        switch reason {
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
            return "the server requires a client certificate: pass --cert and --key"
        case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE where clientCertificateRequested && offered == nil:
            return "the server requires a client certificate: pass --cert and --key"
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, SSL_R_TLSV1_ALERT_UNKNOWN_CA, SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
             SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED, SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE,
             SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED, SSL_R_TLSV1_ALERT_ACCESS_DENIED, SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
            guard clientCertificateRequested, let offered else { return nil }
            return "the server refused the client certificate \(offered): use one issued by a CA the server trusts"
        default:
            return nil
        }
    }

    /// What arrived after the handshake, before any request: see ``awaitServerMessages(until:)``.
    enum PostHandshake {
        /// Nothing more came before the deadline, or the server sent a session ticket.
        case quiet
        /// The server sent application data unprompted (e.g. a protocol banner).
        case data
        /// The server closed the connection.
        case closed
        /// The server sent an alert or the stream failed; `reason` is OpenSSL's reason code.
        case failed(reason: Int32, description: String)
    }

    /// Reads what a server sends right after the handshake without being asked:
    /// TLS 1.3 session tickets, or the alert that refuses a missing or
    /// unacceptable client certificate (RFC 8446 §4.4.2.4). Returns at the
    /// first of those, at other data, or at `deadline`.
    func awaitServerMessages(until deadline: Deadline) async -> PostHandshake {
        var byte: UInt8 = 0
        while true {
            if receivedSession && !clientCertificateRequested { return .quiet }
            let ssl = ssl
            let result = call { SSL_peek(ssl, &byte, 1) }
            switch interpret(result) {
            case .done: return .data
            case .closedCleanly, .closedWithoutNotify: return .closed
            case .lowerFailed(let error): return .failed(reason: 0, description: error.reason)
            case .failed(let stack, let systemError):
                return .failed(reason: stack.firstReason, description: stack.description(systemError: systemError))
            case .wantRead, .wantWrite:
                if receivedSession && !clientCertificateRequested { return .quiet }
                do {
                    try await lower.wait(for: interest(result), deadline: deadline, what: "after the TLS handshake")
                } catch {
                    return .quiet
                }
            }
        }
    }

    // MARK: - Sessions

    /// The stream whose `SSL` this is, as registered in ``connect(over:context:host:port:deadline:)``.
    static func owner(of ssl: OpaquePointer) -> TLSStream? {
        SSL_get_ex_data(ssl, 0).map { Unmanaged<TLSStream>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Keeps a session the server issued (takes ownership of one reference).
    func storeSession(_ session: OpaquePointer) {
        receivedSession = true
        guard context.configuration.resumesSessions else {
            SSL_SESSION_free(session)
            return
        }
        context.sessions.store(session, for: sessionKey)
    }

    // MARK: - Calls into OpenSSL

    /// What one `SSL_*` call came to, with a failure of the layer below kept apart
    /// from OpenSSL's own.
    fileprivate enum Outcome {
        case done(Int)
        case wantRead
        case wantWrite
        case closedCleanly
        case closedWithoutNotify
        /// The layer below failed for a reason of its own (no `errno`: e.g. a TLS layer under this one).
        case lowerFailed(PorterError)
        case failed(OpenSSLErrorStack, systemError: Int32)
    }

    /// Runs one `SSL_*` call with a clear error queue and fresh notes of the layer below.
    private func call(_ body: () -> Int32) -> Int32 {
        OpenSSLError.clear()
        lowerInterest = nil
        lowerFailure = nil
        lowerSystemError = 0
        return body()
    }

    private func interpret(_ result: Int32) -> Outcome {
        switch OpenSSLError.interpret(result, ssl: ssl, socketError: lowerSystemError) {
        case .done(let count): return .done(count)
        case .wantRead: return .wantRead
        case .wantWrite: return .wantWrite
        case .closedCleanly: return .closedCleanly
        case .closedWithoutNotify:
            if let lowerFailure, lowerSystemError == 0 { return .lowerFailed(lowerFailure) }
            return .closedWithoutNotify
        case .failed(let stack, let systemError):
            if let lowerFailure, systemError == 0, stack.isEmpty { return .lowerFailed(lowerFailure) }
            return .failed(stack, systemError: systemError)
        }
    }

    /// What to wait for after a "want read/write": what the layer below blocked on, if it did.
    private func interest(_ result: Int32) -> IOInterest {
        if let lowerInterest { return lowerInterest }
        return SSL_get_error(ssl, result) == SSL_ERROR_WANT_WRITE ? .writable : .readable
    }

    // MARK: - Transport

    var descriptor: Int32 { lower.descriptor }

    var remoteAddress: SocketAddress { lower.remoteAddress }

    func tryRead(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO {
        if closed {
            return .failed(PorterError(.receiveFailed, "receiving from \(remoteAddress) failed: the TLS connection was already closed"), systemError: EBADF)
        }
        let ssl = ssl
        let result = call { SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }
        switch interpret(result) {
        case .done(let count): return .transferred(count)
        case .closedCleanly: return .endOfStream
        case .closedWithoutNotify:
            endedWithoutNotice = true
            return .endOfStream
        case .wantRead, .wantWrite: return .wouldBlock(interest(result))
        case .lowerFailed(let error): return .failed(error, systemError: 0)
        case .failed(let stack, let systemError):
            let described = stack.description(systemError: systemError)
            if let advice = clientCertificateAdvice(alertReason: stack.firstReason) {
                // TLS 1.3: the server judges the client certificate after the client's handshake is done.
                return .failed(PorterError(.receiveFailed, "TLS receive from \(remoteAddress) failed: \(advice) (\(described))"), systemError: systemError)
            }
            return .failed(PorterError(.receiveFailed, "TLS receive from \(remoteAddress) failed: \(described)"), systemError: systemError)
        }
    }

    func tryWrite(_ bytes: UnsafeRawBufferPointer) -> TransportIO {
        if closed {
            return .failed(PorterError(.sendFailed, "sending to \(remoteAddress) failed: the TLS connection was already closed"), systemError: EBADF)
        }
        let ssl = ssl
        let result = call { SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count)) }
        switch interpret(result) {
        case .done(let count): return .transferred(count)
        case .wantRead, .wantWrite: return .wouldBlock(interest(result))
        case .closedCleanly, .closedWithoutNotify:
            return .failed(PorterError(.sendFailed, "sending to \(remoteAddress) failed: the server closed the TLS connection"), systemError: 0)
        case .lowerFailed(let error): return .failed(error, systemError: 0)
        case .failed(let stack, let systemError):
            return .failed(stack.error(.sendFailed, "TLS send to \(remoteAddress) failed", systemError: systemError), systemError: systemError)
        }
    }

    var isStale: Bool { closed || lower.isStale }

    func close() {
        guard !closed else { return }
        closed = true
        // Send close_notify once, without waiting for the peer's: the connection is going away.
        OpenSSLError.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLError.clear()
        lower.close()
    }
}

/// The BIO method through which OpenSSL reads and writes the layer below a
/// ``TLSStream``. The callbacks note what that layer waited for or why it
/// failed, for the stream to answer with.
enum LowerLayerBIO {
    private struct Method: @unchecked Sendable { let pointer: OpaquePointer }

    private static func stream(_ bio: OpaquePointer) -> TLSStream {
        Unmanaged<TLSStream>.fromOpaque(BIO_get_data(bio)).takeUnretainedValue()
    }

    private static let shared: Method = {
        let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "porter lower layer")!
        _ = BIO_meth_set_write(method) { bio, data, length in
            guard let bio, let data, length > 0 else { return 0 }
            let stream = LowerLayerBIO.stream(bio)
            COpenSSL_BIO_clear_retry_flags(bio)
            return answer(stream.lower.tryWrite(UnsafeRawBufferPointer(start: data, count: Int(length))), to: stream, bio: bio, writing: true)
        }
        _ = BIO_meth_set_read(method) { bio, data, length in
            guard let bio, let data, length > 0 else { return 0 }
            let stream = LowerLayerBIO.stream(bio)
            COpenSSL_BIO_clear_retry_flags(bio)
            return answer(stream.lower.tryRead(into: UnsafeMutableRawBufferPointer(start: data, count: Int(length))), to: stream, bio: bio, writing: false)
        }
        _ = BIO_meth_set_ctrl(method) { _, command, _, _ in
            // OpenSSL flushes after each record it writes; the layers below keep no buffer to flush.
            command == BIO_CTRL_FLUSH ? 1 : 0
        }
        _ = BIO_meth_set_create(method) { _ in 1 }
        _ = BIO_meth_set_destroy(method) { _ in 1 }
        return Method(pointer: method)
    }()

    static var method: OpaquePointer { shared.pointer }

    /// A BIO callback's return value for what the layer below did, noting on the stream
    /// what it waits for or why it failed.
    private static func answer(_ result: TransportIO, to stream: TLSStream, bio: OpaquePointer, writing: Bool) -> Int32 {
        switch result {
        case .transferred(let count):
            return Int32(count)
        case .wouldBlock(let interest):
            stream.lowerInterest = interest
            if writing { COpenSSL_BIO_set_retry_write(bio) } else { COpenSSL_BIO_set_retry_read(bio) }
            return -1
        case .endOfStream:
            // A read's end of stream is BIO's 0; a write cannot go on.
            guard writing else { return 0 }
            stream.lowerSystemError = EPIPE
            return -1
        case .failed(let error, let code):
            stream.lowerFailure = error
            stream.lowerSystemError = code
            return -1
        }
    }
}
