import Foundation
import HTTPTypes
import PorterTestSupport
import Synchronization
import Testing
@testable import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// Many requests at once through one ``HTTPClient`` against a real nginx on
/// loopback: no request fails, connections are reused, and the process's
/// memory stays flat once warm. Counts and memory are asserted, never time.
@Suite("HTTPClient under load", .serialized)
struct LoadTests {
    static let requestCount = 10_000
    static let warmUpCount = 1_000
    static let concurrency = 50
    static let bodySize = 1024
    /// How much the resident set may grow between the end of the warm-up and
    /// the end of the run; generous, because other suites run in the same process.
    static let allowedGrowth = 20 << 20

    /// What the workers report.
    final class Tally: Sendable {
        struct Counts {
            var succeeded = 0
            var failed = 0
            var firstFailure: String?
        }
        let counts = Mutex(Counts())
        let next = Atomic<Int>(0)
    }

    /// Whether a sanitizer's runtime is in the process: AddressSanitizer keeps
    /// freed memory in quarantine and ThreadSanitizer keeps shadow state, so the
    /// resident set says nothing about leaks under either.
    static var isSanitized: Bool {
        ["__asan_init", "__tsan_init"].contains { name in name.withCString { dlsym(nil, $0) } != nil }
    }

    /// The process's resident set in bytes, from `/proc/self/statm`, after glibc has given
    /// back the free pages of every arena (`malloc_trim`), so that memory other suites freed
    /// meanwhile does not count as growth.
    static func residentBytes() throws -> Int {
        // <malloc.h> is not in the Glibc module; glibc always has the symbol.
        if let trim = dlsym(nil, "malloc_trim") {
            _ = unsafeBitCast(trim, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        let text = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else {
            throw TestSupportError("cannot read /proc/self/statm: \(text)")
        }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Sends requests until `limit` have been taken, from `concurrency` workers at once.
    static func run(upTo limit: Int, client: HTTPClient, request: HTTPRequest, tally: Tally) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while tally.next.wrappingAdd(1, ordering: .relaxed).oldValue < limit {
                        do {
                            let (status, count) = try await client.execute(request) { response in
                                (response.head.status.code, try await response.body.collect(upTo: 1 << 20).count)
                            }
                            guard status == 200, count == bodySize else {
                                throw TestSupportError("status \(status), \(count) body bytes")
                            }
                            tally.counts.withLock { $0.succeeded += 1 }
                        } catch {
                            tally.counts.withLock { counts in
                                counts.failed += 1
                                if counts.firstFailure == nil { counts.firstFailure = "\(error)" }
                            }
                        }
                    }
                }
            }
        }
        // Leave the counter at the limit, so that the next phase starts there.
        tally.next.store(limit, ordering: .relaxed)
    }

    @Test(arguments: [false, true])
    func tenThousandRequestsOverFiftyConnections(_ tls: Bool) async throws {
        let certificates = try TestCertificates.shared
        let root = try DocumentRoot.make()
        defer { try? root.remove() }
        _ = try root.makeFile(named: "1k.bin", size: Self.bodySize, seed: 21)
        let nginx = try NginxServer(documentRoot: root.path, certificates: certificates)
        defer { nginx.stop() }

        let client = HTTPClient(configuration: .init(
            tls: TLSConfiguration(caFile: certificates.caCertificatePath),
            maximumIdleConnectionsPerOrigin: Self.concurrency))
        let port = tls ? nginx.tlsPort : nginx.plainPort
        let request = HTTPRequest(method: .get, scheme: tls ? "https" : "http", authority: "localhost:\(port)", path: "/1k.bin")
        let tally = Tally()

        await Self.run(upTo: Self.warmUpCount, client: client, request: request, tally: tally)
        let warm = try Self.residentBytes()
        await Self.run(upTo: Self.requestCount, client: client, request: request, tally: tally)
        let end = try Self.residentBytes()
        client.closeIdleConnections()

        let counts = tally.counts.withLock { $0 }
        #expect(counts.failed == 0, "\(counts.failed) requests failed; the first: \(counts.firstFailure ?? "")")
        #expect(counts.succeeded == Self.requestCount)

        let log = try nginx.accessLog(waitingFor: Self.requestCount, timeout: .seconds(20))
        #expect(log.count == Self.requestCount)
        #expect(log.allSatisfy { $0.status == 200 && $0.bodyBytesSent == Self.bodySize })
        let connections = Set(log.map(\.connection)).count
        #expect(connections >= Self.concurrency / 2 && connections <= 2 * Self.concurrency, "\(connections) connections")

        let growth = end - warm
        print("load (\(tls ? "https" : "http")): \(counts.succeeded) requests, \(counts.failed) errors, \(connections) connections, resident \(warm >> 10) KiB after \(Self.warmUpCount), \(end >> 10) KiB after \(Self.requestCount) (growth \(growth >> 10) KiB)")
        if !Self.isSanitized {
            #expect(growth < Self.allowedGrowth, "resident set grew by \(growth >> 10) KiB from \(warm >> 10) KiB")
        }
    }
}
