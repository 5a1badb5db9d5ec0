import PorterTestSupport
import Testing

// The HTTP tests of curl's own suite (curl 8.21.0, tests/data/testNNN), replayed against the
// `porter` command line. The corpus is kept in Tests/Corpora (or read from $PORTER_CORPUS_DIR);
// its README names its origin and describes the fields and the rules of
// curl's test server, which CurlTestServer follows.
//
// Each case starts a fresh server, runs `porter -q [--include] ARGS [--output FILE]` as curl's
// harness runs curl, and compares the output (or the --output file), the -D file, the exit status
// and the request lines the server saw. Every case runs once per test process; both tests below
// read the same results. PORTER_CORPUS_CLIENT=/usr/bin/curl runs another client instead, to
// check the harness itself. docs/CONFORMANCE-curl.md has the current figures.

// MARK: - Expected differences

/// Cases where Porter differs from curl on purpose, because curl's behaviour there is a curl
/// quirk rather than protocol: case id → the reason. A listed case must still differ; one that
/// matches fails, so the list cannot go stale.
let expectedDifferences: [String: String] = [
    "curl-129": "Porter reads HTTP/1.2 as HTTP/1.1 (RFC 9112 §2.3: a higher minor version is processed as the highest one implemented); curl refuses it",
    "curl-178": partialHeadOutput,
    "curl-415": partialHeadOutput,
    "curl-1546": partialHeadOutput,
    "curl-1665": partialHeadOutput,
    "curl-1722": partialHeadOutput,
    "curl-1723": partialHeadOutput,
    "curl-319": chunkedNotLast,
    "curl-1122": chunkedNotLast,
    "curl-1482": "Porter refuses chunked listed twice (RFC 9112 §6.1: a sender must not chunk twice; the length could be read two ways); curl reads it as once",
    "curl-1483": "Porter refuses chunked listed twice (RFC 9112 §6.1: a sender must not chunk twice; the length could be read two ways); curl reads it as once",
    "curl-393": overflowingLength,
    "curl-395": overflowingLength,
    "curl-1074": "curl sends every later request on a connection as HTTP/1.0 once the server answered in HTTP/1.0; Porter keeps HTTP/1.1 requests (RFC 9110 §2.5: a client sends its highest version)",
]

/// Shared reasons of ``expectedDifferences``.
private let partialHeadOutput = "with -i, curl writes each head line as it reads it, so a response it rejects leaves its first lines in the output; Porter writes a head only once it is complete and valid (the exit status is the same)"
private let chunkedNotLast = "Porter refuses a Transfer-Encoding that does not end in chunked (the body length could be read two ways, RFC 9112 §6.3 and §11.2); curl reads such a body until close"
private let overflowingLength = "Porter refuses a Content-Length that does not fit in 64 bits (RFC 9112 §6.3 item 5: an invalid length is unrecoverable); curl ignores it and reads until close"

// MARK: - Tests

@Suite("curl HTTP test corpus")
struct CurlCorpusTests {
    @Test("behaves as curl does", arguments: CurlCorpusArgument.all)
    func replays(_ argument: CurlCorpusArgument) async throws {
        let corpusCase: CurlCorpusCase
        switch argument {
        case .corpusCase(let loaded): corpusCase = loaded
        case .unavailable(let why): throw CurlCorpus.LoadError(description: why)
        }
        let verdict = await CurlCorpusResults.shared.verdict(for: corpusCase)
        switch verdict.kind {
        case .passed, .expectedDifference:
            break
        case .stale(let reason):
            Issue.record("""
                \(corpusCase.id) is listed in expectedDifferences (\(reason)) but now behaves as curl does; \
                remove it there and in docs/CONFORMANCE-curl.md
                """)
        case .failed:
            for mismatch in verdict.mismatches {
                Issue.record("\(corpusCase.id) (\(corpusCase.name)): \(mismatch.detail)\n\(verdict.context)")
            }
        }
    }

