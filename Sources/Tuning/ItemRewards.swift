import Extraction
import Schema

extension RewardMix {
    /// Per list field, the mixed score of each item of the candidate's list: the weighted mean over
    /// the judges that judged the field's items one by one (`RewardScore.items`). A judge that
    /// judged some items of the field but not this one (a judge that embeds text looks at a spread
    /// of a long list) counts with its field score, its estimate for an item it did not look at,
    /// so that which items it happened to skip does not favour them. Judges that judge lists only
    /// as a whole abstain.
    public func itemScores(_ scored: (value: Double, verdicts: [String: RewardScore])) -> [String: [Int: Double]] {
        // Only weighted judges count: an observer's verdicts (weight 0) must not decide which items are scored.
        let counted = parts.filter { $0.weight > 0 }.compactMap { scored.verdicts[$0.reward.name] }
        var fields = Set<String>()
        for verdict in counted { fields.formUnion(verdict.items.keys) }
        var result: [String: [Int: Double]] = [:]
        for field in fields {
            var indices = Set<Int>()
            for verdict in counted { if let items = verdict.items[field] { indices.formUnion(items.keys) } }
            var scores: [Int: Double] = [:]
            for index in indices {
                var total = 0.0, weights = 0.0
                for (reward, weight) in parts {
                    guard let verdict = scored.verdicts[reward.name], let items = verdict.items[field],
                        let score = items[index] ?? verdict.fields[field]
                    else { continue }
                    total += weight * score
                    weights += weight
                }
                if weights > 0 { scores[index] = total / weights }
            }
            result[field] = scores
        }
        return result
    }

    /// The item scores of a candidate as rewards of its decisions, per parameter block: for a block
    /// that governs a list field, each option the candidate included gets the score of the list
    /// item its value became (`Candidate.decisionItems`: options with equal values share an item
    /// and its score). Empty for other blocks, and for a candidate whose extractor does not map its
    /// decisions to items.
    public func optionRewards(
        _ scored: (value: Double, verdicts: [String: RewardScore]), of candidate: Candidate,
        schema: Schema, blocks: [ParameterBlock]
    ) -> [[Int: Double]] {
        let items = itemScores(scored)
        return blocks.map { block in
            guard let field = block.field, let scores = items[field],
                let f = schema.fields.firstIndex(where: { $0.name == field }),
                f < candidate.decisions.count, f < candidate.decisionItems.count,
                candidate.decisions[f].count == candidate.decisionItems[f].count
            else { return [:] }
            var result: [Int: Double] = [:]
            for (option, item) in zip(candidate.decisions[f], candidate.decisionItems[f]) {
                if let score = scores[item] { result[option] = score }
            }
            return result
        }
    }
}
