import Documents
import Extraction
import Schema

@testable import Tuning

/// Small hand-made documents and the helpers the judges' tests share.
enum Fixture {
    /// A candidate of `document` whose values have evidence at the first occurrence of each quote
    /// (after `after`, when given).
    static func candidate(
        _ row: [String: Value], evidence quotes: [(field: String, quote: String, after: String?)] = [],
        in document: Document
    ) -> Candidate {
        var evidence: [Evidence] = []
        var indices: [String: Int] = [:]
        for (field, quote, after) in quotes {
            guard let page = document.pages.first(where: { $0.text.contains(quote) }) else { continue }
            let text = page.text
            let from = after.flatMap { text.range(of: $0)?.upperBound } ?? text.startIndex
            guard let range = text.range(of: quote, range: from..<text.endIndex) else { continue }
            let start = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.lowerBound)
            let index = indices[field, default: 0]
            indices[field] = index + 1
            evidence.append(
                Evidence(
                    field: field, valueIndex: index, location: Location(page: page.number, start: start, end: start + quote.unicodeScalars.count),
                    quote: quote))
        }
        return Candidate(row: row, evidence: evidence, logProbability: 0, decisions: [])
    }

    static func context(_ document: Document, _ schema: Schema, _ candidate: Candidate, siblings: [Candidate] = []) -> RewardContext {
        RewardContext(document: document, schema: schema, candidate: candidate, siblings: siblings)
    }
}
