import Foundation
import PorterTestSupport
import Testing

@testable import porter

/// curl's command-line grammar as ``CommandLineParser`` reads it from ``OptionTable``:
/// bundling, `--no-` forms, joined values, `--next` groups, `-o` pairing, `-K` files.
@Suite("porter URL... command lines")
struct CommandLineParserTests {
    private func groups(_ words: [String]) throws -> [TransferOptions] {
        try CommandLineParser.parse(words).groups()
    }

    @Test func bundlesShortOptionsAndTakesAJoinedValue() throws {
        let group = try #require(try groups(["-sSLfo", "out.html", "-Hx-a: 1", "-m5", "http://h/"]).first)
        #expect(group.global.silent && group.global.showError)
        #expect(group.followRedirects && group.fail)
        #expect(group.entries == [URLEntry(url: "http://h/", output: .file("out.html"))])
        #expect(group.headers == ["x-a: 1"])
        #expect(group.maxTime == 5)
    }

    @Test func readsLongOptionsWithEqualsOrTheNextWordAndNoForms() throws {
        let group = try #require(try groups(["--max-time=2.5", "--user-agent", "a b", "-L", "--no-location", "--no-progress-meter", "h"]).first)
        #expect(group.maxTime == 2.5)
        #expect(group.userAgent == "a b")
        #expect(!group.followRedirects)
        #expect(!group.global.progressMeter)
    }

