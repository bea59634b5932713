import Documents
import Extraction
import Foundation
import Models
import Schema
import Testing

@testable import Tuning

/// The GRPO step on the bandit policy, whose right answer and probabilities are known exactly:
/// group-relative advantages per block, the direction of the update, per-block credit, the KL
/// penalty and clipping; and the span extractor's blocks, which the per-block credit relies on.
@Suite struct GroupRelativeOptimizerTests {
    typealias Optimizer = GroupRelativeOptimizer<Bandit>

    /// Field `a` rewards `a2`; field `b` scores the same whatever is chosen.
    static let preference = RewardMix([(PreferenceReward(preferred: ["a": "a2"]), 1)])
    static let document = BanditDocuments.make(1)[0]

    /// `count` candidates the policy samples for a document, with their per-block rewards.
    static func group(
        _ policy: Bandit, _ prepared: Bandit.Prepared, count: Int = 8, seed: UInt64,
        mix: RewardMix = preference
    ) -> CandidateGroup<Bandit.Prepared> {
        var generator = SeededGenerator(seed: seed)
        let candidates = policy.sample(prepared, count: count, temperature: 1, using: &generator)
        let rewards = candidates.map { c in
            mix.blockRewards(mix.score(RewardContext(document: document, schema: policy.schema, candidate: c)), blocks: policy.parameterBlocks)
        }
        return CandidateGroup(prepared: prepared, candidates: candidates, rewards: rewards)
    }

    /// Runs `steps` steps, each on two documents (two rotations of the options).
    static func train(_ settings: Optimizer.Settings, steps: Int, start: Bandit = Bandit()) -> (Optimizer, [Optimizer.StepReport]) {
        var optimizer = Optimizer(policy: start, settings: settings)
        var reports: [Optimizer.StepReport] = []
        for step in 0..<steps {
            let policy = optimizer.policy
            let groups = (0..<2).map { d in group(policy, policy.prepared(rotation: d), seed: UInt64(step * 2 + d + 1)) }
            reports.append(optimizer.step(groups))
        }
        return (optimizer, reports)
    }

    static func settings(learningRate: Double = 0.1, klWeight: Double = 0, clip: Double = 0.2, epochs: Int = 1) -> Optimizer.Settings {
        var s = Optimizer.Settings()
        s.learningRate = learningRate; s.klWeight = klWeight; s.clip = clip; s.epochs = epochs
        return s
    }

    // MARK: the test policy itself

    @Test func theBanditsGradientIsExact() {
        let policy = Bandit(weights: [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.0])
        let prepared = policy.prepared(rotation: 1)
        var generator = SeededGenerator(seed: 3)
        for candidate in policy.sample(prepared, count: 5, temperature: 1, using: &generator) {
            let g = policy.gradient(of: candidate, in: prepared)
            for k in policy.weights.indices {
                var up = policy.weights, down = policy.weights
                up[k] += 1e-5; down[k] -= 1e-5
                let numeric =
                    (policy.with(parameterVector: up).logProbability(of: candidate, in: prepared)
                        - policy.with(parameterVector: down).logProbability(of: candidate, in: prepared)) / 2e-5
                #expect(abs(numeric - g[k]) < 1e-6, "coordinate \(k): \(numeric) vs \(g[k])")
            }
        }
    }

    // MARK: advantages

