import Extraction
import Foundation
import Schema

/// The candidates sampled for one document in a tuning step, with their rewards: one row per
/// candidate, one reward per parameter block of the policy (a field's reward for a field's block,
/// the whole candidate's for a block that governs everything), and for list blocks the rewards of
/// the options each candidate included (its items' scores, `RewardMix.optionRewards`).
public struct CandidateGroup<Prepared: Sendable>: Sendable {
    public let prepared: Prepared
    public let candidates: [Candidate]
    /// `rewards[c][b]`: candidate `c`'s reward for block `b`.
    public let rewards: [[Double]]
    /// `optionRewards[c][b][i]`: the reward of option `i`, which candidate `c` included in block
    /// `b`'s list (empty: no per-item rewards).
    public let optionRewards: [[[Int: Double]]]

    public init(prepared: Prepared, candidates: [Candidate], rewards: [[Double]], optionRewards: [[[Int: Double]]] = []) {
        self.prepared = prepared; self.candidates = candidates; self.rewards = rewards; self.optionRewards = optionRewards
    }
}

/// GRPO-style policy optimisation (group-relative advantages, as in DeepSeekMath's GRPO):
/// each candidate's advantage is its reward's standard score within its document's group, per
/// parameter block; the policy ascends the clipped surrogate `min(ρA, clip(ρ, 1±ε)A)` minus a
/// KL penalty to the starting policy (the k3 estimator `e^d − d − 1`, `d = log π_ref − log π`),
/// over a few epochs per batch of samples, with Adam. Deterministic: no randomness of its own.
///
/// A list block decides each option on its own (`ExtractorPolicy.optionLogProbabilities`), so
/// it can credit each item (`Settings.listCredit` `items` or `both`): every decision on an option
/// the group included at least once gets the item advantage `±(q − μ) / σ`, `+` where the
/// candidate included the option, `−` where it left it out, with `q` the option's mean reward
/// over the candidates that included it and `μ`, `σ` the mean and spread of the group's item
/// rewards for the field. Then the block's decisions are clipped one by one, on their own ratios,
/// and its KL penalty is the sum of its decisions' k3 estimates (independent decisions: the
/// block's KL is their sum), where the whole list's ratio, a product of hundreds, would be
/// clipped or explode after the smallest step. With `whole` credit a list is one term like any
/// other block.
public struct GroupRelativeOptimizer<Policy: ExtractorPolicy>: Sendable {
    /// Step sizes and penalties.
    public struct Settings: Sendable, Equatable, Codable {
        public var learningRate = 0.1
        /// β, the weight of the KL penalty to the starting policy.
        public var klWeight = 0.02
        /// ε, how far the probability ratio may move before the surrogate stops rewarding it.
        public var clip = 0.2
        /// Passes over each batch of samples.
        public var epochs = 2
        /// How a list block's decisions are credited.
        public var listCredit = ListCredit.both

        public init() {}
    }

    /// What one step did.
    public struct StepReport: Sendable {
        /// The mean KL estimate to the starting policy over the step's candidates and blocks.
        public let kl: Double
        /// The share of (candidate, block) and (candidate, item decision) terms whose ratio was
        /// clipped in the last epoch.
        public let clipped: Double
        /// The norm of the last epoch's gradient.
        public let gradientNorm: Double
    }

    public let reference: Policy
    public private(set) var policy: Policy
    public let settings: Settings
    private var adam: Adam

    public init(policy: Policy, settings: Settings = Settings()) {
        reference = policy
        self.policy = policy
        self.settings = settings
        adam = Adam(count: policy.parameterVector.count, learningRate: settings.learningRate)
    }

