import Documents

/// Re-scores retrieved passages as answers to a question: a blend of their meaning's closeness
/// to the question (cosine of sentence vectors) and how much of the question's content they
/// cover, each word weighted by its rarity, so a passage naming the rare "Levi's Stadium" counts
/// for more than one sharing the common "game"; a word found elsewhere in the passage's document
/// counts in part. Scores lie in [0, 1].
public struct PassageScorer: Sendable {
    /// The cosine's share of the score; the rest is word coverage.
    public var semanticWeight = 0.55

    public init() {}

    /// A word the passage lacks but its document has counts this much (a name of the question
    /// counts in full) when the word tells documents apart: questions name the document ("the
    /// agreement with Nike") in words its answering clause does not repeat.
    public var documentCredit = 0.5

    /// The share of the question's content, weighted by rarity, that `text` covers (1 when the
    /// question has no content words); words in `documentWords` (those its document mentions
    /// elsewhere) earn `documentCredit`.
    public func coverage(of terms: QuestionTerms, in text: String, rarity: TermRarity, documentWords: Set<String> = []) -> Double {
        let stems = Set(Words.stems(text))
        var covered = 0.0, total = 0.0
        for word in terms.content {
            let w = rarity.weight(word)
            total += w
            let stem = Words.stem(word)
            if stems.contains(stem) || stems.contains(where: { Words.agree($0, stem) }) {
                covered += w
            } else if documentWords.contains(word), rarity.selectsDocuments(word) {
                // A name picks the document ("the Kite Pharma agreement"); once its document
                // has it, the answering clause need not repeat it.
                covered += (terms.names.contains(word) ? 1 : documentCredit) * w
            }
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
