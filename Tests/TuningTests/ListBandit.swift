import Documents
import Extraction
import Foundation
import Models
import Schema

@testable import Tuning

/// A list policy whose right answers are known: one list field, `names`, whose options are
/// labels, each included on its own with probability `σ(w_label)`. Options can repeat a label (the
/// same name at two places of a document), so that several decisions give one list item, as the
/// span extractor's do. One parameter block; option-level log-probabilities and gradients exact.
struct ListBandit: ExtractorPolicy {
    /// A document's options: the label of each.
    struct Prepared: Sendable { let labels: [String] }

    static let namesSchema = try! Schema.parse(
        """
        {"properties": {"names": {"type": "array", "items": {"type": "string"}, "description": "The names."}}}
        """)
    let schema = ListBandit.namesSchema
    /// The labels the weights are the logits of, one weight each.
    let labels: [String]
    let weights: [Double]

    init(labels: [String], weights: [Double]? = nil) {
        self.labels = labels
        self.weights = weights ?? [Double](repeating: 0, count: labels.count)
    }

    var version: String { "list-bandit" }
    var parameterVector: [Double] { weights }
    func with(parameterVector vector: [Double]) -> ListBandit { ListBandit(labels: labels, weights: vector) }
    var parameterBlocks: [ParameterBlock] { [ParameterBlock(range: 0..<weights.count, field: "names")] }

    /// Every label once, then `repeated` again.
    func prepared(repeating repeated: [String] = []) -> Prepared { Prepared(labels: labels + repeated) }
    func prepare(_ document: Document) -> Prepared { prepared() }

    func weight(_ label: String) -> Double { labels.firstIndex(of: label).map { weights[$0] } ?? 0 }
    /// The probability that an option labelled `label` is included.
    func probability(of label: String) -> Double { 1 / (1 + exp(-weight(label))) }

    func candidate(_ included: [Int], _ prepared: Prepared) -> Candidate {
        var items: [String] = [], decisionItems: [Int] = []
        for i in included {
            let label = prepared.labels[i]
            if let same = items.firstIndex(of: label) { decisionItems.append(same); continue }
            decisionItems.append(items.count)
            items.append(label)
        }
        var c = Candidate(
            row: ["names": .array(items.map { .string($0) })], evidence: [], logProbability: 0,
            decisions: [included], decisionItems: [decisionItems])
        c.logProbability = logProbability(of: c, in: prepared)
        return c
    }

    func decode(_ prepared: Prepared) -> Candidate {
        candidate(prepared.labels.indices.filter { weight(prepared.labels[$0]) > 0 }, prepared)
    }

    func sample(_ prepared: Prepared, count: Int, temperature: Double, using generator: inout SeededGenerator) -> [Candidate] {
        (0..<count).map { _ in
            candidate(prepared.labels.indices.filter { generator.unit() < 1 / (1 + exp(-weight(prepared.labels[$0]) / temperature)) }, prepared)
        }
    }

    func optionLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [[Double]] {
        let included = Set(candidate.decisions[0])
        return [
            prepared.labels.indices.map { i in
                let z = weight(prepared.labels[i])
                return -log1p(exp(included.contains(i) ? -z : z))
            }
        ]
    }

    func blockLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        [optionLogProbabilities(of: candidate, in: prepared)[0].reduce(0, +)]
    }

    func logProbability(of candidate: Candidate, in prepared: Prepared) -> Double {
        blockLogProbabilities(of: candidate, in: prepared)[0]
    }

    func optionGradient(of candidate: Candidate, in prepared: Prepared, weights optionWeights: [[Double]]) -> [Double] {
        var g = [Double](repeating: 0, count: weights.count)
        let included = Set(candidate.decisions[0])
        for (i, label) in prepared.labels.enumerated() where i < optionWeights[0].count {
            guard let k = labels.firstIndex(of: label) else { continue }
            g[k] += optionWeights[0][i] * ((included.contains(i) ? 1 : 0) - probability(of: label))
        }
        return g
    }

    func gradient(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        optionGradient(of: candidate, in: prepared, weights: [[Double](repeating: 1, count: prepared.labels.count)])
    }
}

/// A judge of the bandit's lists that likes some names: each item scores 1 when it is liked,
/// else 0. The list's field score is the mean of its items' (`mean`), or a constant that says
/// nothing about which items were chosen (`constant`, a judge of the list as a whole).
struct LikedNames: Reward {
    let name = "liked"
    let liked: Set<String>
    var constant: Double? = nil

    func score(_ context: RewardContext) -> RewardScore {
        guard case .array(let items) = context.candidate.row["names"] ?? .null, !items.isEmpty else {
            return RewardScore(value: 0.5, fields: ["names": constant ?? 0], explanation: "empty")
        }
        let scores = items.map { item -> Double in if case .string(let s) = item, liked.contains(s) { 1 } else { 0 } }
        let field = constant ?? scores.reduce(0, +) / Double(scores.count)
        return RewardScore(
            value: field, fields: ["names": field],
            items: ["names": Dictionary(uniqueKeysWithValues: scores.enumerated().map { ($0.offset, $0.element) })],
            explanation: "liked")
    }
}
