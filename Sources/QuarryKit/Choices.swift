import Schema

/// Which extractor fills a table: `span` (fast, scores candidate spans) or `llm` (the embedded
/// language model writing schema-constrained, grounded JSON).
public enum ExtractorKind: String, Sendable, Codable, CaseIterable {
    case span, llm
}

/// How to read ambiguous numeric dates like 03/04/2024: decided per document (by its unambiguous
/// dates, else by the database's documents), day first or month first.
public enum DateReading: String, Sendable, Codable, CaseIterable {
    case auto
    case dayFirst = "day-first"
    case monthFirst = "month-first"

    /// The order to read dates in; nil for `auto` (decided per document).
    public var order: DateOrder? {
        switch self {
        case .auto: nil
        case .dayFirst: .dayFirst
        case .monthFirst: .monthFirst
        }
    }
}
