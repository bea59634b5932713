import Documents
import Schema

/// Scores of one field: value-level counts (a list's items and a table column's cells each count
/// once) and document-level exact matches.
///
/// Empty denominators score 0: precision is 0 when nothing was predicted, recall 0 when the gold
/// holds no value, F1 0 when precision and recall are both 0, exact 0 over no documents. Encoded as
/// JSON, a score carries its precision, recall, F1 and exact share beside the counts.
public struct FieldScore: Sendable, Codable, Equatable {
    /// The field's name; a table's columns are `parent.sub` (`line_items.amount`).
    public let field: String
    public let truePositives: Int
    public let falsePositives: Int
    public let falseNegatives: Int
    /// Documents whose predicted values equal the gold values as multisets (both empty counts).
    public let exactMatches: Int
    /// Gold documents scored.
    public let documents: Int

    public init(field: String, truePositives: Int, falsePositives: Int, falseNegatives: Int, exactMatches: Int, documents: Int) {
        self.field = field
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.exactMatches = exactMatches
        self.documents = documents
    }

    public var precision: Double { Self.ratio(truePositives, truePositives + falsePositives) }
    public var recall: Double { Self.ratio(truePositives, truePositives + falseNegatives) }
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    public var exact: Double { Self.ratio(exactMatches, documents) }

    private static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    private enum CodingKeys: String, CodingKey {
        case field, truePositives, falsePositives, falseNegatives, exactMatches, documents, precision, recall, f1, exact
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            field: try c.decode(String.self, forKey: .field), truePositives: try c.decode(Int.self, forKey: .truePositives),
            falsePositives: try c.decode(Int.self, forKey: .falsePositives), falseNegatives: try c.decode(Int.self, forKey: .falseNegatives),
            exactMatches: try c.decode(Int.self, forKey: .exactMatches), documents: try c.decode(Int.self, forKey: .documents))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(field, forKey: .field)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(falsePositives, forKey: .falsePositives)
        try c.encode(falseNegatives, forKey: .falseNegatives)
        try c.encode(exactMatches, forKey: .exactMatches)
        try c.encode(documents, forKey: .documents)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
        try c.encode(exact, forKey: .exact)
    }
}

/// The result of comparing extracted rows with gold rows.
public struct EvaluationReport: Sendable, Codable, Equatable {
    /// One score per scalar or list field and per table column, in schema order.
    public let fields: [FieldScore]
    /// The fields' counts added up (field `micro`); its `documents` counts field-document pairs,
    /// so its `exact` is the share of exact pairs.
    public let micro: FieldScore
    /// Means over `fields` of their precision, recall, F1 and exact share (0 with no fields).
    public let macroPrecision: Double
    public let macroRecall: Double
    public let macroF1: Double
    public let macroExact: Double
    /// Gold documents scored.
    public let documents: Int
    /// Gold documents with no extracted row; every gold value of theirs is a false negative.
    public let missing: [String]

    public init(fields: [FieldScore], documents: Int, missing: [String]) {
        self.fields = fields
        self.documents = documents
        self.missing = missing
        func total(_ count: KeyPath<FieldScore, Int>) -> Int { fields.reduce(0) { $0 + $1[keyPath: count] } }
        micro = FieldScore(
            field: "micro", truePositives: total(\.truePositives), falsePositives: total(\.falsePositives),
            falseNegatives: total(\.falseNegatives), exactMatches: total(\.exactMatches), documents: total(\.documents))
        func mean(_ metric: KeyPath<FieldScore, Double>) -> Double {
            fields.isEmpty ? 0 : fields.reduce(0) { $0 + $1[keyPath: metric] } / Double(fields.count)
        }
        macroPrecision = mean(\.precision)
        macroRecall = mean(\.recall)
        macroF1 = mean(\.f1)
        macroExact = mean(\.exact)
    }

    /// The score of `field` (`line_items.amount` for a table column).
    public func field(_ name: String) -> FieldScore? { fields.first { $0.field == name } }
}

/// Scores extracted rows against gold rows, field by field.
///
/// Per document and field, the predicted and gold values are multisets: a scalar has 0 or 1 values,
/// a list its items, and each column of a table (scored as `parent.sub`) the non-null cells of all
/// its rows. True positives are the size of the largest pairing of equal values, false positives
/// the predicted values left over, false negatives the gold values left over. Equality is
/// type-aware (see `ValueMatch`): dates by day, numbers within half a cent (or a millionth), strings
/// folded (case, diacritics, compatibility forms, whitespace, punctuation, a leading "the").
///
/// Documents: a prediction's key may be a path; a gold document matches the key with the same last
/// path component ignoring case, or failing that the same name without its extension.
public enum Evaluator {
    /// With `onlyPredicted`, gold rows of documents that were not predicted are left out (scoring a
    /// subset, such as a tuning run's held-back documents) instead of counting as missed.
    public static func evaluate(
        schema: Schema, predicted: [String: [String: Value]], gold: [GoldRow],
        onlyPredicted: Bool = false
    ) -> EvaluationReport {
        let columns = self.columns(schema.fields, prefix: [])
        let index = DocumentIndex(predicted.keys)
        let gold = onlyPredicted ? gold.filter { index.match($0.document) != nil } : gold
        var counts = [(tp: Int, fp: Int, fn: Int, exact: Int)](repeating: (0, 0, 0, 0), count: columns.count)
        var missing: [String] = []
        for row in gold {
            var extracted: [String: Value] = [:]
            if let key = index.match(row.document) { extracted = predicted[key] ?? [:] } else { missing.append(row.document) }
            for (i, path) in columns.enumerated() {
                let p = values(.object(extracted), path[...]), g = values(.object(row.fields), path[...])
                let tp = ValueMatch.pairs(p, g)
                counts[i].tp += tp
                counts[i].fp += p.count - tp
                counts[i].fn += g.count - tp
                if tp == p.count && tp == g.count { counts[i].exact += 1 }
            }
        }
        let scores = zip(columns, counts).map { path, c in
            FieldScore(
                field: path.joined(separator: "."), truePositives: c.tp, falsePositives: c.fp, falseNegatives: c.fn,
                exactMatches: c.exact, documents: gold.count)
        }
        return EvaluationReport(fields: scores, documents: gold.count, missing: missing)
    }

    /// The scored columns: each scalar or list field, and each column of a table instead of the table.
    static func columns(_ fields: [Field], prefix: [String]) -> [[String]] {
        fields.flatMap { field -> [[String]] in
            if case .table(let sub) = field.kind { return columns(sub, prefix: prefix + [field.name]) }
            return [prefix + [field.name]]
        }
    }

    /// The non-empty values at `path` under `value`, going through every row of a table.
    static func values(_ value: Value, _ path: ArraySlice<String>) -> [Value] {
        guard let name = path.first else {
            switch value {
            case .null: return []
            case .array(let items): return items.flatMap { values($0, path) }
            case .string(let s) where s.allSatisfy(\.isWhitespace): return []
            default: return [value]
            }
        }
        switch value {
        case .array(let rows): return rows.flatMap { values($0, path) }
        case .object(let fields): return values(fields[name] ?? .null, path.dropFirst())
        default: return []
        }
    }

    /// Finds the prediction for a gold document name.
    typealias DocumentIndex = DocumentNameIndex
}
