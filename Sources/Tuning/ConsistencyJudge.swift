import Extraction
import Schema

/// Self-consistency (as in test-time reinforcement learning): for each field, how far the
/// document's samples, the candidate included, agree with the candidate's value. A single value
/// scores the share of samples with the same value (the majority value scores highest; one no
/// other sample produced scores 1/n). A list scores the mean, over its items, of the share of
/// samples that include the item (lists rarely agree as a whole, their items do); an empty list
/// the share of samples with an empty list. Each list item's share is also its own score
/// (`RewardScore.items`). With no siblings the judge has nothing to compare and
/// gives 1.
public struct ConsistencyJudge: Reward {
    public let name = "consistency"

    public init() {}

    public func score(_ context: RewardContext) -> RewardScore {
        guard !context.siblings.isEmpty else { return RewardScore(value: 1, explanation: "one sample: nothing to compare") }
        let samples = [context.candidate] + context.siblings
        let n = Double(samples.count)
        var fields: [String: Double] = [:], itemScores: [String: [Int: Double]] = [:]
        for field in context.schema.fields {
            let mine = context.candidate.row[field.name] ?? .null
            if case .array(let items) = mine, !items.isEmpty {
                let lists = samples.map { sample -> [Value] in
                    if case .array(let other) = sample.row[field.name] ?? .null { return other }
                    return []
                }
                let shares = items.map { item in Double(lists.filter { $0.contains(item) }.count) / n }
                fields[field.name] = shares.reduce(0, +) / Double(shares.count)
                itemScores[field.name] = Dictionary(uniqueKeysWithValues: shares.enumerated().map { ($0.offset, $0.element) })
            } else {
                let agreeing = samples.filter { Self.same($0.row[field.name] ?? .null, mine) }.count
                fields[field.name] = Double(agreeing) / n
            }
        }
        return RewardScore.mean(of: fields, judged: "field", threshold: 0.5).with(items: itemScores)
    }

    /// Equal values, an empty list being the same answer as null.
    static func same(_ a: Value, _ b: Value) -> Bool {
        func empty(_ v: Value) -> Bool { if case .null = v { true } else if case .array(let x) = v { x.isEmpty } else { false } }
        return a == b || (empty(a) && empty(b))
    }
}
