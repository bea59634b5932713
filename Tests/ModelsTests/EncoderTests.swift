import Foundation
import QuarryTestSupport
import Synchronization
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

    /// A text's vector depends in its last bits on the texts it is encoded with, so how an encode
    /// splits its batch must not depend on what else is running: encodes made while another one is
    /// in flight give the same vectors, bit for bit, as alone. (Each encode used to split by the
    /// BLAS thread count of the moment, which an encode in flight holds at 1.)
    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func anotherEncodeInFlightDoesNotChangeVectors() throws {
        final class Shared: Sendable { let stop = Atomic<Bool>(false), encodes = Atomic<Int>(0) }
        let encoder = try #require(TestModels.encoder)
        // Over two threads these two are encoded apart, over one together: vectors differ slightly.
        let texts = ["Company", "Address of the shop in a long line with many words to make it long"]
        let alone = encoder.encode(texts).values
        let shared = Shared(), finished = DispatchGroup()
        let other = (0..<32).map { "Line \($0) of a delivery note: " + String(repeating: "pallets of cement and sand, ", count: 1 + $0 % 9) }
        finished.enter()
        Thread.detachNewThread {
            // Over two threads of its own: it holds BLAS at one thread while it runs.
            while !shared.stop.load(ordering: .relaxed), shared.encodes.load(ordering: .relaxed) < 500 {
                _ = encoder.encode(other, batchSize: 64, threads: 2)
                shared.encodes.add(1, ordering: .relaxed)
            }
            finished.leave()
        }
        // Encode alongside until the other thread has done a few encodes of its own (at most 2000 times).
        var probes = 0, differing = 0
        repeat {
            if encoder.encode(texts).values != alone { differing += 1 }
            probes += 1
        } while probes < 2000 && (probes < 20 || shared.encodes.load(ordering: .relaxed) < 3)
        shared.stop.store(true, ordering: .relaxed)
        finished.wait()
        #expect(differing == 0, "\(differing) of \(probes) encodes alongside another gave other vectors")
        #expect(encoder.encode(texts).values == alone)
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func longTextsAreTruncatedToTheModelLength() throws {
        let encoder = try #require(TestModels.encoder)
        let long = String(repeating: "confidential information ", count: 300)
        #expect(encoder.tokenCount(long) == 600)
        #expect(encoder.tokenizer.encode(long, maxLength: encoder.maxTokens).count == encoder.maxTokens)
        #expect(encoder.encode([long]).rows == 1)
    }
}
