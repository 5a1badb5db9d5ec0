import PorterCore

/// `porter --help [CATEGORY|all]` and `porter -V`, written from ``OptionTable`` so that the
/// help cannot drift from the options the parser knows.
enum HelpText {
    static let usage = "Usage: porter [options...] <url>..."

    /// Prints the help for `category` (nil: the important options) and returns the exit
    /// status: 0, or 2 for a category that does not exist.
    static func print(category: String?) -> Int32 {
        switch text(category: category) {
        case .success(let text):
            do throws(PorterError) {
                try FileOutput.standardOutput.write(Array(text.utf8))
                return 0
            } catch {
                return ExitStatus.status(for: error.code)
            }
        case .failure(let error):
            FileOutput.standardError.writeLine("porter: \(error.message)")
            FileOutput.standardError.writeLine(String(categoryList.dropLast()))
            return ExitStatus.usage
        }
    }

    /// The help text for `category`: nil for the important options, `all`, `category` for
    /// the list of categories, or one category's name.
    static func text(category: String?) -> Result<String, UsageError> {
        switch category?.lowercased() {
        case nil:
            return .success(usage + "\n" + lines(OptionTable.all.filter { $0.categories.contains(.important) }) + """

            This is not the full help: "--help category" lists the categories, "--help all" every option.
            Subcommands: porter cert HOST, porter verify FILE, porter compare HOST (porter help SUBCOMMAND).

            """)
        case "all":
            return .success(usage + "\n" + lines(OptionTable.all))
        case "category":
            return .success(categoryList)
        case let name?:
            guard let category = CurlOption.Category(rawValue: name) else {
                return .failure(UsageError("no help category \"\(name)\"; the categories are:"))
            }
            return .success("\(category.rawValue): \(category.summary)\n" + lines(OptionTable.all.filter { $0.categories.contains(category) }))
        }
    }

    /// One line per category with what it is about.
    static var categoryList: String {
        CurlOption.Category.allCases.map { pad($0.rawValue, 12) + $0.summary + "\n" }.joined()
    }

    /// One line per option: its synopsis padded to a column, then its help.
    static func lines(_ options: [CurlOption]) -> String {
        options.map { " " + pad($0.synopsis, 34) + " " + $0.help + "\n" }.joined()
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `porter -V`: the version, the libraries with their run-time versions, the protocols
    /// and the features, laid out as `curl -V` lays them out.
    static var version: String {
        let libraries = LinkedLibrary.all.map { "\($0.name)/\($0.version)" }.joined(separator: " ")
        return """
        porter \(porterVersion) (\(platform)) \(libraries)
        Protocols: http https
        Features: brotli HTTPS-proxy IDN IPv6 Largefile libz PSL SSL UnixSockets zstd
        """
    }

    private static var platform: String {
        #if arch(x86_64)
        "x86_64-pc-linux-gnu"
        #elseif arch(arm64)
        "aarch64-unknown-linux-gnu"
        #else
        "linux"
        #endif
    }
}
