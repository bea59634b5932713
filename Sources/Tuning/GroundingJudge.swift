import Documents
import Extraction
import Schema

/// Grounding: every value is supported by its evidence. A value's evidence must exist, its quote
/// must be the page text at the cited offsets, and the quote must read as the value (`Normalizer`
/// for the field's type: `14 March 2024` supports 2024-03-14). Each field scores the share of its
/// values that are supported, and each list item 1 or 0 as its own score; null fields are not judged.
public struct GroundingJudge: Reward {
    public let name = "grounding"

    public init() {}

    public func score(_ context: RewardContext) -> RewardScore {
        let pages = Dictionary(context.document.pages.map { ($0.number, Array($0.text.unicodeScalars)) }, uniquingKeysWith: { a, _ in a })
        var fields: [String: Double] = [:], items: [String: [Int: Double]] = [:]
        for field in context.schema.fields {
            guard let type = field.scalarType else { continue }  // tables: judged through their cells later
            let values = context.values(of: field)
            guard !values.isEmpty else { continue }
            let supported = values.indices.filter { index in
                context.candidate.evidence.contains { e in
                    e.field == field.name && e.valueIndex == index
                        && Self.quoteIsAtItsPlace(e, pages) && Self.quote(e.quote, reads: values[index], as: type)
                }
            }
            fields[field.name] = Double(supported.count) / Double(values.count)
            if context.isList(field) {
                let good = Set(supported)
                items[field.name] = Dictionary(uniqueKeysWithValues: values.indices.map { ($0, good.contains($0) ? 1.0 : 0.0) })
            }
        }
        return RewardScore.mean(of: fields, judged: "grounded field").with(items: items)
    }

    static func quoteIsAtItsPlace(_ evidence: Evidence, _ pages: [Int: [Unicode.Scalar]]) -> Bool {
        guard let text = pages[evidence.location.page], evidence.location.start >= 0, evidence.location.start < evidence.location.end,
            evidence.location.end <= text.count
        else {
            return false
        }
        return String(String.UnicodeScalarView(text[evidence.location.start..<evidence.location.end])) == evidence.quote
    }

    static func quote(_ quote: String, reads value: Value, as type: ScalarType) -> Bool {
        guard let read = Normalizer.value(quote, as: type) else { return false }
        switch (read, value) {
        case (.number(let a), .number(let b)): return abs(a - b) <= 1e-6 * max(1, abs(b))
        case (.string(let a), .string(let b)): return a.caseInsensitiveCompare(b) == .orderedSame
        default: return read == value
        }
    }
}