    @Test("summary: one line per failing case, then the totals")
    func summary() async throws {
        let corpus = try CurlCorpus.cases.get()
        let results = CurlCorpusResults.shared
        let verdicts = await withTaskGroup(of: CurlCaseVerdict.self) { group in
            for corpusCase in corpus {
                group.addTask { await results.verdict(for: corpusCase) }
            }
            var collected: [String: CurlCaseVerdict] = [:]
            for await verdict in group {
                collected[verdict.corpusCase.id] = verdict
            }
            return corpus.compactMap { collected[$0.id] }
        }
        print("curl corpus: \(corpus.count) cases from \(CurlCorpus.directory.path)")
        print("client: \(CurlCorpusResults.clientDescription)")
        var passed = 0
        var failed: [String] = []
        var expected = 0
        for verdict in verdicts {
            let id = verdict.corpusCase.id
            switch verdict.kind {
            case .passed:
                passed += 1
            case .failed:
                failed.append(id)
                print("FAIL \(id): " + verdict.mismatches.map(\.summary).joined(separator: "; "))
            case .stale(let reason):
                failed.append(id)
                print("FAIL \(id): listed in expectedDifferences (\(reason)) but behaves as curl does")
            case .expectedDifference(let reason):
                expected += 1
                print("EXPECTED \(id): \(reason): " + verdict.mismatches.map(\.summary).joined(separator: "; "))
            }
        }
        for id in expectedDifferences.keys.sorted() where !corpus.contains(where: { $0.id == id }) {
            Issue.record("expectedDifferences lists \(id), which is not in the corpus")
        }
        print("\(passed) passed, \(failed.count) failed" + (expected > 0 ? ", \(expected) expected differences" : ""))
        if !failed.isEmpty {
            Issue.record("\(failed.count) curl corpus cases fail: \(failed.joined(separator: ", "))")
        }
    }
}

// MARK: - Arguments

/// A parameter of the corpus test: a case, or the reason there are none.
enum CurlCorpusArgument: Sendable, CustomTestStringConvertible {
    case corpusCase(CurlCorpusCase)
    case unavailable(String)

    /// One per case, or one that fails saying where the corpus was looked for.
    static var all: [CurlCorpusArgument] {
        switch CurlCorpus.cases {
        case .success(let cases): cases.map(CurlCorpusArgument.corpusCase)
        case .failure(let error): [.unavailable(error.description)]
        }
    }

    var testDescription: String {
        switch self {
        case .corpusCase(let corpusCase): corpusCase.id
        case .unavailable: "curl corpus unavailable"
        }
    }
}

// MARK: - Results

/// A case, what its run produced, and how that compares.
struct CurlCaseVerdict: Sendable {
    enum Kind: Sendable {
        case passed
        case failed
        /// Differs, and is listed in `expectedDifferences` with this reason.
        case expectedDifference(String)
        /// Listed in `expectedDifferences` with this reason, but matches.
        case stale(String)
    }

    var corpusCase: CurlCorpusCase
    var run: CurlCaseRun
    var mismatches: [CurlCaseMismatch]

    var kind: Kind {
        let harnessFailed = mismatches.contains { $0.aspect == .harness }
        switch (expectedDifferences[corpusCase.id], mismatches.isEmpty) {
        case (nil, true): return .passed
        case (nil, false): return .failed
        case (let reason?, true): return .stale(reason)
        case (let reason?, false): return harnessFailed ? .failed : .expectedDifference(reason)
        }
    }

    /// The command line and what the server saw, for an issue's message.
    var context: String {
        var lines = ["command: " + run.arguments.joined(separator: " ")]
        lines.append("request lines seen: \(run.requestLines)")
        if !run.serverErrors.isEmpty {
            lines.append("server: " + run.serverErrors.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs each case at most once per test process, at most `parallelRuns` at a time, and keeps
/// the verdicts for every test that asks.
actor CurlCorpusResults {
    static let shared = CurlCorpusResults()

    /// How many cases run at once: each is a client process and a server with a few threads.
    static let parallelRuns = 4
    /// How long a client may run before it is killed: the slowest case takes about 6 seconds; a
    /// client that waits for bytes that never come (curl 7.88 on curl-768) is cut off here.
    static let clientTimeout: Duration = .seconds(20)

    /// The client every case runs, or why there is none.
    static let client: Result<String, TestSupportError> = {
        do {
            return .success(try CurlCaseRun.clientPath())
        } catch let error as TestSupportError {
            return .failure(error)
        } catch {
            return .failure(TestSupportError("\(error)"))
        }
    }()

    static var clientDescription: String {
        switch client {
        case .success(let path): path
        case .failure(let error): "unavailable (\(error))"
        }
    }

    private var verdicts: [String: Task<CurlCaseVerdict, Never>] = [:]
    private let slots = RunSlots(count: parallelRuns)

    func verdict(for corpusCase: CurlCorpusCase) async -> CurlCaseVerdict {
        if let existing = verdicts[corpusCase.id] {
            return await existing.value
        }
        let slots = self.slots
        let task = Task.detached {
            let run: CurlCaseRun
            switch Self.client {
            case .success(let client):
                await slots.acquire()
                run = await CurlCaseRun.perform(corpusCase, client: client, timeout: Self.clientTimeout)
                await slots.release()
            case .failure(let error):
                run = CurlCaseRun(harnessError: "no client to run: \(error)")
            }
            return CurlCaseVerdict(
                corpusCase: corpusCase, run: run, mismatches: CurlCaseMismatch.all(for: corpusCase, in: run))
        }
        verdicts[corpusCase.id] = task
        return await task.value
    }
}

/// A counting semaphore for tasks: at most `count` holders at once, served in order.
actor RunSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        free = count
    }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
