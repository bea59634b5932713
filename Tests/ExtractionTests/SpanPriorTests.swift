import Documents
import Foundation
import Testing

@testable import Extraction

@Suite struct SpanPriorTests {
    /// The probe vectors of `Benchmarks/prior/fit_prior.py`: `sin(0.37 i + 1.3 case + k)`.
    static func probe(_ c: Int, _ k: Int, _ dimension: Int) -> [Float] {
        (0..<dimension).map { Float(sin(0.37 * Double($0) + 1.3 * Double(c) + Double(k))) }
    }

    @Test func theShippedPriorIsTheOneTheFittingScriptLearnt() throws {
        let prior = SpanPrior.shipped
        #expect(prior.features == Array(SpanFeatures.names.dropLast()))
        #expect(SpanFeatures.names.last == "learned_match")
        #expect(prior.contextNames == ["label", "header", "line", "value"])
        #expect(Set(prior.linear.keys) == ["text", "date", "number", "other"])
        #expect(prior.linear.values.allSatisfy { $0.weights.count == prior.features.count })
        #expect(prior.reference.count == 3)
        // The script's match for three probe fields, recomputed from the matrices as read here:
        // a transposed or misread matrix gives other numbers.
        let projection = PriorProjection(prior)
        for (c, expected) in prior.reference.enumerated() {
            let zq = projection.query.multiplied(by: Self.probe(c, 0, prior.dimension))
            var zc = [Float](repeating: 0, count: prior.rank)
            for k in 0..<4 {
                let z = projection.contexts[k].multiplied(by: Self.probe(c, k + 1, prior.dimension))
                for r in zc.indices { zc[r] += z[r] }
            }
            let match = zip(zq, zc).reduce(0) { $0 + Double($1.0 * $1.1) }
            #expect(abs(match - expected) <= 1e-3 * max(1, abs(expected)), "probe \(c): \(match) vs \(expected)")
        }
    }

    /// A prior of rank 1 over 2-dimensional vectors, small enough to work out by hand.
    static func tinyPrior(encoder: String) throws -> SpanPrior {
        // Uᵀ = [1 2]; V_label = [1 0], V_header = [0 1], V_line = [0 0], V_value = [1 1].
        let matrices: [Float] = [1, 2, 1, 0, 0, 1, 0, 0, 1, 1]
        let data = matrices.withUnsafeBufferPointer { Data(buffer: $0) }
        // It learnt from one field, whose description's vector is [1 0].
        let learnt = [Float(1), 0].withUnsafeBufferPointer { Data(buffer: $0) }
        let linear = #"{"weights": [2], "nullScore": 4}"#
        let hand = #"{"weights": [0], "nullScore": 2}"#
        let json = """
            {"format": "quarry-span-prior/1", "id": "tiny", "features": [], "encoder": "\(encoder)", "dimension": 2, "rank": 1,
             "linear": {"text": \(linear), "date": \(linear), "number": \(linear), "other": \(linear)}, "listOffset": 0,
             "contextNames": ["label", "header", "line", "value"], "matrices": "\(data.base64EncodedString())",
             "provenance": "test", "reference": [],
             "fallback": {"text": \(hand), "date": \(hand), "number": \(hand), "other": \(hand)}, "fallbackListOffset": 1,
             "learntQueries": "\(learnt.base64EncodedString())", "trust": [0.45, 0.65]}
            """
        return try SpanPrior.decode(Data(json.utf8))
    }

    @Test func theMatchIsTheBilinearFormOfTheFieldAndTheCandidatesContext() throws {
        let texts = ["field": 0, "Total": 1, "Amounts": 2, "12.00": 3]
        let vectors: [[Float]] = [[1, 1], [2, 0], [0, 3], [1, -1]]
        let projection = PriorProjection(try Self.tinyPrior(encoder: "tiny"))
        let match = PriorMatch(embedder: "tiny", texts: texts, vectors: vectors, projection: projection).field("field")
        let candidate = Self.candidate(text: "12.00", keyLeft: "Total", keyAbove: "Amounts", line: "no vector for this line")
        // Uᵀq = 1·1 + 2·1 = 3; contexts: label [1 0]·[2 0] = 2, header [0 1]·[0 3] = 3, line none, value [1 1]·[1 −1] = 0.
        #expect(match(candidate) == 3 * (2 + 3 + 0))
        // Vectors of another encoder carry no match.
        let other = PriorMatch(embedder: "another", texts: texts, vectors: vectors, projection: projection).field("field")
        #expect(other(candidate) == 0)
    }

    /// An embedder of fixed vectors by text.
    struct TableEmbedder: TextEmbedder {
        let name: String
        let vectors: [String: [Float]]
        func embed(_ texts: [String]) -> [[Float]] { texts.map { vectors[$0] ?? [0, 0] } }
    }

    @Test func theLearntWeightsAreTrustedAsFarAsTheFieldResemblesOneLearntFrom() throws {
        let prior = try Self.tinyPrior(encoder: "tiny")
        let vectors: [String: [Float]] = ["same": [1, 0], "between": [0.55, 0.835], "unlike": [0, 1]]
        let trust = prior.trust(of: ["same", "between", "unlike"], embedder: TableEmbedder(name: "tiny", vectors: vectors))
        #expect(trust[0] == 1 && trust[2] == 0)
        #expect(abs(trust[1] - 0.5) < 1e-6)  // cosine 0.55: halfway from 0.45 to 0.65
        #expect(prior.trust(of: ["same"], embedder: TableEmbedder(name: "other", vectors: vectors)) == [0])
        // Half trust mixes the learnt and hand-set weights, the null scores and the list offsets; the match weighs 0.5.
        let mixed = prior.weights(for: .text, trust: 0.5)
        #expect(mixed.weights == [1, 0.5] && mixed.nullScore == 3 && mixed.listOffset == 0.5)
    }

    @Test func theZeroShotWeightsAreThePriorsWithTheMatchWeighedOnce() {
        let schema = SpanExtractorTests.schema
        for field in schema.fields where field.scalarType != nil {
            let w = SpanFeatures.prior(for: field)
            #expect(w.weights.count == SpanFeatures.count)
            #expect(w.weights.last == 1)
        }
    }

    static func candidate(text: String, keyLeft: String, keyAbove: String, line: String) -> SpanCandidate {
        SpanCandidate(
            kinds: .amount, page: 0, start: 0, end: text.count, text: text, keyLeft: keyLeft, keyAbove: keyAbove, line: line,
            previous: "", box: nil, documentPosition: 0, pageTop: 0, wordCount: 1, inProse: false, labelLike: false,
            formattedAmount: true, percent: false, commonWords: false, besideNumber: false, relativeHeight: 0)
    }
}