    /// The group-relative advantages of a group: per block, each candidate's reward minus the
    /// group's mean, divided by the group's standard deviation (0 when every candidate scored the
    /// same: such a group teaches nothing).
    public static func advantages(_ rewards: [[Double]]) -> [[Double]] {
        guard let blocks = rewards.first?.count else { return [] }
        var result = rewards.map { _ in [Double](repeating: 0, count: blocks) }
        for b in 0..<blocks {
            let column = rewards.map { $0[b] }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)
            guard variance > 1e-12 else { continue }
            let sd = variance.squareRoot()
            for c in column.indices { result[c][b] = (column[c] - mean) / sd }
        }
        return result
    }

    /// One update from groups sampled by the current policy.
    @discardableResult
    public mutating func step(_ groups: [CandidateGroup<Policy.Prepared>]) -> StepReport {
        let blocks = policy.parameterBlocks
        let fields = blocks.map { block in block.field.flatMap { name in policy.schema.fields.firstIndex { $0.name == name } } }
        let advantages = groups.map { Self.advantages($0.rewards) }
        let itemAdvantages = groups.map { group -> [[[Int: Double]]] in
            guard settings.listCredit != .whole, group.optionRewards.count == group.candidates.count else { return [] }
            let included = group.candidates.map { c in
                fields.map { f in f.map { $0 < c.decisions.count ? Set(c.decisions[$0]) : [] } ?? [] }
            }
            return Self.optionAdvantages(included: included, rewards: group.optionRewards)
        }
        let old = groups.map { g in g.candidates.map { policy.blockLogProbabilities(of: $0, in: g.prepared) } }
        // Whole-list credit keeps every block's terms whole, as for a policy without list decisions.
        let perDecision = settings.listCredit != .whole
        func optionLogProbabilities(_ policy: Policy, _ candidate: Candidate, _ prepared: Policy.Prepared) -> [[Double]] {
            perDecision ? policy.optionLogProbabilities(of: candidate, in: prepared) : []
        }
        let oldOptions = groups.map { g in g.candidates.map { optionLogProbabilities(policy, $0, g.prepared) } }
        let reference = groups.map { g in g.candidates.map { self.reference.blockLogProbabilities(of: $0, in: g.prepared) } }
        let referenceOptions = groups.map { g in g.candidates.map { optionLogProbabilities(self.reference, $0, g.prepared) } }
        let terms = Double(max(1, groups.reduce(0) { $0 + $1.candidates.count }))
        var kl = 0.0, clipped = 0, judged = 0, norm = 0.0
        for epoch in 0..<max(1, settings.epochs) {
            var gradient = [Double](repeating: 0, count: policy.parameterVector.count)
            kl = 0; clipped = 0; judged = 0
            for (g, group) in groups.enumerated() {
                for (c, candidate) in group.candidates.enumerated() {
                    let now = epoch == 0 ? old[g][c] : policy.blockLogProbabilities(of: candidate, in: group.prepared)
                    let nowOptions = epoch == 0 ? oldOptions[g][c] : optionLogProbabilities(policy, candidate, group.prepared)
                    var weights = [Double](repeating: 0, count: blocks.count)
                    var optionWeights = blocks.indices.map { b in [Double](repeating: 0, count: b < nowOptions.count ? nowOptions[b].count : 0) }
                    for b in blocks.indices {
                        guard !optionWeights[b].isEmpty else {
                            let t = term(now: now[b], old: old[g][c][b], reference: reference[g][c][b], advantage: advantages[g][c][b])
                            weights[b] = t.weight
                            kl += t.kl; judged += 1; clipped += t.clipped ? 1 : 0
                            continue
                        }
                        // A list block: each decision has the list's advantage plus its item's,
                        // clipped on the decision's own ratio, and its own KL term.
                        let items = itemAdvantages[g].isEmpty ? [:] : itemAdvantages[g][c][b]
                        let list = settings.listCredit == .items && !items.isEmpty ? 0 : advantages[g][c][b]
                        for i in optionWeights[b].indices {
                            let a = list + (items[i] ?? 0)
                            let t = term(now: nowOptions[b][i], old: oldOptions[g][c][b][i], reference: referenceOptions[g][c][b][i], advantage: a)
                            optionWeights[b][i] = t.weight
                            kl += t.kl
                            if a != 0 { judged += 1; clipped += t.clipped ? 1 : 0 }
                        }
                    }
                    if weights.contains(where: { $0 != 0 }) {
                        let score = policy.gradient(of: candidate, in: group.prepared)
                        for (b, block) in blocks.enumerated() where weights[b] != 0 {
                            for k in block.range { gradient[k] += weights[b] * score[k] / terms }
                        }
                    }
                    if optionWeights.contains(where: { $0.contains { $0 != 0 } }) {
                        let score = policy.optionGradient(of: candidate, in: group.prepared, weights: optionWeights)
                        for k in score.indices where score[k] != 0 { gradient[k] += score[k] / terms }
                    }
                }
            }
            norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var parameters = policy.parameterVector
            adam.ascend(&parameters, along: gradient)
            policy = policy.with(parameterVector: parameters)
        }
        let count = terms * Double(max(1, blocks.count))
        return StepReport(kl: kl / count, clipped: Double(clipped) / Double(max(1, judged)), gradientNorm: norm)
    }

    /// One term of the objective, for a block's or a decision's log-probability now, when sampled
    /// and under the reference: its weight on the gradient of that log-probability (the clipped
    /// surrogate's ρA, or 0 once the ratio has moved past 1 ± ε in the advantage's direction,
    /// minus the KL penalty's derivative), its k3 KL estimate, and whether it was clipped.
    private func term(now: Double, old: Double, reference: Double, advantage a: Double) -> (weight: Double, kl: Double, clipped: Bool) {
        let ratio = exp(now - old)
        let clipped = (a > 0 && ratio > 1 + settings.clip) || (a < 0 && ratio < 1 - settings.clip)
        let d = reference - now
        return ((clipped ? 0 : ratio * a) - settings.klWeight * (1 - exp(d)), exp(d) - d - 1, clipped)
    }
}

/// Adam (Kingma & Ba), ascending: per-coordinate step sizes from running moments of the gradient.
struct Adam: Sendable {
    let learningRate: Double
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
    private var m: [Double], v: [Double]
    private var t = 0

    init(count: Int, learningRate: Double) {
        self.learningRate = learningRate
        m = [Double](repeating: 0, count: count)
        v = m
    }

    mutating func ascend(_ x: inout [Double], along g: [Double]) {
        t += 1
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for i in x.indices {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            x[i] += learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
