import Foundation
import Testing
@testable import Models

/// The llama forward pass against llama.cpp (llm.json, made by scripts/reference/make_llm_golden.py):
/// logits at the prompt's last position and greedy continuations, for the committed tiny model
/// (every tensor type Quarry reads, SentencePiece vocabulary, separate output head) and SmolLM2.
@Suite(.serialized) struct LanguageModelTests {
    static let tiny: LanguageModel? = LLMGolden.tinyPath.flatMap { try? LanguageModel(path: $0) }
    static let smol: LanguageModel? = LLMGolden.smolLM2.flatMap { try? LanguageModel(path: $0.path) }

    /// The largest |Δlogit| over the golden's top and random ids, and whether greedy decoding
    /// reproduces llama.cpp's continuation, for one prompt and one prefill path.
    func compare(_ model: LanguageModel, _ golden: LLMGolden.ForwardCase, batchThreshold: Int) throws -> (difference: Float, greedyMatches: Bool, generated: [Int]) {
        model.network.blasBatchThreshold = batchThreshold
        defer { model.network.blasBatchThreshold = 8 }
        let session = model.session()
        let logits = try session.evaluate(golden.ids)
        var difference: Float = 0
        for reference in [golden.last_top, golden.last_random] {
            for (id, value) in zip(reference.ids, reference.logits) { difference = max(difference, abs(logits[id] - value)) }
        }
        var generated: [Int] = []
        var next = logits
        for _ in golden.greedy.indices {
            let token = next.indices.max { next[$0] < next[$1] }!
            generated.append(token)
            next = try session.evaluate([token])
        }
        return (difference, generated == golden.greedy, generated)
    }

    @Test func tinyModelMatchesLlamaCpp() throws {
        let model = try #require(Self.tiny)
        let golden = try #require(LLMGolden.model("tiny-llama"))
        for threshold in [Int.max, 8] {
            for forward in golden.forward {
                let result = try compare(model, forward, batchThreshold: threshold)
                print("tiny-llama, prefill \(threshold == Int.max ? "token by token" : "batched"): max |Δlogit| \(result.difference), greedy identical: \(result.greedyMatches) (\(forward.prompt.debugDescription))")
                #expect(result.difference < 0.02, "\(forward.prompt.debugDescription)")
                #expect(result.greedyMatches, "\(forward.prompt.debugDescription): \(result.generated) vs \(forward.greedy)")
            }
        }
        // Every position of the first prompt, in one batch.
        let first = try #require(golden.forward.first)
        let all = try #require(first.all_logits)
        let logits = try model.session().evaluate(first.ids, allLogits: true)
        let vocabulary = model.network.configuration.vocabularySize
        var worst: Float = 0
        for (position, row) in all.enumerated() {
            var here: Float = 0
            for (id, value) in row.enumerated() { here = max(here, abs(logits[position * vocabulary + id] - value)) }
            print("position", position, here)
            worst = max(worst, here)
        }
        print("tiny-llama, every position: max |Δlogit| \(worst)")
        #expect(worst < 0.02)
    }

    @Test(.enabled(if: LLMGolden.smolLM2 != nil, Golden.smolLM2Missing)) func smolLM2MatchesLlamaCpp() throws {
        let model = try #require(Self.smol)
        let golden = try #require(LLMGolden.smolLM2?.golden)
        var identical = 0
        for forward in golden.forward {
            let result = try compare(model, forward, batchThreshold: 8)
            print("SmolLM2: max |Δlogit| \(result.difference), greedy identical: \(result.greedyMatches) (\(forward.prompt.debugDescription))")
            #expect(result.difference < 0.5)
            if result.greedyMatches { identical += 1 }
        }
        #expect(identical == golden.forward.count)
    }
}
