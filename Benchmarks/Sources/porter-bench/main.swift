// porter-bench: the benchmark scenarios through PorterCore's HTTPClient, timed
// inside the process so that start-up is left out.
//
//     porter-bench download   URL         [--cacert FILE]
//     porter-bench sequential URL COUNT   [--close] [--cacert FILE]
//     porter-bench startup    URL COUNT   [--cacert FILE]
//     porter-bench parallel   URL COUNT   [--cacert FILE]
//
// Prints one line, the same as curl-bench and requests_bench.py:
//     seconds=S requests=N bytes=B connections=C resumed=R
// where C counts the connections opened and R the TLS handshakes that
// resumed a session (-1 when the client cannot tell).

import HTTPTypes
import PorterCore

#if canImport(Glibc)
import Glibc
#endif

struct Arguments {
    var scenario = ""
    var url = ""
    var count = 1
    var caFile: String?
    var closesConnections = false

    init(_ arguments: [String]) {
        var positional: [String] = []
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--cacert":
                index += 1
                guard index < arguments.count else { usage() }
                caFile = arguments[index]
            case "--close":
                closesConnections = true
            default:
                positional.append(arguments[index])
            }
            index += 1
        }
        guard positional.count >= 2 else { usage() }
        scenario = positional[0]
        url = positional[1]
        if positional.count > 2 {
            guard let count = Int(positional[2]), count > 0 else { usage() }
            self.count = count
        }
    }
}

func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func usage() -> Never {
    printError("usage: porter-bench download|sequential|startup|parallel URL [COUNT] [--close] [--cacert FILE]")
    exit(2)
}

func fail(_ message: String) -> Never {
    printError("porter-bench: \(message)")
    exit(1)
}

/// What one or more requests did.
struct Tally: Sendable {
    var requests = 0
    var bytes = 0
    var connections = 0
    var resumed = 0

    static func + (lhs: Tally, rhs: Tally) -> Tally {
        Tally(
            requests: lhs.requests + rhs.requests, bytes: lhs.bytes + rhs.bytes,
            connections: lhs.connections + rhs.connections, resumed: lhs.resumed + rhs.resumed)
    }
}

/// Sends one GET and reads its body to the end, counting and discarding it.
func fetch(_ client: HTTPClient, _ request: HTTPRequest) async throws -> Tally {
    try await client.execute(request) { response in
        guard response.head.status == .ok else { fail("status \(response.head.status.code) for \(request.path ?? "")") }
        var bytes = 0
        try await response.body.forEachChunk { chunk in bytes += chunk.count }
        let resumed = response.connectionsOpened > 0 && response.tlsSession?.resumed == true
        return Tally(requests: 1, bytes: bytes, connections: response.connectionsOpened, resumed: resumed ? 1 : 0)
    }
}

let arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
let url: HTTPURL
do {
    url = try HTTPURL(parsing: arguments.url)
} catch {
    fail("\(arguments.url): \(error.reason)")
}
var request = HTTPRequest(method: .get, scheme: url.scheme, authority: url.authority, path: url.target)
if arguments.closesConnections {
    request.headerFields[.connection] = "close"
}
let configuration = HTTPClient.Configuration(tls: TLSConfiguration(caFile: arguments.caFile))

/// Runs the scenario. `@concurrent`, so that inside the executor preference below it runs
/// on Porter's I/O thread rather than on the main actor, as `porter` itself does. It takes
/// its inputs as parameters: reading the top-level variables would hop to the main actor.
@concurrent func runScenario(
    _ arguments: Arguments, request: HTTPRequest, configuration: HTTPClient.Configuration
) async throws -> Tally {
    var tally = Tally()
    switch arguments.scenario {
    case "download":
        tally = try await fetch(HTTPClient(configuration: configuration), request)
    case "sequential":
        let client = HTTPClient(configuration: configuration)
        for _ in 0..<arguments.count {
            tally = tally + (try await fetch(client, request))
        }
    case "startup":
        // Each request on a client of its own: its TLS context, trust store and connection are new.
        for _ in 0..<arguments.count {
            tally = tally + (try await fetch(HTTPClient(configuration: configuration), request))
        }
    case "parallel":
        let client = HTTPClient(configuration: configuration)
        tally = try await withThrowingTaskGroup(of: Tally.self) { group in
            for _ in 0..<arguments.count {
                group.addTask { try await fetch(client, request) }
            }
            var total = Tally()
            while let one = try await group.next() { total = total + one }
            return total
        }
    default:
        usage()
    }
    return tally
}

let clock = ContinuousClock()
let start = clock.now
let tally: Tally
do {
    // The transfers run on the thread that waits for their sockets (HTTPClient.ioExecutor):
    // a response resumes its request there, with no hop to another thread.
    tally = try await withTaskExecutorPreference(HTTPClient.ioExecutor) {
        try await runScenario(arguments, request: request, configuration: configuration)
    }
} catch let error as PorterError {
    fail("\(arguments.scenario) \(arguments.url): \(error.reason)")
}
let elapsed = start.duration(to: clock.now)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let resumed = url.isSecure ? tally.resumed : -1
print("seconds=\(seconds) requests=\(tally.requests) bytes=\(tally.bytes) connections=\(tally.connections) resumed=\(resumed)")
