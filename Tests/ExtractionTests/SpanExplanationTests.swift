import Documents
import Foundation
import Schema
import Testing

@testable import Extraction

/// `SpanExtractor.explain`: the reasoning shown to a user must be the extractor's own.
@Suite struct SpanExplanationTests {
    let extractor = SpanExtractor(schema: SpanExtractorTests.schema, embedder: HashingEmbedder())

    @Test func theExplanationAgreesWithTheDecodedAnswer() throws {
        let prepared = extractor.prepare(SpanExtractorTests.document)
        let decoded = extractor.decode(prepared)
        let explanations = extractor.explain(prepared, limit: 1000)
        #expect(explanations.map(\.field) == SpanExtractorTests.schema.fields.map(\.name))
        let pages = SpanExtractorTests.document.pages
        for (f, e) in explanations.enumerated() {
            #expect(e.answer == "\(decoded.row[e.field] ?? .null)", "\(e.field)")
            #expect(e.options.filter(\.chosen).count == decoded.decisions[f].count, "\(e.field)")
            #expect(e.options.map(\.score) == e.options.map(\.score).sorted(by: >), "best first")
            // Each decoded value's evidence carries its value's probability as its confidence.
            // (A table's rows carry their confidence on every cell's evidence: `items[0].amount`.)
            for option in e.options where option.chosen && SpanExtractorTests.schema.fields[f].scalarType != nil {
                let evidence = decoded.evidence.first { $0.field == e.field && $0.quote == option.quote && $0.location == option.location }
                #expect(evidence?.confidence == option.probability, "\(e.field): \(option.value)")
            }
            if !e.multiple, let null = e.nullProbability {
                // Null and every value share one softmax (an option has its value's probability).
                let values = Dictionary(e.options.map { ($0.value, $0.probability) }, uniquingKeysWith: { a, _ in a })
                #expect(abs(null + values.values.reduce(0, +) - 1) < 1e-9, "\(e.field)")
            }
            if decoded.decisions[f].isEmpty {
                #expect(e.reason.hasPrefix("null"), "\(e.field): \(e.reason)")
            } else {
                #expect(e.reason.hasPrefix("chosen"), "\(e.field): \(e.reason)")
            }
            for o in e.options where !o.quote.isEmpty && !e.multiple {
                let page = try #require(pages.first { $0.number == o.location.page })
                let text = Array(page.text.unicodeScalars)
                #expect(String(String.UnicodeScalarView(text[o.location.start..<o.location.end])) == o.quote)
            }
            for o in e.options {
                #expect(o.contributions.map { abs($0.effect) } == o.contributions.map { abs($0.effect) }.sorted(by: >))
                #expect(o.contributions.count <= 3)
            }
        }
    }

    @Test func aLimitShowsTheBestOptionsAndEveryChosenOne() throws {
        let prepared = extractor.prepare(SpanExtractorTests.document)
        for e in extractor.explain(prepared, limit: 1) {
            #expect(e.options.count <= max(1, e.options.filter(\.chosen).count + 1))
            #expect(e.candidates >= e.options.count)
        }
    }

    @Test func nullIsExplained() {
        // Every option below its null score: the reason says by how much the best fell short.
        let why = SpanExtractor.reason(multiple: false, scores: [1.0, 0.5], null: 2.0, chosen: [])
        #expect(why == "null: no candidate scored above the null score (the best fell 1.00 short)")
        let taken = SpanExtractor.reason(multiple: false, scores: [3.0], null: 2.0, chosen: [])
        #expect(taken.contains("another field took"))
        let second = SpanExtractor.reason(multiple: false, scores: [3.0, 2.5], null: 2.0, chosen: [1])
        #expect(second == "chosen: the best candidate no other field took (1 better ones were), 0.50 above the null score")
    }
}
