import Documents

/// Re-scores retrieved passages as answers to a question: a blend of their meaning's closeness
/// to the question (cosine of sentence vectors) and how much of the question's content they
/// cover, each word weighted by its rarity, so a passage naming the rare "Levi's Stadium" counts
/// for more than one sharing the common "game". Scores lie in [0, 1].
public struct PassageScorer: Sendable {
    /// The cosine's share of the score; the rest is word coverage.
    public var semanticWeight = 0.55

    public init() {}

    /// The share of the question's content, weighted by rarity, that `text` covers (1 when the
    /// question has no content words).
    public func coverage(of terms: QuestionTerms, in text: String, rarity: TermRarity) -> Double {
        let stems = Set(Words.stems(text))
        var covered = 0.0, total = 0.0
        for word in terms.content {
            let w = rarity.weight(word)
            total += w
            let stem = Words.stem(word)
            if stems.contains(stem) || stems.contains(where: { Words.agree($0, stem) }) { covered += w }
        }
        return total > 0 ? covered / total : 1
    }

    /// Whether `text` says anything beyond the question: some word of it, other than function
    /// words, that the question does not use. A heading or an identifier that only repeats the
    /// question ("Invoice LC-0042") matches it well and answers nothing.
    public func addsInformation(_ text: String, to terms: QuestionTerms) -> Bool {
        let asked = terms.content.map(Words.stem)
        return Words.split(text).contains { word in
            !QuestionTerms.ignored.contains(word) && !asked.contains { Words.agree($0, Words.stem(word)) }
        }
    }

    /// The blended score of a passage with cosine `similarity` to the question (nil: no encoder,
    /// coverage alone).
    public func score(similarity: Double?, coverage: Double) -> Double {
        guard let similarity else { return coverage }
        return semanticWeight * max(0, min(1, similarity)) + (1 - semanticWeight) * coverage
    }
}
