import Documents
import Foundation
import Schema

/// The options of one field in one document: the values the candidates give for the field's type,
/// their evidence, and a feature vector for each.
struct FieldOptions: Sendable {
    var values: [Value] = []
    var spans: [SpanCandidate] = []
    /// For the rows of a table field: the span of each sub-field's cell.
    var cells: [[String: SpanCandidate]] = []
    /// Row-major, `values.count × width`.
    var features: [Double] = []
    /// Features per option: `SpanFeatures.count`, or `RowFeatures.count` for table rows.
    var width = SpanFeatures.count
    /// The options of each distinct value, and each option's group (`groupByValue`).
    var groups: [[Int]] = []
    var group: [Int] = []

    var count: Int { values.count }

    func features(_ i: Int) -> ArraySlice<Double> {
        features[i * width..<(i + 1) * width]
    }
}

/// The features the span extractor scores a (field, candidate) pair by. Similarities compare the
/// field's name and description with the candidate's label, header, line and value through the
/// sentence encoder; the rest describe how the candidate was found and where it sits. None of
/// them names a field or a dataset.
enum SpanFeatures {
    static let names = [
        "key_similarity", "above_similarity", "line_similarity", "previous_similarity", "value_similarity",
        "has_key", "kind_cell", "kind_key_value", "kind_block", "kind_entity", "kind_date", "kind_amount",
        "kind_identifier", "kind_contact", "kind_duration", "kind_token", "first_page", "document_position",
        "page_top", "root_words", "log_repeats", "legal_suffix", "largest_amount", "in_prose",
        "key_margin", "label_like", "formatted_amount", "percent", "relative_height", "beside_number",
        "key_name_similarity", "value_margin", "common_words", "value_name_similarity", "example_kind",
        "inverse_distinct_values", "learned_match",
    ]
    static var count: Int { names.count }

    /// How many weights a field has.
    static func width(of field: Field) -> Int {
        if case .table = field.kind { RowFeatures.count } else { count }
    }

    /// The zero-shot weights for a field, from its kind (text, date, number, other): the shipped
    /// prior's (`SpanPrior`), learnt on labelled documents of other schemas, as far as `trust`
    /// says the field resembles one it learnt from, else the hand-set weights it started from.
    /// A field whose values fit a strict pattern or a fixed list lowers its null score and counts
    /// repeats more: the fit is itself evidence.
    static func prior(for field: Field, trust: Double = 1) -> SpanParameters.FieldWeights {
        if case .table = field.kind { return RowFeatures.prior() }
        let type = field.scalarType.map(typeClass) ?? .text
        var (w, null, listOffset) = SpanPrior.shipped.weights(for: type, trust: trust)
        if let type = field.scalarType, type.pattern != nil || type.enumValues != nil {
            let repeats = names.firstIndex(of: "log_repeats")!
            null = min(null, 1); w[repeats] = max(w[repeats], 1)
        }
        if case .list = field.kind { null += listOffset }
        return .init(weights: w, nullScore: null)
    }

    enum TypeClass { case text, date, number, other }

    static func typeClass(_ type: ScalarType) -> TypeClass {
        switch (type.base, type.format) {
        case (.string, .date?), (.string, .dateTime?): .date
        case (.string, nil): .text
        case (.number, _), (.integer, _): .number
        default: .other
        }
    }

    /// The kinds of typed value (dates, amounts, identifiers, contacts, durations) that the
    /// field's description shows as examples.
    static func exampleKinds(of field: Field) -> SpanCandidate.Kinds {
        guard let description = field.description else { return [] }
        let typed: SpanCandidate.Kinds = [.date, .amount, .identifier, .contact, .duration]
        let finder = CandidateFinder(document: Document(kind: .text, pages: [Page(number: 1, text: description)]))
        return finder.candidates().reduce(into: SpanCandidate.Kinds()) { $0.formUnion($1.kinds.intersection(typed)) }
    }

    /// The field's name in words (`invoice_number` → `invoice number`).
    static func name(of field: Field) -> String { field.name.replacingOccurrences(of: "_", with: " ") }

    /// The text the field is compared with: its name in words, and its description.
    static func query(for field: Field) -> String {
        let name = field.name.replacingOccurrences(of: "_", with: " ")
        guard let description = field.description, !description.isEmpty else { return name }
        return "\(name): \(description)"
    }

