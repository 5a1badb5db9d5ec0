@_spi(PorterTools) import PorterCore

/// One option of `porter [options] URL...`, declared once: its names, what it takes, where
/// `--help` lists it, and what it sets.
///
/// curl's own tool parses its command line from a table like this one (`tool_getparam.c`),
/// and Porter keeps curl's grammar exactly: short letters bundle (`-sSL`), a short option's
/// value may be joined (`-ofile`), booleans have `--no-` forms, `-:`/`--next` starts a new
/// group of options with URLs of its own, and `-K` reads more options from a file.
/// swift-argument-parser models none of per-group options, `--no-` forms of every boolean
/// or curl's config files, and it parses repeated options in quadratic time, so the
/// transfer command line is read by ``CommandLineParser`` from this table instead (the
/// subcommands `cert`, `verify` and `compare` keep swift-argument-parser).
struct CurlOption: Sendable {
    /// What the option takes after its name.
    enum Argument: Sendable, Equatable {
        /// A switch with a `--no-` form that turns it off.
        case boolean
        /// A switch without a `--no-` form (`--next`, `--help`).
        case none
        /// A value, named in the help text (`-o <file>`).
        case value(String)
    }

    /// Where `porter --help CATEGORY` lists an option (curl's categories).
    enum Category: String, Sendable, CaseIterable {
        case important, auth, connection, curl, dns, file, http, misc, output, post, proxy, tls, upload, verbose

        /// What the category is about, for `porter --help category`.
        var summary: String {
            switch self {
            case .important: return "The options most used"
            case .auth: return "Authentication and credentials"
            case .connection: return "Connections: addresses, timeouts, limits"
            case .curl: return "The command itself: configuration, groups, help"
            case .dns: return "Name resolution"
            case .file: return "Local files"
            case .http: return "HTTP and HTTPS requests"
            case .misc: return "Everything else"
            case .output: return "Where and how the output is written"
            case .post: return "Request bodies (POST)"
            case .proxy: return "Proxies"
            case .tls: return "TLS and certificates"
            case .upload: return "Uploads"
            case .verbose: return "Progress, diagnostics and traces"
            }
        }
    }

    /// What one use of an option applies: the value, or whether a switch was turned on or
    /// off. It throws ``UsageError`` (untyped, as Swift 6.0 does not infer a closure's typed
    /// throws from its context; ``apply(_:_:)`` narrows it).
    typealias Apply = @Sendable (inout CommandLineState, OptionUse) throws -> Void

    /// The long name, without `--`.
    let long: String
    /// The single letter, if the option has one.
    let short: Character?
    let argument: Argument
    /// The categories `--help` lists the option under; the first is its own.
    let categories: [Category]
    /// One line for `--help`.
    let help: String
    private let action: Apply

    /// A switch; `--no-NAME` turns it off unless `negatable` is false.
    static func flag(
        _ long: String, _ short: Character? = nil, _ categories: [Category], negatable: Bool = true,
        _ help: String, apply: @escaping Apply
    ) -> CurlOption {
        CurlOption(long: long, short: short, argument: negatable ? .boolean : .none, categories: categories, help: help, action: apply)
    }

    /// An option that takes a value, named `valueName` in the help text.
    static func value(
        _ long: String, _ short: Character? = nil, _ valueName: String, _ categories: [Category], _ help: String,
        apply: @escaping Apply
    ) -> CurlOption {
        CurlOption(long: long, short: short, argument: .value(valueName), categories: categories, help: help, action: apply)
    }

    /// Applies one use of the option to `state`.
    func apply(_ state: inout CommandLineState, _ use: OptionUse) throws(UsageError) {
        do {
            try action(&state, use)
        } catch let error as UsageError {
            throw error
        } catch let error as PorterError {
            throw UsageError("option \(use.spelling): \(error.reason)", status: error.code == .fileReadFailed ? 26 : 2)
        } catch {
            throw UsageError("option \(use.spelling): \(error)")
        }
    }

    /// How the option is written in help and in messages: `-o, --output <file>`.
    var synopsis: String {
        var text = short.map { "-\($0), " } ?? "    "
        text += "--\(long)"
        if case .value(let name) = argument { text += " <\(name)>" }
        return text
    }
}

/// One use of an option on the command line or in a config file.
struct OptionUse: Sendable {
    /// The option as the user wrote it (`-o`, `--output`), for messages.
    let spelling: String
    /// The value, or "" for a switch.
    let value: String
    /// False for the `--no-` form of a switch.
    let enabled: Bool

    /// The value as a whole number, as curl reads numeric options.
    func integer(in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int {
        guard let number = Int(value.trimmingASCIIWhitespace()), range.contains(number) else {
            throw UsageError("option \(spelling): expected a proper numerical parameter, not \"\(value)\"")
        }
        return number
    }

    /// The value as seconds (a decimal number, 0 or more), as `--max-time` takes it.
    func seconds() throws(UsageError) -> Double {
        guard let number = Double(value.trimmingASCIIWhitespace()), number >= 0, number.isFinite else {
            throw UsageError("option \(spelling): expected a number of seconds, 0 or more, not \"\(value)\"")
        }
        return number
    }
}

/// A command line that cannot be run: curl's exit status 2 (or 26 for a file it names that
/// cannot be read, as curl's `PARAM_READ_ERROR`), and a message saying why.
struct UsageError: Error, Sendable, CustomStringConvertible {
    let message: String
    let status: Int32

    init(_ message: String, status: Int32 = 2) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}
