import Extraction

/// Self-consistency (as in test-time reinforcement learning): for each field, the share of the
/// document's samples, the candidate included, that agree with the candidate's value. The
/// majority value scores highest; a value no other sample produced scores 1/n. With no siblings
/// the judge has nothing to compare and gives 1.
public struct ConsistencyJudge: Reward {
    public let name = "consistency"

    public init() {}

    public func score(_ context: RewardContext) -> RewardScore {
        guard !context.siblings.isEmpty else { return RewardScore(value: 1, explanation: "one sample: nothing to compare") }
        let samples = [context.candidate] + context.siblings
        var fields: [String: Double] = [:]
        for field in context.schema.fields {
            let mine = context.candidate.row[field.name] ?? .null
            let agreeing = samples.filter { ($0.row[field.name] ?? .null) == mine }.count
            fields[field.name] = Double(agreeing) / Double(samples.count)
        }
        return .mean(of: fields, judged: "field", threshold: 0.5)
    }
}