    @Test(arguments: [
        (["--no-output", "h"], "option --no-output: is unknown"),
        (["--silent=yes", "h"], "option --silent: takes no value"),
        (["-o"], "option -o: requires parameter"),
        (["--max-time", "soon", "h"], "option --max-time: expected a number of seconds"),
        (["-sP", "h"], "option -P: is unknown (in -sP)"),
        (["-s"], "no URL specified"),
    ])
    func rejectsWhatCurlRejects(_ words: [String], _ message: String) {
        #expect {
            _ = try groups(words)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func certificateTakesAPasswordAfterAColon() throws {
        #expect(OptionTable.certificateAndPassword("client.pem:s3cret") == ("client.pem", "s3cret"))
        #expect(OptionTable.certificateAndPassword("c\\:\\drive.pem") == ("c:\\drive.pem", nil))
        #expect(OptionTable.certificateAndPassword("plain.pem") == ("plain.pem", nil))
        let group = try #require(try groups(["-E", "c.pem:pw", "u"]).first)
        #expect(group.tls.clientCertificateFile == "c.pem" && group.tls.keyPassphrase == "pw")
    }

    @Test func suggestsTheNearestOptionName() {
        #expect(CommandLineParser.suggestion(for: "verbos") == "; did you mean --verbose?")
        #expect(CommandLineParser.suggestion(for: "max-tme") == "; did you mean --max-time?")
        #expect(CommandLineParser.suggestion(for: "qqqqqqqqqqqq") == "")
    }

    @Test func endsOptionsAtDoubleDashAndTakesADashAsAURL() throws {
        let group = try #require(try groups(["-s", "--", "-v", "-"]).first)
        #expect(group.urls == ["-v", "-"])
        #expect(!group.global.verbose)
    }

    /// curl: each `-o`/`-O` pairs with the next URL that has none, wherever on the line.
    @Test func pairsOutputsWithURLsInOrder() throws {
        let state = try CommandLineParser.parse(["-o", "a", "u1", "u2", "-O", "u3", "-o", "c", "-o", "extra"])
        let group = try #require(try state.groups().first)
        #expect(group.entries.map(\.url) == ["u1", "u2", "u3", nil])
        #expect(group.entries.map(\.output) == [.file("a"), .remoteName, .file("c"), .file("extra")])
        #expect(state.unpairedOutputWarnings.count == 1)
    }

    /// `--next`: group options stop at it, global ones (`-s`, `-Z`) hold for every group,
    /// and a group without URLs is dropped.
    @Test func startsANewGroupAtNext() throws {
        let all = try groups(["-s", "-H", "A: 1", "-X", "PUT", "u1", "-:", "-H", "B: 2", "u2", "u3", "--next", "-v", "--next"])
        #expect(all.count == 2)
        #expect(all[0].headers == ["A: 1"] && all[0].method == "PUT" && all[0].urls == ["u1"])
        #expect(all[1].headers == ["B: 2"] && all[1].method == nil && all[1].urls == ["u2", "u3"])
        #expect(all.allSatisfy { $0.global.silent && $0.global.verbose })
    }

    @Test func takesURLsFromURLOption() throws {
        let group = try #require(try groups(["--url", "-looks-like-an-option", "-o", "x", "--url=http://h/"]).first)
        #expect(group.entries == [URLEntry(url: "-looks-like-an-option", output: .file("x")), URLEntry(url: "http://h/", output: nil)])
    }

    @Test func keepsDataPartsInCommandLineOrder() throws {
        let group = try #require(try groups(["-d", "a=1", "--data-raw", "@b", "--data-urlencode", "c=d e", "--data-binary", "x", "u"]).first)
        #expect(group.data == [.ascii("a=1"), .raw("@b"), .urlEncoded("c=d e"), .binary("x")])
    }

    @Test func readsHelpAndItsCategory() throws {
        #expect(try CommandLineParser.parse(["--help"]).request == .help(nil))
        #expect(try CommandLineParser.parse(["--help", "tls"]).request == .help("tls"))
        #expect(try CommandLineParser.parse(["-h", "all"]).request == .help("all"))
        #expect(try CommandLineParser.parse(["-V"]).request == .version)
    }

    /// 40,000 words (20,000 `-o FILE URL` pairs) read into 20,000 entries, each output
    /// with its own URL; the time it takes is measured by the benchmark, not here.
    @Test func readsALongLineOfPairs() throws {
        let words = (0..<20_000).flatMap { ["-o", "f\($0)", "http://h/\($0)"] }
        let group = try #require(try groups(words).first)
        #expect(group.entries.count == 20_000)
        #expect(group.entries[19_999] == URLEntry(url: "http://h/19999", output: .file("f19999")))
    }

    // MARK: - Config files

    @Test func readsCurlConfigFileSyntax() {
        let file = ConfigFile(text: """
            # a comment
              --silent
            url = "http://h/a b"
            output: "out \\"1\\".txt"
            -H "X-A: 1"
            user-agent=agent
            header X-B: 2
            max-time 5 # five seconds
            """, name: "k")
        #expect(file.lines.map(\.option) == ["--silent", "--url", "--output", "-H", "--user-agent", "--header", "--max-time"])
        #expect(file.lines.map(\.value) == [nil, "http://h/a b", "out \"1\".txt", "X-A: 1", "agent", "X-B:", "5"])
        #expect(file.warnings.count == 1 && file.warnings[0].contains("k:7: garbage at end of line"))
    }

    @Test func appliesConfigFilesNestedAndFromStandardInput() async throws {
        let directory = NSTemporaryDirectory() + "porter-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "header = \"X-Inner: 1\"\nurl http://h/inner\n".write(toFile: directory + "/inner", atomically: true, encoding: .utf8)
        try "--location\nconfig \(directory)/inner\n-o out\n".write(toFile: directory + "/outer", atomically: true, encoding: .utf8)
        let group = try #require(try groups(["-K", directory + "/outer", "http://h/last"]).first)
        #expect(group.followRedirects)
        #expect(group.headers == ["X-Inner: 1"])
        #expect(group.entries == [URLEntry(url: "http://h/inner", output: .file("out")), URLEntry(url: "http://h/last", output: nil)])

        try "config \(directory)/loop\n".write(toFile: directory + "/loop", atomically: true, encoding: .utf8)
        #expect(throws: UsageError.self) { _ = try groups(["-K", directory + "/loop", "u"]) }
        #expect(throws: UsageError.self) { _ = try groups(["-K", directory + "/missing", "u"]) }

        // `-K -` reads standard input: the transfer runs with the options it gives.
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let agent = request.value(forHeader: "User-Agent") ?? "none"
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(agent.utf8.count)\r\n\r\n\(agent)")
            }
        }
        let result = try await PorterProcess.run(
            ["-K", "-"], stdin: Array("user-agent = \"from stdin\"\nurl = \"\(server.url("/"))\"\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "from stdin")
    }

    // MARK: - The command as run

    @Test func exitsTwoWithASuggestionForAnUnknownOption() async throws {
        let result = try await PorterProcess.run(["--verbos", "http://127.0.0.1:9/"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("option --verbos: is unknown; did you mean --verbose?"))
        #expect(result.stderr.contains("porter --help"))
    }

    /// The help lists every option of the table once, with its letter, under `--help all`;
    /// a category lists its own; an unknown category is exit 2.
    @Test func helpListsTheTable() async throws {
        let all = try await PorterProcess.run(["--help", "all"])
        #expect(all.status == 0)
        let lines = all.stdoutText.split(separator: "\n").dropFirst()
        #expect(lines.count == OptionTable.all.count)
        for option in OptionTable.all {
            #expect(lines.contains { $0.hasPrefix(" " + option.synopsis + " ") }, "--help all lacks \(option.synopsis)")
        }
        #expect(Set(OptionTable.all.map(\.long)).count == OptionTable.all.count, "a long name is declared twice")
        let letters = OptionTable.all.compactMap(\.short)
        #expect(Set(letters).count == letters.count, "a letter is declared twice")

        let tls = try await PorterProcess.run(["--help", "tls"])
        #expect(tls.status == 0)
        #expect(tls.stdoutText.contains("--cacert <file>") && !tls.stdoutText.contains("--data <data>"))
        let important = try await PorterProcess.run(["-h"])
        #expect(important.stdoutText.contains("--help category"))
        let unknown = try await PorterProcess.run(["--help", "nonsense"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no help category \"nonsense\""))
    }

    @Test func versionNamesTheLibraries() async throws {
        let result = try await PorterProcess.run(["-V"])
        #expect(result.status == 0)
        let first = try #require(result.stdoutText.split(separator: "\n").first)
        for library in ["OpenSSL/3", "zlib/1", "brotli/1", "zstd/1", "libidn2/2", "libpsl/0"] {
            #expect(first.contains(library), "\(first)")
        }
        #expect(result.stdoutText.contains("Protocols: http https"))
        #expect(result.stdoutText.contains("Features:"))
    }

    @Test func warnsOfAnUnknownWriteOutVariableAndStillTransfers() async throws {
        let server = try ScriptedServer { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            }
        }
        let result = try await PorterProcess.run(["-w", "[%{nonsense}%{http_code}]", server.url("/")])
        #expect(result.status == 0)
        #expect(result.stdoutText == "ok[200]")
        #expect(result.stderr.contains("unknown --write-out variable %{nonsense}"))
    }

    /// 400 URLs on one line: every one fetched, in order, over one connection.
    @Test func fetchesEveryURLOfALongLineInOrder() async throws {
        let server = try ScriptedServer { connection in
            while try connection.readRequest() != nil {
                try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            }
        }
        let urls = (0..<400).map { server.url("/\($0)") }
        let result = try await PorterProcess.run(["-s", "-w", "%{url}\\n"] + urls, timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == urls.map { "\($0)\n" }.joined())
        #expect(server.acceptedConnectionCount == 1)
        #expect(server.requestHeads.count == 400)
    }
}

/// curl 8's HTTP(S) options (names from its `docs/cmdline-opts`, in Tests/Corpora): each is
/// in Porter's option table (a `no-` name as the boolean it negates) or among the
/// unsupported ones with a reason, and the README names every unsupported one.
@Suite("porter and curl's option list")
struct CurlOptionCoverageTests {
    static func curlOptions() throws -> [String] {
        let text = try String(contentsOfFile: TestCorpora.path(of: "curl-http-options.txt"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    @Test func everyCurlOptionIsImplementedOrExplained() throws {
        let names = try Self.curlOptions()
        #expect(names.count > 200)
        var implemented = 0
        var missing: [String] = []
        for name in names {
            if CommandLineParser.option(named: Substring(name)) != nil {
                implemented += 1
            } else if UnsupportedOptions.reason(for: name) == nil {
                missing.append(name)
            }
        }
        #expect(missing.isEmpty, "curl options neither implemented nor explained: \(missing)")
        print("curl HTTP(S) options: \(names.count), implemented \(implemented), unsupported with a reason \(names.count - implemented)")
        // An unsupported option is named as such, with its reason, and is exit 2.
        #expect {
            _ = try CommandLineParser.parse(["--http2", "u"])
        } throws: { error in
            "\(error)".contains("is not supported: HTTP/2")
        }
    }

    @Test func theReadmeListsEveryUnsupportedOption() throws {
        let readme = try String(contentsOfFile: TestCorpora.directory.path + "/../../README.md", encoding: .utf8)
        for name in UnsupportedOptions.reasons.keys.sorted() {
            #expect(readme.contains("`--\(name)`"), "README does not list --\(name)")
        }
        for option in OptionTable.all where !option.help.hasPrefix("Accepted") {
            #expect(readme.contains("--\(option.long)"), "README does not list --\(option.long)")
        }
    }
}
