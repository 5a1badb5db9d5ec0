@_spi(PorterTools) import PorterCore
import HTTPTypes
import Synchronization

/// Requests one side of a comparison hop by hop: the first URL, then each
/// redirect's `Location`, until a response that is not a redirect, a loop,
/// the redirect limit, or a failure.
///
/// Each side has a client of its own, so one side's kept-alive connections
/// never make the other look faster. A certificate that fails verification
/// is recorded and the chain fetched again without verification, so that
/// the rest of the side can still be compared. Runs on the caller's task.
struct SideProbe {
    let options: CompareOptions
    let addressOverrides: [String: [SocketAddress]]

    /// What one hop returned: the response and the digest of its body.
    private struct Fetched {
        var hop: ProbeHop
        var body: SideResult.BodySummary
    }

    func run(from start: HTTPURL) async -> SideResult {
        let clock = ContinuousClock()
        let began = clock.now
        var result = SideResult(
            scheme: start.scheme, startURL: start, problem: nil, hops: [], chainBreak: nil, body: nil, tls: nil,
            fetchedWithoutVerification: false, totalTime: .zero)
        var client = makeClient(verifying: options.tls.verifiesPeer)
        var verificationFailure: String?
        var url = start
        var requested: Set<String> = [start.description]

        chain: while true {
            let fetched: Fetched
            do {
                fetched = try await fetch(url, with: client)
            } catch {
                if error.code == .certificateVerificationFailed && !result.fetchedWithoutVerification {
                    if verificationFailure == nil { verificationFailure = error.reason }
                    client.closeIdleConnections()
                    client = makeClient(verifying: false)
                    result.fetchedWithoutVerification = true
                    continue chain
                }
                if result.hops.isEmpty {
                    result.problem = await classify(error, at: url)
                    if start.isSecure, let verificationFailure {
                        result.tls = TLSSummary(verificationFailure: verificationFailure)
                    }
                } else {
                    result.chainBreak = .hopFailed(url: url, errorCode: error.code.name, message: error.reason)
                }
                break chain
            }
            let hop = fetched.hop
            result.hops.append(hop)
            if start.isSecure, result.tls == nil, let session = hop.tlsSession {
                result.tls = TLSSummary(session: session, verificationFailure: verificationFailure)
            }
            if result.hops.count == 1, !start.isSecure, hop.status == 400, await completesTLSHandshake(at: url) {
                // nginx answers a plain request on its TLS port with "400 The plain HTTP request was sent to HTTPS port".
                result.problem = SideResult.Problem(
                    kind: .wrongProtocol, errorCode: "wrongProtocol",
                    message: "port \(url.port) of \(url.host) speaks TLS, not plain HTTP: it answered the plain request with 400 and completes a TLS handshake")
                break chain
            }
            guard ProbeHop.redirectStatuses.contains(hop.status), let location = hop.location else {
                result.body = fetched.body
                break chain
            }
            let next: HTTPURL
            do {
                next = try url.resolving(location)
            } catch {
                result.chainBreak = .invalidLocation("\(url) redirects to \"\(location)\", which cannot be followed: \(error.reason)")
                break chain
            }
            result.hops[result.hops.count - 1].next = next
            if result.redirects.count > options.maximumRedirects {
                result.chainBreak = .tooManyRedirects(limit: options.maximumRedirects)
                break chain
            }
            guard requested.insert(next.description).inserted else {
                result.chainBreak = .loop(next)
                break chain
            }
            url = next
        }
        client.closeIdleConnections()
        result.totalTime = clock.now - began
        return result
    }

    // MARK: - One hop

    private func makeClient(verifying: Bool) -> HTTPClient {
        var tls = options.tls
        tls.verifiesPeer = verifying
        return HTTPClient(configuration: HTTPClient.Configuration(tls: tls, userAgent: options.userAgent))
    }

    private func requestOptions(eventHandler: (@Sendable (ClientEvent) -> Void)? = nil) -> RequestOptions {
        var requestOptions = RequestOptions(
            followsRedirects: false, connectTimeout: options.connectTimeout, totalTimeout: options.requestTimeout,
            eventHandler: eventHandler)
        requestOptions.addressOverrides = addressOverrides
        return requestOptions
    }

