/// The tuning reward: a weighted mean of judges' scores, with every judge's verdict kept for the
/// report. Weights need not sum to one; judges with weight 0 are left out.
public struct RewardMix: Sendable {
    public let parts: [(reward: any Reward, weight: Double)]

    public init(_ parts: [(reward: any Reward, weight: Double)]) {
        self.parts = parts.filter { $0.weight > 0 }
    }

    /// The mixed score and each judge's verdict by name.
    public func score(_ context: RewardContext) -> (value: Double, verdicts: [String: RewardScore]) {
        var verdicts: [String: RewardScore] = [:]
        var total = 0.0, weights = 0.0
        for (reward, weight) in parts {
            let verdict = reward.score(context)
            verdicts[reward.name] = verdict
            total += weight * verdict.value
            weights += weight
        }
        return (weights > 0 ? total / weights : 0, verdicts)
    }
}
