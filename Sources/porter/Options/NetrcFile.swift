import PorterCore

#if canImport(Glibc)
import Glibc
#endif

/// A `.netrc` file (curl's `-n`, `--netrc-file`, `--netrc-optional`): `machine NAME login
/// USER password SECRET` entries, a `default` entry, `macdef` bodies skipped to the next
/// blank line, values in double quotes with `\"` escapes (curl 7.84's syntax).
struct NetrcFile: Equatable {
    struct Entry: Equatable {
        /// The host, or nil for `default`.
        var machine: String?
        var login: String?
        var password: String?
    }

    let entries: [Entry]

    init(text: String) {
        var entries: [Entry] = []
        var tokens = Self.tokens(in: text)[...]
        var current: Entry?
        while let token = tokens.popFirst() {
            switch token {
            case "machine":
                if let current { entries.append(current) }
                current = Entry(machine: tokens.popFirst()?.lowercased())
            case "default":
                if let current { entries.append(current) }
                current = Entry(machine: nil)
            case "login": current?.login = tokens.popFirst()
            case "password": current?.password = tokens.popFirst()
            case "account": _ = tokens.popFirst()
            default: break
            }
        }
        if let current { entries.append(current) }
        self.entries = entries
    }

    /// The credentials for `host` (and `user`, when the URL names one): the first machine
    /// entry that matches, else `default`.
    func credentials(for host: String, user: String?) -> (user: String, password: String)? {
        let host = host.lowercased()
        let candidates = entries.filter { $0.machine == host } + entries.filter { $0.machine == nil }
        for entry in candidates {
            if let user, let login = entry.login, login != user { continue }
            guard let login = entry.login ?? user else { continue }
            return (login, entry.password ?? "")
        }
        return nil
    }

    /// The file's words; `macdef` bodies (up to a blank line) are left out.
    private static func tokens(in text: String) -> [String] {
        var tokens: [String] = []
        var skippingMacro = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if skippingMacro {
                if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { skippingMacro = false }
                continue
            }
            var rest = line[...]
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
                guard let first = rest.first, first != "#" else { break }
                var word = ""
                if first == "\"" {
                    rest = rest.dropFirst()
                    while let character = rest.popFirst(), character != "\"" {
                        if character == "\\", let escaped = rest.popFirst() {
                            switch escaped {
                            case "n": word.append("\n")
                            case "r": word.append("\r")
                            case "t": word.append("\t")
                            default: word.append(escaped)
                            }
                        } else {
                            word.append(character)
                        }
                    }
                } else {
                    let token = rest.prefix { $0 != " " && $0 != "\t" && $0 != "\r" }
                    word = String(token)
                    rest = rest.dropFirst(token.count)
                }
                tokens.append(word)
                if word == "macdef" {
                    skippingMacro = true
                    break
                }
            }
        }
        return tokens
    }

    /// `~/.netrc` (`$HOME`, else the user's home directory).
    static var defaultPath: String {
        let home = getenv("HOME").map { String(cString: $0) } ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_dir) } ?? ""
        return home + "/.netrc"
    }
}
