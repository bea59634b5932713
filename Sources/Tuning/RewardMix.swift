import Extraction
import Schema

/// The tuning reward: a weighted mean of judges' scores, with every judge's verdict kept for the
/// report. Weights need not sum to one; a judge with weight 0 only observes (its verdict is kept,
/// for the share of valid rows and for measuring judges, but it does not count). A verdict that
/// judged no field (nothing to compare, no value to check) abstains: were it counted as a pass,
/// leaving fields empty would earn the judges' praise.
public struct RewardMix: Sendable {
    public let parts: [(reward: any Reward, weight: Double)]

    public init(_ parts: [(reward: any Reward, weight: Double)]) {
        self.parts = parts.filter { $0.weight >= 0 && $0.weight.isFinite }
    }

    /// The mixed score and each judge's verdict by name.
    public func score(_ context: RewardContext) -> (value: Double, verdicts: [String: RewardScore]) {
        var verdicts: [String: RewardScore] = [:]
        var total = 0.0, weights = 0.0
        for (reward, weight) in parts {
            let verdict = reward.score(context)
            verdicts[reward.name] = verdict
            guard weight > 0, !verdict.fields.isEmpty else { continue }
            total += weight * verdict.value
            weights += weight
        }
        return (weights > 0 ? total / weights : 0, verdicts)
    }
}

extension RewardMix {
    /// The reward of each parameter block: for a block that governs one field, the weighted mean
    /// of the judges' scores for that field (a judge that did not judge the field abstains); for a
    /// block that governs the whole answer, the mixed score.
    public func blockRewards(_ scored: (value: Double, verdicts: [String: RewardScore]), blocks: [ParameterBlock]) -> [Double] {
        blocks.map { block in block.field.flatMap { fieldScore(scored, field: $0) } ?? scored.value }
    }

    /// The mixed score of one field: the weighted mean of the judges that judged it; nil when none did.
    public func fieldScore(_ scored: (value: Double, verdicts: [String: RewardScore]), field: String) -> Double? {
        var total = 0.0, weights = 0.0
        for (reward, weight) in parts {
            if let score = scored.verdicts[reward.name]?.fields[field] { total += weight * score; weights += weight }
        }
        return weights > 0 ? total / weights : nil
    }
}