    /// The options of a scalar or list field: every candidate whose text is a value of the field's
    /// type that passes the field's own checks (enum, pattern, range, length, format).
    static func options(for field: Field, type: ScalarType, candidates: [SpanCandidate], dates: DateOrder) -> FieldOptions {
        var options = FieldOptions()
        let typeClass = typeClass(type)
        for c in candidates {
            switch typeClass {
            case .date: guard c.kinds.contains(.date) else { continue }
            case .number: guard c.kinds.contains(.amount) || c.kinds.contains(.token) else { continue }
            case .text, .other: break
            }
            guard let value = Normalizer.value(c.text, as: type, dates: dates), Validator.accepts(value, type) else { continue }
            options.values.append(value)
            options.spans.append(c)
        }
        return options
    }

    /// Fills the feature vectors of a field's options. `similarity(a, b)` is the cosine of two
    /// texts' embeddings (0 when either is empty).
    /// `name` is the field's name in words; `others` the queries of the schema's other fields.
    /// `exampleKinds` are the kinds of value the field's description shows (`such as 3 years`).
    /// `match(c)` is the shipped prior's bilinear match of the field with candidate `c` (`SpanPrior`).
    static func fill(
        _ options: inout FieldOptions, query: String, name: String, others: [String], exampleKinds: SpanCandidate.Kinds,
        similarity: (String, String) -> Double, match: (SpanCandidate) -> Double = { _ in 0 }
    ) {
        var repeats: [Value: Int] = [:]
        for v in options.values { repeats[v, default: 0] += 1 }
        let largest = options.values.compactMap(\.numeric).max()
        options.features = []
        options.features.reserveCapacity(options.count * count)
        for (i, c) in options.spans.enumerated() {
            let k = c.kinds
            let value = options.values[i]
            // Only wordy text has a meaning to compare; codes and numbers embed as noise.
            let textValue: Bool = if case .string(let t) = value { Self.isWordy(t) } else { false }
            // How much better the labels fit this field than any other field.
            func key(_ q: String) -> Double { max(similarity(q, c.keyLeft), similarity(q, c.keyAbove)) }
            let margin = c.keyLeft.isEmpty && c.keyAbove.isEmpty ? 0 : key(query) - (others.map(key).max() ?? key(query))
            let f: [Double] = [
                similarity(query, c.keyLeft), similarity(query, c.keyAbove), similarity(query, c.line),
                similarity(query, c.previous), textValue ? similarity(query, c.text) : 0,
                c.keyLeft.isEmpty ? 0 : 1,
                flag(k, .cell), flag(k, .keyValue), flag(k, .block), flag(k, .entity), flag(k, .date),
                flag(k, .amount), flag(k, .identifier), flag(k, .contact), flag(k, .duration), flag(k, .token),
                c.page == 0 ? 1 : 0, c.documentPosition, min(max(c.pageTop, 0), 1),
                Double(c.wordCount).squareRoot() - 1, log(Double(repeats[value] ?? 1)),
                endsWithLegalSuffix(c.text) ? 1 : 0,
                largest != nil && value.numeric == largest ? 1 : 0,
                c.inProse ? 1 : 0,
                margin, c.labelLike ? 1 : 0, c.formattedAmount ? 1 : 0, c.percent ? 1 : 0, c.relativeHeight,
                c.besideNumber ? 1 : 0, max(similarity(name, c.keyLeft), 0.7 * similarity(name, c.keyAbove)),
                // How much better the value itself fits this field than any other field.
                textValue ? similarity(query, c.text) - (others.map { similarity($0, c.text) }.max() ?? similarity(query, c.text)) : 0,
                c.commonWords ? 1 : 0,
                // A value that is the field's own name (`Party` for `party`) is a label or a defined term.
                textValue ? similarity(name, c.text) : 0,
                c.kinds.isDisjoint(with: exampleKinds) ? 0 : 1,
                // 1 when every option of the field says the same (the only date of a receipt).
                1 / Double(repeats.count),
                match(c),
            ]
            options.features += f
        }
    }

    /// Text that is mostly letters: at least two of every three non-space characters.
    static func isWordy(_ text: String) -> Bool {
        var letters = 0, others = 0
        for c in text where !c.isWhitespace { if c.isLetter { letters += 1 } else { others += 1 } }
        return letters >= 2 * others && letters > 0
    }

    private static func flag(_ kinds: SpanCandidate.Kinds, _ kind: SpanCandidate.Kinds) -> Double {
        kinds.contains(kind) ? 1 : 0
    }

    private static func endsWithLegalSuffix(_ text: String) -> Bool { ValueParser.endsWithLegalSuffix(text) }
}
