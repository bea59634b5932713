import Foundation

/// A JSON value read from text the store keeps (parameters, reward configurations, metrics), so
/// that faces get a typed tree instead of parsing strings.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value `text` holds; nil for nil or text that is not JSON.
    public static func parse(_ text: String?) -> JSONValue? {
        guard let text, let any = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        return JSONValue(any)
    }

    init(_ any: Any) {
        switch any {
        case is NSNull: self = .null
        // JSON booleans are NSNumbers of their own class (`is Bool` also holds for 0 and 1).
        case let n as NSNumber where type(of: n) == type(of: NSNumber(value: true)): self = .bool(n.boolValue)
        case let n as NSNumber: self = .number(n.doubleValue)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map(JSONValue.init))
        case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init))
        default: self = .string("\(any)")
        }
    }

    /// The value as `JSONSerialization` objects (NSNull, Bool, Double, String, arrays, dictionaries).
    public var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let b): b
        case .number(let n): n
        case .string(let s): s
        case .array(let a): a.map(\.foundationObject)
        case .object(let o): o.mapValues(\.foundationObject)
        }
    }

    /// The number this value is, if it is one.
    public var number: Double? { if case .number(let n) = self { n } else { nil } }
}
