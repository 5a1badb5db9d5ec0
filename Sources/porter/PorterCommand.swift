import ArgumentParser
import PorterCore

@main
struct PorterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "porter")
    func run() async throws {}
}
