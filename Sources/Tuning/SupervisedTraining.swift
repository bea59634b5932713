import Documents
import Extraction
import Foundation
import Schema

/// Supervised training of the span extractor on labelled documents (`quarry train --gold`), the
/// baseline TAO is compared with: Adam ascends the log-likelihood of each document's gold answer
/// (`SpanExtractor.target(matching:in:)`, chosen once under the starting weights), field by field where some option gives the gold value,
/// with an L2 penalty pulling the weights toward where they started.
public struct SupervisedTraining: Sendable {
    /// Step sizes and the penalty.
    public struct Settings: Sendable, Equatable, Codable {
        /// Full passes over the labelled documents, one Adam step each.
        public var epochs = 150
        public var learningRate = 0.05
        /// The weight of ½‖θ − θ₀‖² per document.
        public var l2 = 0.01

        public init() {}
    }

    public let settings: Settings

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// The trained extractor and the mean log-likelihood of the gold answers at the start of each
    /// epoch (the first is the starting weights').
    public func train(_ policy: SpanExtractor, prepared: [SpanExtractor.Prepared], gold: [[String: Value]]) -> (SpanExtractor, [Double]) {
        let start = policy.parameterVector
        let blocks = policy.parameterBlocks
        var current = policy
        var adam = Adam(count: start.count, learningRate: settings.learningRate)
        var curve: [Double] = []
        let n = Double(max(1, prepared.count))
        // The gold answers are chosen once, under the starting weights (which matching option a
        // field learns when several give the gold value).
        let targets = zip(prepared, gold).map { policy.target(matching: $1, in: $0) }
        for _ in 0..<settings.epochs {
            var gradient = [Double](repeating: 0, count: start.count)
            var likelihood = 0.0
            for (prepared, (target, fields)) in zip(prepared, targets) {
                let score = current.gradient(of: target, in: prepared)
                let parts = current.blockLogProbabilities(of: target, in: prepared)
                for f in fields {
                    likelihood += parts[f]
                    for k in blocks[f].range { gradient[k] += score[k] / n }
                }
            }
            let parameters = current.parameterVector
            for k in gradient.indices { gradient[k] -= settings.l2 * (parameters[k] - start[k]) }
            var next = parameters
            adam.ascend(&next, along: gradient)
            current = current.with(parameterVector: next)
            curve.append(likelihood / n)
        }
        return (current, curve)
    }
}

extension TAO where Policy == SpanExtractor {
    /// Supervised training scored as a TAO run is: the documents are split with the same seed and
    /// share as `run` splits them, the labelled training documents (those `gold` has a row for)
    /// train the policy, and the held-back ones are scored before and after without labels.
    /// Returns the result and the likelihood curve, or nil when no training document is labelled.
    public func trainSupervised(
        documents: [Document], prepared: [SpanExtractor.Prepared],
        gold: (Int) -> [String: Value]?, training: SupervisedTraining.Settings
    )
        -> (result: Result, likelihood: [Double])?
    {
        let split = Self.split(count: documents.count, heldBack: settings.heldBack, seed: settings.seed)
        let labelled = split.training.compactMap { i in gold(i).map { (i, $0) } }
        guard !labelled.isEmpty else { return nil }
        let (trained, curve) = SupervisedTraining(settings: training)
            .train(policy, prepared: labelled.map { prepared[$0.0] }, gold: labelled.map(\.1))
        let mix = rewards(split.training.map { policy.decode(prepared[$0]).row })
        let result = Result(
            policy: trained, before: evaluate(policy, split.heldBack, documents, prepared, mix),
            after: evaluate(trained, split.heldBack, documents, prepared, mix), steps: [],
            stoppedEarly: false, training: labelled.map(\.0), heldBack: split.heldBack)
        return (result, curve)
    }
}