    @Test func advantagesAreStandardScoresPerBlockAndZeroForAConstantGroup() {
        let rewards: [[Double]] = [[1, 0.5, 0.2], [0, 0.5, 0.4], [1, 0.5, 0.6], [0, 0.5, 0.8]]
        let a = Optimizer.advantages(rewards)
        #expect(a.count == 4 && a.allSatisfy { $0.count == 3 })
        #expect(a.map { $0[0] } == [1, -1, 1, -1])
        #expect(a.map { $0[1] } == [0, 0, 0, 0], "a block whose rewards are all equal teaches nothing")
        let third = a.map { $0[2] }
        let mean = third.reduce(0, +) / 4
        let variance = third.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4
        #expect(abs(mean) < 1e-12 && abs(variance - 1) < 1e-9, "mean \(mean), variance \(variance)")
        #expect(third[0] < third[1] && third[1] < third[2] && third[2] < third[3], "the order of the rewards is kept")
        // Scale and shift do not matter: only the rank within the group does.
        let shifted = Optimizer.advantages(rewards.map { $0.map { 10 * $0 + 3 } })
        for (x, y) in zip(a.joined(), shifted.joined()) { #expect(abs(x - y) < 1e-9) }
        #expect(Optimizer.advantages([]).isEmpty)
        #expect(Optimizer.advantages([[0.7, 0.1]]) == [[0, 0]], "a group of one has nothing to compare")
    }

    @Test func blockRewardsCreditEachFieldWithItsOwnScore() {
        let policy = Bandit()
        let candidate = policy.candidate([[2], [0]], policy.prepared())
        let scored = Self.preference.score(RewardContext(document: Self.document, schema: policy.schema, candidate: candidate))
        #expect(Self.preference.blockRewards(scored, blocks: policy.parameterBlocks) == [1, 0.5])
        // A block governing the whole answer gets the mixed score.
        #expect(Self.preference.blockRewards(scored, blocks: [ParameterBlock(range: 0..<7, field: nil)]) == [0.75])
    }

    // MARK: the step

    @Test func stepsMoveTowardTheRewardedOptionAndLeaveAFieldWithConstantRewardsAlone() {
        let start = Bandit()
        let prepared = start.prepared(rotation: 3)
        #expect(abs(start.probability(of: "a2", field: 0, in: prepared) - 0.25) < 1e-12)
        #expect(start.decode(prepared).row["a"] != .string("a2"), "the test needs a start that does not already pick a2")
        let (optimizer, reports) = Self.train(Self.settings(), steps: 25)
        let tuned = optimizer.policy
        let p = tuned.probability(of: "a2", field: 0, in: prepared)
        #expect(p > 0.6, "p(a2) rose only to \(p)")
        #expect(tuned.decode(prepared).row["a"] == .string("a2"))
        for other in ["a0", "a1", "a3"] { #expect(tuned.probability(of: other, field: 0, in: prepared) < 0.25, "\(other)") }
        // Field b's rewards never differ within a group: its block must not move at all.
        let b = tuned.parameterBlocks[1].range
        #expect(Array(tuned.weights[b]) == Array(start.weights[b]), "b moved: \(tuned.weights[b])")
        #expect(abs(tuned.probability(of: "b1", field: 1, in: prepared) - 1.0 / 3) < 1e-12)
        #expect(reports.allSatisfy { $0.gradientNorm.isFinite && $0.kl.isFinite && $0.kl >= 0 })
    }

    @Test func aRewardThatPrefersAnotherOptionMovesTheOtherWay() {
        // The same steps with the preference on a0: the policy must follow the reward, not the samples.
        let mix = RewardMix([(PreferenceReward(preferred: ["a": "a0", "b": "b2"]), 1)])
        var optimizer = Optimizer(policy: Bandit(), settings: Self.settings())
        for step in 0..<25 {
            let policy = optimizer.policy
            optimizer.step([Self.group(policy, policy.prepared(), seed: UInt64(step + 1), mix: mix)])
        }
        let decoded = optimizer.policy.decode(optimizer.policy.prepared(rotation: 2))
        #expect(decoded.row["a"] == .string("a0") && decoded.row["b"] == .string("b2"), "\(decoded.row)")
    }

    @Test func aLargeKLWeightKeepsThePolicyNearItsStart() {
        let prepared = Bandit().prepared()
        func moved(_ klWeight: Double) -> (kl: Double, p: Double, report: Double) {
            let (optimizer, reports) = Self.train(Self.settings(klWeight: klWeight, epochs: 2), steps: 30)
            // KL(π‖π_ref) of field a, exactly.
            let now = optimizer.policy.logProbabilities(prepared, 0), reference = optimizer.reference.logProbabilities(prepared, 0)
            let kl = zip(now, reference).reduce(0) { $0 + exp($1.0) * ($1.0 - $1.1) }
            return (kl, optimizer.policy.probability(of: "a2", field: 0, in: prepared), reports.last!.kl)
        }
        let free = moved(0), held = moved(5)
        #expect(free.kl > 0.3, "without a penalty the policy should move far: KL \(free.kl)")
        #expect(held.kl < free.kl / 4, "KL with β = 5: \(held.kl), with β = 0: \(free.kl)")
        #expect(held.p < free.p && held.p > 0.25, "p(a2) with β = 5: \(held.p), with β = 0: \(free.p)")
        #expect(held.report < free.report, "the reported KL estimate follows: \(held.report) vs \(free.report)")
    }

    @Test func theFirstEpochHasNoKLAndNoClipping() {
        // Before any update the policy is its reference and every ratio is 1.
        var optimizer = Optimizer(policy: Bandit(), settings: Self.settings(learningRate: 5, epochs: 1))
        let report = optimizer.step([Self.group(Bandit(), Bandit().prepared(), seed: 1)])
        #expect(report.kl == 0 && report.clipped == 0 && report.gradientNorm > 0)
    }

    @Test func clippingBoundsHowFarOneBatchMovesThePolicy() {
        let start = Bandit()
        let prepared = start.prepared()
        let groups = [Self.group(start, prepared, count: 16, seed: 11)]
        let positive = groups[0].candidates.indices.filter { Optimizer.advantages(groups[0].rewards)[$0][0] > 0 }
        #expect(!positive.isEmpty)
        /// The largest probability ratio of field a's decisions after one step, and the share clipped.
        func step(clip: Double, epochs: Int, learningRate: Double) -> (ratio: Double, clipped: Double) {
            var optimizer = Optimizer(policy: start, settings: Self.settings(learningRate: learningRate, clip: clip, epochs: epochs))
            let report = optimizer.step(groups)
            let ratio = positive.map { c in
                exp(
                    optimizer.policy.blockLogProbabilities(of: groups[0].candidates[c], in: prepared)[0]
                        - start.blockLogProbabilities(of: groups[0].candidates[c], in: prepared)[0])
            }.max()!
            return (ratio, report.clipped)
        }
        let clipped = step(clip: 0.2, epochs: 6, learningRate: 0.5)
        let unclipped = step(clip: .infinity, epochs: 6, learningRate: 0.5)
        #expect(clipped.clipped > 0, "large steps over several epochs must push ratios past 1 ± ε")
        #expect(unclipped.clipped == 0)
        #expect(clipped.ratio < unclipped.ratio, "clipped ratio \(clipped.ratio), unclipped \(unclipped.ratio)")
        #expect(unclipped.ratio > 2, "the test needs steps large enough to overshoot: \(unclipped.ratio)")
        // A small step stays inside 1 ± ε, and one epoch never clips (its ratios are all 1).
        #expect(step(clip: 0.2, epochs: 6, learningRate: 0.001).clipped == 0)
        #expect(step(clip: 0.2, epochs: 1, learningRate: 5).clipped == 0)
    }

    // MARK: the span extractor's blocks

    static let invoiceSchema = try! Schema.parse(
        """
        {"type": "object", "properties": {
          "invoice_number": {"type": "string", "description": "The invoice number."},
          "invoice_date": {"type": "string", "format": "date", "description": "The date of the invoice."},
          "total": {"type": "number", "description": "The total amount due."},
          "parties": {"type": "array", "items": {"type": "string"}, "description": "The companies named."},
          "items": {"type": "array", "items": {"type": "object", "properties": {
            "description": {"type": "string", "description": "What was sold."},
            "amount": {"type": "number", "description": "The line total."}}}}}}
        """)
    static let invoice = Document(
        kind: .text,
        pages: [
            Page(
                number: 1,
                text: """
                    ACME TRADING LTD                 INVOICE
                    Invoice No: INV-2024-0042
                    Invoice Date: 14 March 2024
                    Bill to: Northwind Supplies Inc.

                    Description      Amount
                    Widgets          50.00
                    Gadget covers    10.00
                    Total due                   60.00
                    """)
        ])

    @Test func spanExtractorBlocksTileItsParametersAndTheirLogProbabilitiesSumToTheWhole() {
        let extractor = SpanExtractor(schema: Self.invoiceSchema, embedder: HashingEmbedder())
        let blocks = extractor.parameterBlocks
        let count = extractor.parameterVector.count
        #expect(blocks.map(\.field) == Self.invoiceSchema.fields.map(\.name))
        #expect(blocks.first?.range.lowerBound == 0 && blocks.last?.range.upperBound == count)
        for (x, y) in zip(blocks, blocks.dropFirst()) { #expect(x.range.upperBound == y.range.lowerBound) }
        #expect(blocks.allSatisfy { !$0.range.isEmpty })

        let prepared = extractor.prepare(Self.invoice)
        #expect(prepared.optionCounts.allSatisfy { $0 > 0 }, "\(prepared.optionCounts)")
        var generator = SeededGenerator(seed: 5)
        let candidates = [extractor.decode(prepared)] + extractor.sample(prepared, count: 12, temperature: 1.5, using: &generator)
        for candidate in candidates {
            let parts = extractor.blockLogProbabilities(of: candidate, in: prepared)
            #expect(parts.count == blocks.count)
            #expect(parts.allSatisfy { $0 <= 1e-12 })
            #expect(abs(parts.reduce(0, +) - extractor.logProbability(of: candidate, in: prepared)) < 1e-9)
            #expect(abs(candidate.logProbability - extractor.logProbability(of: candidate, in: prepared)) < 1e-9)
        }
    }

    @Test func aSpanExtractorBlocksLogProbabilityDependsOnItsOwnParametersAlone() {
        // Per-block credit is only right if block b's decisions depend on block b's parameters
        // alone, and the gradient restricted to b is the derivative of b's log-probability.
        let extractor = SpanExtractor(schema: Self.invoiceSchema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.invoice)
        var generator = SeededGenerator(seed: 9)
        let candidates = extractor.sample(prepared, count: 3, temperature: 2, using: &generator)
        let theta = extractor.parameterVector
        let blocks = extractor.parameterBlocks
        for candidate in candidates {
            let gradient = extractor.gradient(of: candidate, in: prepared)
            let parts = extractor.blockLogProbabilities(of: candidate, in: prepared)
            for (b, block) in blocks.enumerated() {
                // The null score (the block's last parameter) and two weights.
                for k in [block.range.lowerBound, block.range.lowerBound + 1, block.range.upperBound - 1] {
                    var up = theta, down = theta
                    up[k] += 1e-5; down[k] -= 1e-5
                    let upParts = extractor.with(parameterVector: up).blockLogProbabilities(of: candidate, in: prepared)
                    let downParts = extractor.with(parameterVector: down).blockLogProbabilities(of: candidate, in: prepared)
                    let numeric = (upParts[b] - downParts[b]) / 2e-5
                    #expect(abs(numeric - gradient[k]) < 1e-4 * max(1, abs(numeric)), "block \(b) coordinate \(k): \(numeric) vs \(gradient[k])")
                    for other in blocks.indices where other != b {
                        #expect(upParts[other] == parts[other], "block \(other) moved with block \(b)'s parameter \(k)")
                    }
                }
            }
        }
    }
}