    /// Sends one GET, reads the whole body through SHA-256 and measures the hop.
    private func fetch(_ url: HTTPURL, with client: HTTPClient) async throws(PorterError) -> Fetched {
        do {
            return try await client.execute(.get, url, options: requestOptions()) { response in
                let digest = SHA256Digest()
                var size: UInt64 = 0
                try await response.body.forEachChunk { bytes in
                    digest.update(bytes)
                    size += UInt64(bytes.count)
                }
                let head = response.wireHead
                let hop = ProbeHop(
                    url: url, status: head.status, reason: head.reason, fields: head.fields,
                    location: head.fields["Location"], next: nil, remoteAddress: response.remoteAddress,
                    tlsSession: response.tlsSession, timing: HopTiming(response.body.timings))
                return Fetched(hop: hop, body: SideResult.BodySummary(size: size, sha256: digest.finish()))
            }
        } catch let error as PorterError {
            throw error
        } catch {
            throw PorterError(.receiveFailed, "reading the response from \(url) failed: \(error)")
        }
    }

    // MARK: - Why a port did not answer

    /// Names the problem behind `error`, checking the other protocol on the same port
    /// when the failure looks like TLS on a plain port or plain HTTP on a TLS port.
    private func classify(_ error: PorterError, at url: HTTPURL) async -> SideResult.Problem {
        func problem(_ kind: SideResult.Problem.Kind, _ message: String? = nil) -> SideResult.Problem {
            SideResult.Problem(kind: kind, errorCode: error.code.name, message: message ?? error.reason)
        }
        switch error.code {
        case .cannotResolveHost:
            return problem(.unresolved)
        case .timedOut:
            return problem(.timedOut)
        case .cannotConnect:
            return problem(error.reason.contains("refused") ? .refused : .failed)
        case .tlsHandshakeFailed where url.isSecure:
            if await answersPlainHTTP(at: url) {
                return problem(.wrongProtocol, "port \(url.port) of \(url.host) speaks plain HTTP, not TLS: the TLS handshake failed and a plain request got an HTTP response")
            }
            return problem(.failed)
        case let code where !url.isSecure && Self.notHTTPCodes.contains(code):
            if await completesTLSHandshake(at: url) {
                return problem(.wrongProtocol, "port \(url.port) of \(url.host) speaks TLS, not plain HTTP: the plain request failed (\(error.reason)) and a TLS handshake completes")
            }
            return problem(.failed)
        default:
            return problem(.failed)
        }
    }

    /// Failures of a plain request that TLS on the port would cause.
    private static let notHTTPCodes: Set<PorterError.Code> = [
        .malformedStatusLine, .malformedHeaderField, .emptyReply, .incompleteHead, .receiveFailed, .headerBlockTooLarge,
    ]

    /// Whether `url`'s port completes a TLS handshake (certificate not checked).
    private func completesTLSHandshake(at url: HTTPURL) async -> Bool {
        var other = url
        other.explicitPort = url.port
        other.scheme = "https"
        return await probe(other, verifying: false) { event in
            if case .tlsEstablished = event { return true }
            return false
        }
    }

    /// Whether `url`'s port answers a plain HTTP request with a response head.
    private func answersPlainHTTP(at url: HTTPURL) async -> Bool {
        var other = url
        other.explicitPort = url.port
        other.scheme = "http"
        return await probe(other, verifying: false) { event in
            if case .responseHead = event { return true }
            return false
        }
    }

    private func probe(_ url: HTTPURL, verifying: Bool, sign: @escaping @Sendable (ClientEvent) -> Bool) async -> Bool {
        let seen = SeenFlag()
        let client = makeClient(verifying: verifying)
        var probeOptions = requestOptions { event in
            if sign(event) { seen.set() }
        }
        probeOptions.totalTimeout = min(options.requestTimeout, .seconds(10))
        _ = try? await client.execute(.get, url, options: probeOptions) { _ in () }
        client.closeIdleConnections()
        return seen.isSet
    }
}

/// A flag an event handler sets from the request's task and the prober reads afterwards.
private final class SeenFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
