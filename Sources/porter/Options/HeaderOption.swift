import HTTPTypes
import PorterCore

/// One `-H` argument, read as curl reads it.
struct HeaderOption {
    enum Action {
        /// `Name: value`, or `Name;` for an empty value.
        case set(String)
        /// `Name:` with nothing after it: do not send this (default) field.
        case remove
    }

    let name: HTTPField.Name
    let action: Action

    init(parsing text: String) throws(PorterError) {
        // RFC 9110 §5.5: CR, LF and NUL can never be part of a field; sending them would split the request.
        if let bad = text.utf8.firstIndex(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            let what = text.utf8[bad] == 0 ? "a NUL byte" : text.utf8[bad] == 0x0D ? "a carriage return (CR)" : "a line feed (LF)"
            throw PorterError(.invalidRequest, "header \"\(Self.visible(text))\" contains \(what); it was not sent")
        }
        let colon = text.firstIndex(of: ":")
        let semicolon = text.firstIndex(of: ";")
        let separator: String.Index
        let isEmptyForm: Bool
        if let colon, semicolon.map({ colon < $0 }) ?? true {
            separator = colon
            isEmptyForm = false
        } else if let semicolon, text[text.index(after: semicolon)...].allSatisfy({ $0 == " " || $0 == "\t" }) {
            separator = semicolon
            isEmptyForm = true
        } else {
            throw PorterError(.invalidRequest, "header \"\(text)\" is not of the form 'Name: value'")
        }
        let nameText = String(text[..<separator])
        guard let name = HTTPField.Name(nameText) else {
            throw PorterError(.invalidRequest, "header name \"\(Self.visible(nameText))\" is not a valid token (RFC 9110 §5.1)")
        }
        self.name = name
        if isEmptyForm {
            action = .set("")
        } else {
            let value = text[text.index(after: separator)...].drop { $0 == " " || $0 == "\t" }
            action = value.isEmpty ? .remove : .set(String(value))
        }
    }

    private static func visible(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
    }
}
