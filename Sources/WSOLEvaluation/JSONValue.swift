//! A minimal ordered JSON value for reports (keys keep their insertion order).

/// A JSON value whose objects keep key order, rendered deterministically.
public indirect enum JSONValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

    /// Compact JSON text (`pretty` adds newlines and two-space indentation). Doubles are written
    /// in Swift's shortest round-trip form (17 significant digits at most), non-finite as null.
    public func rendered(pretty: Bool = false) -> String {
        var output = ""
        render(into: &output, pretty: pretty, depth: 0)
        return output
    }

    private func render(into output: inout String, pretty: Bool, depth: Int) {
        let newline = pretty ? "\n" + String(repeating: "  ", count: depth + 1) : ""
        let closing = pretty ? "\n" + String(repeating: "  ", count: depth) : ""
        switch self {
        case .number(let value): output += value.isFinite ? "\(value)" : "null"
        case .integer(let value): output += "\(value)"
        case .string(let value): output += JSONValue.quoted(value)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                output += (index > 0 ? "," : "") + newline
                item.render(into: &output, pretty: pretty, depth: depth + 1)
            }
            output += (items.isEmpty ? "" : closing) + "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                output += (index > 0 ? "," : "") + newline + JSONValue.quoted(key) + (pretty ? ": " : ":")
                value.render(into: &output, pretty: pretty, depth: depth + 1)
            }
            output += (members.isEmpty ? "" : closing) + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
