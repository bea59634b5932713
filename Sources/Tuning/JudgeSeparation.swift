import Documents
import Extraction
import Schema

/// How well a judge tells right values from wrong ones, measured against gold rows for a report
/// (gold never enters tuning): the area under the ROC curve of its scores over the values sampled
/// for each field of each document, each value counted once per document (its score averaged over
/// the samples that gave it). 0.5 is a coin; 1 ranks every right value above every wrong one.
public struct JudgeSeparation: Sendable, Codable, Equatable {
    /// The judge's name, or `mix` for the weighted reward the policy is tuned on.
    public let judge: String
    /// Over every field's values (nil when there are no right or no wrong values).
    public let auc: Double?
    /// Right and wrong values the judge scored.
    public let right: Int
    public let wrong: Int
    /// Per field, where the field has both right and wrong values.
    public let fields: [String: Double]
}

extension JudgeSeparation {
    /// A document's sampled candidates and its gold row.
    public struct Sample: Sendable {
        public let document: Document
        public let candidates: [Candidate]
        public let gold: [String: Value]

        public init(document: Document, candidates: [Candidate], gold: [String: Value]) {
            self.document = document; self.candidates = candidates; self.gold = gold
        }
    }

    /// One value of one field of one document, with whether gold agrees and each judge's scores.
    struct Unit {
        var right: Bool
        var scores: [String: [Double]] = [:]
    }

    /// The separation of each judge of `mix` (and of the mix itself) over samples: per document,
    /// the candidates sampled for it and its gold row. A field's value is a unit; a list's items
    /// are units (right when a gold item equals it), and an empty list or a null is the unit
    /// "nothing" (right when gold has nothing). A judge that did not judge a field abstains.
    public static func measure(
        mix: RewardMix, schema: Schema, samples: [Sample]
    ) -> [JudgeSeparation] {
        var units: [String: [String: Unit]] = [:]  // field → value key (per document) → unit
        for (d, sample) in samples.enumerated() {
            for (c, candidate) in sample.candidates.enumerated() {
                let siblings = sample.candidates.indices.filter { $0 != c }.map { sample.candidates[$0] }
                let scored = mix.score(RewardContext(document: sample.document, schema: schema, candidate: candidate, siblings: siblings))
                let items = mix.itemScores(scored)
                for field in schema.fields where field.scalarType != nil {
                    let gold = FieldProfile.items(sample.gold[field.name] ?? .null)
                    let values = FieldProfile.items(candidate.row[field.name] ?? .null)
                    // The unit "nothing" is index -1.
                    let judged: [(index: Int, value: Value?)] = values.isEmpty ? [(-1, nil)] : values.enumerated().map { ($0.offset, $0.element) }
                    for (index, value) in judged {
                        let key = "\(d)\u{1F}" + (value?.description ?? "∅")
                        var unit =
                            units[field.name]?[key]
                            ?? Unit(right: value.map { v in gold.contains { ValueMatch.pairs([v], [$0]) == 1 } } ?? gold.isEmpty)
                        for (name, verdict) in scored.verdicts {
                            guard let score = (index >= 0 ? verdict.items[field.name]?[index] : nil) ?? verdict.fields[field.name] else { continue }
                            unit.scores[name, default: []].append(score)
                        }
                        if let score = (index >= 0 ? items[field.name]?[index] : nil) ?? mix.fieldScore(scored, field: field.name) {
                            unit.scores["mix", default: []].append(score)
                        }
                        units[field.name, default: [:]][key] = unit
                    }
                }
            }
        }
        let judges = (mix.parts.map(\.reward.name) + ["mix"])
        return judges.map { judge in
            var all: [(score: Double, right: Bool)] = [], fields: [String: Double] = [:]
            for (field, byKey) in units {
                let scored = byKey.values.compactMap { unit in
                    unit.scores[judge].map { (score: $0.reduce(0, +) / Double($0.count), right: unit.right) }
                }
                all += scored
                if let auc = auc(scored) { fields[field] = auc }
            }
            return JudgeSeparation(
                judge: judge, auc: auc(all), right: all.filter(\.right).count, wrong: all.filter { !$0.right }.count, fields: fields)
        }
    }

    /// The area under the ROC curve: the chance that a random right value scores above a random
    /// wrong one, ties counting half (the Mann–Whitney statistic). Nil without both kinds.
    static func auc(_ scored: [(score: Double, right: Bool)]) -> Double? {
        let right = scored.filter(\.right).count, wrong = scored.count - right
        guard right > 0, wrong > 0 else { return nil }
        let sorted = scored.sorted { $0.score < $1.score }
        var rankSum = 0.0, i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1].score == sorted[i].score { j += 1 }
            let rank = Double(i + j) / 2 + 1  // mean 1-based rank of the tie group
            rankSum += rank * Double(sorted[i...j].filter(\.right).count)
            i = j + 1
        }
        return (rankSum - Double(right * (right + 1)) / 2) / Double(right * wrong)
    }
}
