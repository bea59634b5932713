import Foundation

extension Field {
    /// The value of this field in a JSON object (as `JSONSerialization` reads it), normalised as an
    /// extracted value would be: text through `Normalizer`, numbers and booleans as they are,
    /// lists and table rows item by item. Gold rows and imported data go through this.
    public func value(fromJSON json: Any?, dates: DateOrder = .monthFirst) -> Value {
        guard let json, !(json is NSNull) else { return .null }
        switch kind {
        case .scalar(let type):
            return Self.scalar(json, type, dates)
        case .list(let type, _, _):
            let items = (json as? [Any]) ?? [json]
            return .array(items.map { Self.scalar($0, type, dates) }.filter { !$0.isNull })
        case .table(let fields):
            guard let rows = json as? [[String: Any]] else { return .null }
            return .array(
                rows.map { row in
                    .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value(fromJSON: row[$0.name], dates: dates)) }))
                })
        }
    }

    private static func scalar(_ json: Any, _ type: ScalarType, _ dates: DateOrder) -> Value {
        if let text = json as? String { return Normalizer.value(text, as: type, dates: dates) ?? .string(text) }
        if let flag = json as? Bool, type.base == .boolean { return .boolean(flag) }
        if let number = json as? NSNumber {
            switch type.base {
            case .integer: return number.doubleValue == number.doubleValue.rounded() ? .integer(number.int64Value) : .number(number.doubleValue)
            case .number: return .number(number.doubleValue)
            case .boolean: return .boolean(number.doubleValue != 0)
            case .string: return .string(number.stringValue)
            }
        }
        return .string("\(json)")
    }
}
