import Foundation
import PorterTestSupport
import Testing

@testable import porter

/// Setting URLs aside before swift-argument-parser parses a long command line
/// (`FetchCommandLine`): what is set aside, when nothing is, and that the parsed
/// command is the one the whole line gives.
@Suite("porter URL... command lines")
struct FetchCommandLineTests {
    @Test func setsAsideTheURLsAfterTheFirstAndKeepsEveryOptionValue() throws {
        let words = [
            "-s", "-o", "out", "-H", "X-A: b", "http://h/1", "--max-time=5", "http://h/2",
            "-sSL", "h/3", "--cacert", "ca.pem", "-so", "file", "http://h/4",
        ]
        let split = try #require(FetchCommandLine(splitting: words))
        #expect(split.arguments == ["-s", "-o", "out", "-H", "X-A: b", "http://h/1", "--max-time=5", "-sSL", "--cacert", "ca.pem", "-so", "file"])
        #expect(split.firstURL == "http://h/1")
        #expect(split.laterURLs == ["http://h/2", "h/3", "http://h/4"])
    }

    @Test func keepsAnExplicitFetchSubcommand() throws {
        let split = try #require(FetchCommandLine(splitting: ["fetch", "-i", "u1", "u2"]))
        #expect(split.arguments == ["fetch", "-i", "u1"])
        #expect(split.laterURLs == ["u2"])
    }

    @Test(arguments: [
        ["u1"],
        ["-s", "u1", "-o", "u2"],
        ["u1", "--", "u2"],
        ["u1", "-", "u2"],
        ["u1", "--bogus", "u2"],
        ["u1", "--silent=yes", "u2"],
        ["u1", "-5", "u2"],
        ["u1", "-sz", "u2"],
        ["cert", "u1", "u2"],
        ["help", "u1", "u2"],
    ])
    func leavesLinesItCannotClassifyWhole(_ words: [String]) {
        #expect(FetchCommandLine(splitting: words) == nil)
    }

    @Test func parsesToTheSameCommandAsTheWholeLine() throws {
        let urls = (0..<300).map { "http://127.0.0.1:9/\($0)" }
        let words = ["-s", "-o", "a", "-H", "X-A: 1"] + urls[..<150] + ["-o", "b", "--retry", "2"] + urls[150...]
        let split = try #require(try PorterCommand.parseCommand(words) as? Fetch)
        let whole = try #require(try PorterCommand.parseAsRoot(words) as? Fetch)
        #expect(split.urls == urls)
        #expect(split.urls == whole.urls)
        #expect(split.outputs == whole.outputs && split.outputs == ["a", "b"])
        #expect(split.headers == whole.headers)
        #expect(split.retries == whole.retries && split.retries == 2)
        #expect(split.silent && whole.silent)
    }

    @Test func reportsTheSameErrorsAsTheWholeLine() throws {
        // Three outputs for two URLs: ArgumentParser's own validation, on the whole line.
        #expect(throws: (any Error).self) {
            try PorterCommand.parseCommand(["-o", "a", "-o", "b", "-o", "c", "u1", "u2"])
        }
        let fetch = try #require(try PorterCommand.parseCommand(["-o", "a", "-o", "b", "u1", "u2", "u3"]) as? Fetch)
        #expect(fetch.urls == ["u1", "u2", "u3"])
    }

    /// The option tables must name exactly the options `fetch` has: a new option missing from
    /// them would otherwise be taken for a flag or make every long command line slow.
    @Test func optionTablesMatchTheCommandsOptions() async throws {
        let result = try await PorterProcess.run(["--experimental-dump-help"], timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
        let tool = try JSONDecoder().decode(ToolInfo.self, from: Data(result.stdout))
        let fetch = try #require(tool.command.subcommands?.first { $0.commandName == "fetch" })
        var longWithValue: Set<String> = [], longFlags: Set<String> = [], shortWithValue = "", shortFlags = ""
        for argument in (fetch.arguments ?? []) + (tool.command.arguments ?? []) {
            for name in argument.names ?? [] {
                switch (argument.kind, name.kind) {
                case ("option", "long"): longWithValue.insert(name.name)
                case ("option", "short"): shortWithValue += name.name
                case ("flag", "long"): longFlags.insert(name.name)
                case ("flag", "short"): shortFlags += name.name
                default: Issue.record("an argument FetchCommandLine does not know: \(argument.kind) \(name.kind) \(name.name)")
                }
            }
        }
        #expect(FetchCommandLine.longOptionsWithValue == longWithValue)
        #expect(FetchCommandLine.longFlags == longFlags)
        #expect(FetchCommandLine.shortOptionsWithValue == Set(shortWithValue))
        #expect(FetchCommandLine.shortFlags == Set(shortFlags))
        #expect(FetchCommandLine.subcommands == Set((tool.command.subcommands ?? []).map(\.commandName) + ["help"]))
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

    /// The parts of `--experimental-dump-help` these tests read.
    struct ToolInfo: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
        }
        struct Argument: Decodable {
            var kind: String
            var names: [Name]?
        }
        struct Command: Decodable {
            var commandName: String
            var arguments: [Argument]?
            var subcommands: [Command]?
        }
        var command: Command
    }
}
