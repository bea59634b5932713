import Documents
import Extraction
import Foundation
import Models
import Schema

/// Test-time adaptive optimisation: tunes an extractor on unlabelled documents. Each step
/// explores (samples candidates for a batch of documents), scores them with the reward mix, and
/// optimises the policy toward the better ones (`GroupRelativeOptimizer`). A share of the
/// documents is held back and decoded before and after, so the run reports whether the tuned
/// policy scores better on documents it did not train on. Gold labels never enter.
public struct TAO<Policy: ExtractorPolicy>: Sendable {
    /// How a run explores and when it stops.
    public struct Settings: Sendable, Equatable, Codable {
        /// Candidates sampled per document and step (the group size).
        public var samples = 8
        /// The most steps; early stopping may end sooner.
        public var steps = 80
        /// Sampling temperature.
        public var temperature = 1.0
        /// Documents per step.
        public var batchSize = 48
        public var seed: UInt64 = 1
        /// The share of documents held back for the before/after evaluation (at least one
        /// document is held back when there are two or more).
        public var heldBack = 0.2
        /// Stop after this many steps without a better mean reward (averaged over a window of
        /// `patience` steps).
        public var patience = 12
        public var optimizer = GroupRelativeOptimizer<Policy>.Settings()

        public init() {}
    }

    /// Progress after one step.
    public struct Step: Sendable, Codable {
        public let step: Int
        public let steps: Int
        /// The mean reward of the step's candidates (sampled before the update).
        public let meanReward: Double
        /// The mean KL estimate to the starting policy.
        public let kl: Double
        public let clipped: Double
    }

    /// What a run produced.
    public struct Result: Sendable {
        public let policy: Policy
        /// The unlabelled scores of the held-back documents under the starting and tuned policy.
        public let before: UnlabelledScore
        public let after: UnlabelledScore
        public let steps: [Step]
        public let stoppedEarly: Bool
        /// Indices into the documents given to `run`.
        public let training: [Int]
        public let heldBack: [Int]
        /// Fields whose starting weights were kept because tuning had silenced them (`keepingFilledFields`).
        public let restored: [FieldFill]

        public init(
            policy: Policy, before: UnlabelledScore, after: UnlabelledScore, steps: [Step], stoppedEarly: Bool,
            training: [Int], heldBack: [Int], restored: [FieldFill] = []
        ) {
            self.policy = policy; self.before = before; self.after = after; self.steps = steps
            self.stoppedEarly = stoppedEarly; self.training = training; self.heldBack = heldBack; self.restored = restored
        }
    }

    /// Builds the reward for a step from the rows the current policy decodes for the training
    /// documents (judges of the set, such as cross-document consistency, need them).
    public typealias RewardFactory = @Sendable (_ rows: [[String: Value]]) -> RewardMix

    public let policy: Policy
    public let settings: Settings
    public let rewards: RewardFactory

    public init(policy: Policy, settings: Settings = Settings(), rewards: @escaping RewardFactory) {
        self.policy = policy; self.settings = settings; self.rewards = rewards
    }

    /// Splits documents into training and held-back indices, by a seeded shuffle.
    public static func split(count: Int, heldBack share: Double, seed: UInt64) -> (training: [Int], heldBack: [Int]) {
        var generator = SeededGenerator(seed: seed ^ 0x5EED_5EED)
        let order = Array(0..<count).shuffled(using: &generator)
        let held = count < 2 || share <= 0 ? 0 : min(count - 1, max(1, Int((Double(count) * share).rounded())))
        return (Array(order[held...]).sorted(), Array(order[..<held]).sorted())
    }

