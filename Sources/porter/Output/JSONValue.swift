/// A JSON document built in code and written with stable key order, for
/// machine-readable output (`porter compare --json`).
enum JSONValue {
    case null
    case bool(Bool)
    /// A number, already spelled as JSON wants it.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in the order they are written.
    case object([(String, JSONValue)])

    static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// An integer.
    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The members of `object`, in the order they were added.
    static func object(_ object: JSONObject) -> JSONValue { .object(object.members) }

    /// `value`, or null.
    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// Milliseconds with three decimals, e.g. `12.345`.
    static func milliseconds(_ duration: Duration?) -> JSONValue {
        guard let duration else { return .null }
        return .number(Milliseconds.text(duration))
    }

    /// The document, indented by two spaces per level, with a final newline.
    func rendered() -> String {
        var out = ""
        write(to: &out, indent: 0)
        return out + "\n"
    }

    private func write(to out: inout String, indent: Int) {
        let inner = String(repeating: "  ", count: indent + 1)
        let outer = String(repeating: "  ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): out += Self.quoted(text)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                item.write(to: &out, indent: indent + 1)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += outer + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, (key, value)) in members.enumerated() {
                out += inner + Self.quoted(key) + ": "
                value.write(to: &out, indent: indent + 1)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += outer + "}"
        }
    }

    /// RFC 8259 §7: quotation mark, reverse solidus and control characters are escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
