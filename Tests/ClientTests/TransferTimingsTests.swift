import HTTPTypes
import PorterTestSupport
import Testing
@testable import PorterCore

/// Per-request timings: ordered within each hop, hops in sequence, totals that add up.
@Suite("Transfer timings")
struct TransferTimingsTests {
    @Test func phasesAreOrderedAndAddUpAcrossRedirects() async throws {
        let server = try ScriptedServer(security: .tls(try TestCertificates.shared)) { connection in
            while let request = try connection.readRequest() {
                if request.target == "/start" {
                    try connection.write("HTTP/1.1 302 Found\r\nLocation: /end\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    connection.close()
                    return
                }
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            }
        }
        let client = HTTPClient(configuration: .init(tls: TLSConfiguration(caFile: try TestCertificates.shared.caCertificatePath)))
        let request = HTTPRequest(method: .get, scheme: "https", authority: "localhost:\(server.port)", path: "/start")
        let timings = try await client.execute(request, options: RequestOptions(followsRedirects: true)) { response in
            _ = try await response.body.collect(upTo: 100)
            return response.body.timings
        }
        #expect(timings.hops.count == 2)
        for hop in timings.hops {
            let tls = try #require(hop.tlsHandshake)
            let end = try #require(hop.end)
            #expect(hop.start <= hop.nameLookup)
            #expect(hop.nameLookup <= hop.connect)
            #expect(hop.connect <= tls)
            #expect(tls <= hop.preTransfer)
            #expect(hop.preTransfer <= hop.startTransfer)
            #expect(hop.startTransfer <= end)
        }
        // The second hop starts after the first ends; the totals are the final hop's, from the start.
        #expect(timings.hops[0].end! <= timings.hops[1].start)
        #expect(timings.redirect == timings.hops[1].start)
        #expect(timings.total == timings.hops[1].end)
        #expect(timings.startTransfer == timings.hops[1].startTransfer)
        #expect(timings.total > .zero)
    }
}