    /// Tunes on the documents (already prepared by `policy.prepare`, in the same order).
    public func run(
        documents: [Document], prepared: [Policy.Prepared],
        onStep: (Step) -> Void = { _ in }
    ) -> Result {
        let (training, heldBack) = Self.split(count: documents.count, heldBack: settings.heldBack, seed: settings.seed)
        let schema = policy.schema
        // The held-back evaluation judges every policy with the starting policy's view of the set.
        let evaluationMix = startingMix(prepared)
        let before = evaluate(policy, heldBack, documents, prepared, evaluationMix)

        var optimizer = GroupRelativeOptimizer(policy: policy, settings: settings.optimizer)
        var order: [Int] = []
        var generator = SeededGenerator(seed: settings.seed)
        var steps: [Step] = []
        var best = -Double.infinity, sinceBest = 0, stoppedEarly = false
        for step in 1...max(1, settings.steps) {
            let current = optimizer.policy
            let mix = rewards(training.map { current.decode(prepared[$0]).row })
            var batch: [Int] = []
            while batch.count < min(settings.batchSize, training.count) {
                if order.isEmpty { order = training.shuffled(using: &generator) }
                batch.append(order.removeLast())
            }
            var groups: [CandidateGroup<Policy.Prepared>] = []
            var total = 0.0, count = 0
            for d in batch {
                var sampler = SeededGenerator(seed: settings.seed &+ UInt64(step) &* 1_000_003 &+ UInt64(d))
                let candidates = current.sample(prepared[d], count: settings.samples, temperature: settings.temperature, using: &sampler)
                let blocks = current.parameterBlocks
                var rewards: [[Double]] = [], optionRewards: [[[Int: Double]]] = []
                for c in candidates.indices {
                    let context = RewardContext(
                        document: documents[d], schema: schema, candidate: candidates[c],
                        siblings: candidates.indices.filter { $0 != c }.map { candidates[$0] })
                    let scored = mix.score(context)
                    total += scored.value; count += 1
                    rewards.append(mix.blockRewards(scored, blocks: blocks))
                    optionRewards.append(mix.optionRewards(scored, of: candidates[c], schema: schema, blocks: blocks))
                }
                groups.append(CandidateGroup(prepared: prepared[d], candidates: candidates, rewards: rewards, optionRewards: optionRewards))
            }
            let report = optimizer.step(groups)
            let record = Step(step: step, steps: settings.steps, meanReward: total / Double(max(1, count)), kl: report.kl, clipped: report.clipped)
            steps.append(record)
            onStep(record)
            // Early stopping on the windowed mean reward.
            let window = steps.suffix(max(1, settings.patience / 2)).map(\.meanReward)
            let smoothed = window.reduce(0, +) / Double(window.count)
            if smoothed > best + 1e-4 { best = smoothed; sinceBest = 0 } else { sinceBest += 1 }
            if sinceBest >= settings.patience, step < settings.steps { stoppedEarly = true; break }
        }
        let (tuned, restored) = keepingFilledFields(optimizer.policy, on: heldBack.isEmpty ? training : heldBack, prepared: prepared)
        let after = evaluate(tuned, heldBack, documents, prepared, evaluationMix)
        return Result(
            policy: tuned, before: before, after: after, steps: steps, stoppedEarly: stoppedEarly,
            training: training, heldBack: heldBack, restored: restored)
    }

    /// The tuned policy, with the starting parameters of every field it silenced put back: a
    /// field the starting policy fills in at least two documents that the tuned one fills in less
    /// than half as often. Without labels nothing says the field is
    /// absent, and an empty answer is the one no judge can fault (a reward hack, seen on lists of
    /// parties; and on a field most documents lack, such as an NDA's term, where the samples'
    /// majority is null in most documents and tuning toward it empties the field everywhere), so
    /// tuning is not trusted to silence a field.
    func keepingFilledFields(_ tuned: Policy, on indices: [Int], prepared: [Policy.Prepared]) -> (Policy, [FieldFill]) {
        guard !indices.isEmpty else { return (tuned, []) }
        func fills(_ p: Policy) -> [String: Int] {
            var counts: [String: Int] = [:]
            for d in indices {
                for (field, value) in p.decode(prepared[d]).row where !value.isEmptyValue { counts[field, default: 0] += 1 }
            }
            return counts
        }
        let start = fills(policy), now = fills(tuned)
        var vector = tuned.parameterVector
        let base = policy.parameterVector
        var restored: [FieldFill] = []
        for block in tuned.parameterBlocks {
            guard let field = block.field, let before = start[field], before >= 2, 2 * (now[field] ?? 0) < before else { continue }
            vector.replaceSubrange(block.range, with: base[block.range])
            restored.append(FieldFill(field: field, documents: indices.count, before: before, after: now[field] ?? 0))
        }
        return (restored.isEmpty ? tuned : tuned.with(parameterVector: vector), restored)
    }

