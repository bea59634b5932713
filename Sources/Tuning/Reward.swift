import Documents
import Extraction
import Schema

/// One judge's verdict on a candidate row: a score in [0, 1], the score of each field it judged,
/// the score of each list item it judged one by one, and an explanation a person can read.
public struct RewardScore: Sendable, Equatable {
    public let value: Double
    public let fields: [String: Double]
    /// Per list field, the score of each item the judge judged on its own, by the item's index in
    /// the candidate's list (a list field's score is usually their mean). Empty for judges that
    /// judge lists only as a whole.
    public let items: [String: [Int: Double]]
    public let explanation: String

    public init(value: Double, fields: [String: Double] = [:], items: [String: [Int: Double]] = [:], explanation: String) {
        self.value = min(1, max(0, value))
        self.fields = fields
        self.items = items.filter { !$0.value.isEmpty }
        self.explanation = explanation
    }

    /// The same verdict with per-item scores.
    func with(items: [String: [Int: Double]]) -> RewardScore {
        RewardScore(value: value, fields: fields, items: items, explanation: explanation)
    }
}

/// What a judge sees: the document, the schema, one candidate, and the other candidates sampled
/// for the same document (the group a policy-gradient step compares). Never gold labels.
public struct RewardContext: Sendable {
    public let document: Document
    public let schema: Schema
    public let candidate: Candidate
    public let siblings: [Candidate]

    public init(document: Document, schema: Schema, candidate: Candidate, siblings: [Candidate] = []) {
        self.document = document
        self.schema = schema
        self.candidate = candidate
        self.siblings = siblings
    }
}

extension RewardContext {
    /// Whether the candidate's value of a field is a list (its items can be judged one by one).
    func isList(_ field: Field) -> Bool {
        if case .array = candidate.row[field.name] ?? .null { true } else { false }
    }

    /// The candidate's values for a scalar or list field (a list's items in order); empty for null.
    func values(of field: Field) -> [Value] {
        switch candidate.row[field.name] ?? .null {
        case .null: []
        case .array(let items): items
        case let value: [value]
        }
    }
}

extension RewardContext {
    /// Judges that embed text judge at most this many items of a list: a sample's list of parties
    /// can hold dozens of explored options, and their mean is well estimated from a spread.
    static let embeddedItemLimit = 16

    /// The indices of `count` items to judge: all of them, or `limit` spread evenly.
    static func judgedIndices(_ count: Int, limit: Int = embeddedItemLimit) -> [Int] {
        count <= limit ? Array(0..<count) : (0..<limit).map { $0 * count / limit }
    }
}

/// A reward for tuning: scores a candidate from the document and the schema alone.
public protocol Reward: Sendable {
    /// The name used in reward configurations and reports (`validity`, `grounding`, …).
    var name: String { get }
    func score(_ context: RewardContext) -> RewardScore
}

extension RewardScore {
    /// The mean of per-field scores (1 when no field was judged), with an explanation listing the
    /// fields below `threshold`.
    static func mean(of fields: [String: Double], judged what: String, threshold: Double = 1) -> RewardScore {
        guard !fields.isEmpty else { return RewardScore(value: 1, explanation: "no \(what) to judge") }
        let value = orderedSum(fields) / Double(fields.count)
        let weak = fields.filter { $0.value < threshold }.keys.sorted()
        let explanation =
            weak.isEmpty
            ? "every \(what) passes"
            : "\(weak.count) of \(fields.count) \(what)s fall short: "
                + weak.map { "\($0) \(String(format: "%.2f", fields[$0]!))" }.joined(separator: ", ")
        return RewardScore(value: value, fields: fields, explanation: explanation)
    }
}

extension RewardScore {
    /// The sum of per-field scores in the fields' name order: a dictionary iterates in an order
    /// that differs from one instance to the next, and floating-point sums depend on the order, so
    /// summing `values` would score the same candidate differently in its last bits from call to
    /// call (and a seeded tuning run would not give the same version twice).
    static func orderedSum(_ fields: [String: Double]) -> Double {
        fields.keys.sorted().reduce(0) { $0 + fields[$1]! }
    }
}
