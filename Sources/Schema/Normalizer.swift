/// Turns the text an extractor found into the typed value a schema field stores: ISO dates,
/// plain numbers, booleans, trimmed single-spaced strings. The original text is kept separately,
/// as the cell's evidence.
public enum Normalizer {
    /// The value of `text` for `type`, or nil when the text is not a value of that type.
    public static func value(_ text: String, as type: ScalarType, dates: DateOrder = .monthFirst) -> Value? {
        let trimmed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !trimmed.isEmpty else { return nil }
        switch type.base {
        case .string:
            switch type.format {
            case .date: return ValueParser.date(trimmed, order: dates).map(Value.date)
            case .dateTime: return ValueParser.dateTime(trimmed).map(Value.dateTime)
            case .email, .uri, nil: return .string(trimmed)
            }
        case .number: return ValueParser.number(trimmed).map(Value.number)
        case .integer: return ValueParser.integer(trimmed).map(Value.integer)
        case .boolean: return ValueParser.boolean(trimmed).map(Value.boolean)
        }
    }
}
