import Extraction
import Foundation

/// The candidates sampled for one document in a tuning step, with their rewards: one row per
/// candidate, one reward per parameter block of the policy (a field's reward for a field's block,
/// the whole candidate's for a block that governs everything).
public struct CandidateGroup<Prepared: Sendable>: Sendable {
    public let prepared: Prepared
    public let candidates: [Candidate]
    /// `rewards[c][b]`: candidate `c`'s reward for block `b`.
    public let rewards: [[Double]]

    public init(prepared: Prepared, candidates: [Candidate], rewards: [[Double]]) {
        self.prepared = prepared; self.candidates = candidates; self.rewards = rewards
    }
}

/// GRPO-style policy optimisation (group-relative advantages, as in DeepSeekMath's GRPO):
/// each candidate's advantage is its reward's standard score within its document's group, per
/// parameter block; the policy ascends the clipped surrogate `min(ρA, clip(ρ, 1±ε)A)` minus a
/// KL penalty to the starting policy (the k3 estimator `e^d − d − 1`, `d = log π_ref − log π`),
/// over a few epochs per batch of samples, with Adam. Deterministic: no randomness of its own.
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

        public init() {}
    }

    /// What one step did.
    public struct StepReport: Sendable {
        /// The mean KL estimate to the starting policy over the step's candidates and blocks.
        public let kl: Double
        /// The share of (candidate, block) terms whose ratio was clipped in the last epoch.
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
        let advantages = groups.map { Self.advantages($0.rewards) }
        let old = groups.map { g in g.candidates.map { policy.blockLogProbabilities(of: $0, in: g.prepared) } }
        let reference = groups.map { g in g.candidates.map { self.reference.blockLogProbabilities(of: $0, in: g.prepared) } }
        let terms = Double(max(1, groups.reduce(0) { $0 + $1.candidates.count }))
        var kl = 0.0, clipped = 0, norm = 0.0
        for epoch in 0..<max(1, settings.epochs) {
            var gradient = [Double](repeating: 0, count: policy.parameterVector.count)
            kl = 0; clipped = 0
            for (g, group) in groups.enumerated() {
                for (c, candidate) in group.candidates.enumerated() {
                    let now = epoch == 0 ? old[g][c] : policy.blockLogProbabilities(of: candidate, in: group.prepared)
                    var weights = [Double](repeating: 0, count: blocks.count)
                    for b in blocks.indices {
                        let ratio = exp(now[b] - old[g][c][b])
                        let a = advantages[g][c][b]
                        // The clipped surrogate's derivative with respect to log π: ρA, or 0 once
                        // the ratio has moved past 1 ± ε in the advantage's direction.
                        let isClipped = (a > 0 && ratio > 1 + settings.clip) || (a < 0 && ratio < 1 - settings.clip)
                        if isClipped { clipped += 1 }
                        let d = reference[g][c][b] - now[b]
                        kl += exp(d) - d - 1
                        weights[b] = (isClipped ? 0 : ratio * a) - settings.klWeight * (1 - exp(d))
                    }
                    guard weights.contains(where: { $0 != 0 }) else { continue }
                    let score = policy.gradient(of: candidate, in: group.prepared)
                    for (b, block) in blocks.enumerated() where weights[b] != 0 {
                        for k in block.range { gradient[k] += weights[b] * score[k] / terms }
                    }
                }
            }
            norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var parameters = policy.parameterVector
            adam.ascend(&parameters, along: gradient)
            policy = policy.with(parameterVector: parameters)
        }
        let count = terms * Double(max(1, blocks.count))
        return StepReport(kl: kl / count, clipped: Double(clipped) / count, gradientNorm: norm)
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
