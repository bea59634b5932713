import Foundation
import QuarryTestSupport
import Tensors
import Testing

@testable import Models

@Suite struct EncoderTests {
    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x * x); nb += Double(y * y) }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func vectorsMatchSentenceTransformers() throws {
        let encoder = try #require(TestModels.encoder)
        let golden = try Golden.load("encoder", as: Golden.EncoderFile.self)
        #expect(golden.cases.count >= 50)
        #expect(golden.max_seq_length == encoder.maxTokens)
        let vectors = encoder.encode(golden.cases.map(\.text), batchSize: 16)
        var worst = 1.0
        for (i, c) in golden.cases.enumerated() {
            #expect(encoder.tokenizer.encode(c.text, maxLength: encoder.maxTokens) == c.ids, "\(c.text.prefix(60))")
            let similarity = cosine(vectors.row(i), c.vector)
            worst = min(worst, similarity)
            #expect(similarity >= 0.9999, "\(c.text.prefix(60)): cosine \(similarity)")
        }
        print("encoder: worst cosine against sentence-transformers over \(golden.cases.count) texts: \(worst)")
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func batchingAndOrderDoNotChangeVectors() throws {
        let encoder = try #require(TestModels.encoder)
        let texts = ["short", "a somewhat longer sentence about invoices and totals", "", "Governing law: Delaware."]
        let together = encoder.encode(texts, batchSize: 8)
        for (i, text) in texts.enumerated() {
            let alone = encoder.encode([text], batchSize: 1).row(0)
            #expect(cosine(alone, together.row(i)) > 0.99999)
            #expect(abs(cosine(alone, alone) - 1) < 1e-5)
        }
        #expect(encoder.encode([]).rows == 0)
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func longTextsAreTruncatedToTheModelLength() throws {
        let encoder = try #require(TestModels.encoder)
        let long = String(repeating: "confidential information ", count: 300)
        #expect(encoder.tokenCount(long) == 600)
        #expect(encoder.tokenizer.encode(long, maxLength: encoder.maxTokens).count == encoder.maxTokens)
        #expect(encoder.encode([long]).rows == 1)
    }
}