    /// How well each judge of the reward separates right values from wrong ones among `policy`'s
    /// samples for the documents at `indices` that have gold rows (for a report; gold never enters
    /// tuning), judged by `mix` (`startingMix`).
    public func separation(
        of policy: Policy, _ indices: [Int], _ documents: [Document], _ prepared: [Policy.Prepared],
        mix: RewardMix, gold: (Int) -> [String: Value]?
    ) -> [JudgeSeparation] {
        let samples = indices.compactMap { d -> JudgeSeparation.Sample? in
            guard let row = gold(d) else { return nil }
            var sampler = SeededGenerator(seed: settings.seed &+ UInt64(d) &* 7_919)
            let candidates = policy.sample(prepared[d], count: settings.samples, temperature: settings.temperature, using: &sampler)
            return JudgeSeparation.Sample(document: documents[d], candidates: candidates, gold: row)
        }
        return JudgeSeparation.measure(mix: mix, schema: policy.schema, samples: samples)
    }

    /// The judges (`judges`, else the reward's) seeing the set as the starting policy decodes the
    /// training documents: what the held-back evaluation judges every policy with.
    public func startingMix(_ prepared: [Policy.Prepared], judges: RewardFactory? = nil) -> RewardMix {
        let training = Self.split(count: prepared.count, heldBack: settings.heldBack, seed: settings.seed).training
        return (judges ?? rewards)(training.map { policy.decode(prepared[$0]).row })
    }

    /// The decoded rows' mean reward on some documents (the consistency judge comparing each
    /// decoded row with samples of the same policy), and each judge's mean.
    public func evaluate(
        _ policy: Policy, _ indices: [Int], _ documents: [Document], _ prepared: [Policy.Prepared],
        _ mix: RewardMix
    ) -> UnlabelledScore {
        var total = 0.0, valid = 0
        var judges: [String: Double] = [:], judged: [String: Int] = [:]
        for d in indices {
            var sampler = SeededGenerator(seed: settings.seed &+ UInt64(d) &* 7_919)
            let decoded = policy.decode(prepared[d])
            let siblings = policy.sample(prepared[d], count: settings.samples, temperature: settings.temperature, using: &sampler)
            let scored = mix.score(RewardContext(document: documents[d], schema: policy.schema, candidate: decoded, siblings: siblings))
            total += scored.value
            if scored.verdicts["validity"].map({ $0.value >= 1 }) ?? true { valid += 1 }
            // A judge's mean is over the documents it judged (it abstains where it judged no field).
            for (name, verdict) in scored.verdicts where !verdict.fields.isEmpty {
                judges[name, default: 0] += verdict.value
                judged[name, default: 0] += 1
            }
        }
        let n = Double(max(1, indices.count))
        return UnlabelledScore(
            documents: indices.count, meanReward: total / n, validRows: Double(valid) / n,
            judges: Dictionary(uniqueKeysWithValues: judges.map { ($0.key, $0.value / Double(judged[$0.key] ?? 1)) }))
    }
}

/// How many of some documents a field was filled in before and after tuning.
public struct FieldFill: Sendable, Equatable, Codable {
    public let field: String
    public let documents: Int
    public let before: Int
    public let after: Int
}

/// How a policy's decoded rows score without labels: the mean mixed reward, the share of rows
/// that pass every schema check, and each judge's mean.
public struct UnlabelledScore: Sendable, Equatable, Codable {
    public let documents: Int
    public let meanReward: Double
    public let validRows: Double
    public let judges: [String: Double]

    /// Worse than another score on the unlabelled metrics: a lower mean reward or fewer valid rows
    /// (beyond rounding).
    public func isWorse(than other: UnlabelledScore) -> Bool {
        meanReward < other.meanReward - 1e-9 || validRows < other.validRows - 1e-9
    }
}
