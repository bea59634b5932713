import Foundation
import QuarryTestSupport
import Testing

@testable import Models

/// The llama forward pass against llama.cpp (llm.json, made by scripts/reference/make_llm_golden.py):
/// logits at the prompt's last position and greedy continuations, for the committed tiny model
/// (every tensor type Quarry reads, SentencePiece vocabulary, separate output head) and SmolLM2.
///
/// Quarry reproduces ggml's arithmetic (activations quantised as ggml quantises them, integer
/// block products, half-precision keys, values and attention weights), so logits agree to float
/// rounding (~1e-6) until the first place where a different float summation order moves an
/// activation across a quantisation rounding boundary; after that they differ by about the size
/// of the quantisation noise. The tolerances below are set from that, and llama.cpp's own
/// configurations differ by as much (flash attention on or off moves SmolLM2's logits by 0.2).
@Suite(.serialized) struct LanguageModelTests {
    static let tiny: LanguageModel? = try? LanguageModel(path: Paths.tinyModel)
    static let smol: LanguageModel? = LLMGolden.smolLM2.flatMap { try? LanguageModel(path: $0.path) }

    /// The largest |Δlogit| over the golden's top and random ids, and whether greedy decoding
    /// reproduces llama.cpp's continuation, for one prompt and one prefill path.
    func compare(_ model: LanguageModel, _ golden: LLMGolden.ForwardCase, batchThreshold: Int) throws -> (
        difference: Float, greedyMatches: Bool, agreeing: Int
    ) {
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
        let agreeing = zip(generated, golden.greedy).prefix { $0 == $1 }.count
        return (difference, generated == golden.greedy, agreeing)
    }

    @Test func tinyModelMatchesLlamaCpp() throws {
        let model = try #require(Self.tiny)
        let golden = try #require(LLMGolden.model("tiny-llama"))
        for threshold in [Int.max, 8] {
            for forward in golden.forward {
                let result = try compare(model, forward, batchThreshold: threshold)
                print(
                    "tiny-llama, prefill \(threshold == Int.max ? "token by token" : "batched"): max |Δlogit| \(result.difference), greedy agrees for \(result.agreeing) of \(forward.greedy.count) tokens (\(forward.prompt.debugDescription))"
                )
                #expect(result.difference < 0.3, "\(forward.prompt.debugDescription)")
                #expect(result.agreeing >= 1, "\(forward.prompt.debugDescription)")
            }
        }
        // Every position of the first prompt, in one batch: exact until the first rounding flip.
        let first = try #require(golden.forward.first)
        let all = try #require(first.all_logits)
        let logits = try model.session().evaluate(first.ids, allLogits: true)
        let vocabulary = model.network.configuration.vocabularySize
        let differences = all.enumerated().map { position, row in
            row.enumerated().map { abs(logits[position * vocabulary + $0] - $1) }.max() ?? 0
        }
        print("tiny-llama, every position of \(first.prompt.debugDescription): max |Δlogit| \(differences)")
        #expect(differences[0] < 1e-4)
        #expect(differences.max()! < 0.3)
    }

    @Test(.enabled(if: LLMGolden.smolLM2 != nil, TestModels.smolMissing)) func smolLM2MatchesLlamaCpp() throws {
        let model = try #require(Self.smol)
        let golden = try #require(LLMGolden.smolLM2?.golden)
        var identical = 0
        for forward in golden.forward {
            let result = try compare(model, forward, batchThreshold: 8)
            print(
                "SmolLM2: max |Δlogit| \(result.difference), greedy agrees for \(result.agreeing) of \(forward.greedy.count) tokens (\(forward.prompt.debugDescription))"
            )
            #expect(result.difference < 0.8)
            #expect(result.agreeing >= 4, "\(forward.prompt.debugDescription)")
            if result.greedyMatches { identical += 1 }
        }
        print("SmolLM2: greedy continuations identical to llama.cpp's for \(identical) of \(golden.forward.count) prompts")
        #expect(identical >= 2)
    }

    @Test func generationStopsAndReportsLogProbabilities() throws {
        let model = try #require(Self.tiny)
        let prompt = model.promptTokens("The capital of France is")
        let session = model.session()
        let greedy = try model.generate(prompt: prompt, in: session, maxTokens: 12)
        #expect(greedy.tokens.count == 12 && greedy.stopReason == .maxTokens && greedy.promptTokens == prompt.count)
        #expect(greedy.logProbability.isFinite && greedy.logProbability < 0)
        // The same continuation scored afterwards gives the same log-probability.
        let rescored = try model.logProbability(of: greedy.tokens, after: prompt, in: model.session())
        #expect(abs(rescored - greedy.logProbability) < 1e-6)
        // The session reuses the prompt it holds; sampling is repeatable by seed.
        let a = try model.generate(prompt: prompt, in: session, maxTokens: 12, sampling: SamplingOptions(temperature: 1, seed: 3))
        #expect(a.prefillTokens == 1)
        let b = try model.generate(prompt: prompt, in: model.session(), maxTokens: 12, sampling: SamplingOptions(temperature: 1, seed: 3))
        #expect(a.tokens == b.tokens)
    }

    @Test func badInputIsAnError() throws {
        let model = try #require(Self.tiny)
        let session = model.session(capacity: 4)
        #expect(throws: ModelError.self) { try session.evaluate([]) }
        #expect(throws: ModelError.self) { try session.evaluate([999_999]) }
        #expect(throws: ModelError.self) { try session.evaluate([5, 6, 7, 8, 9]) }
        #expect(LanguageModel.validPrefix(Array("aé".utf8).dropLast(), from: 0) == 1)
        #expect(LanguageModel.validPrefix(Array("aé".utf8), from: 0) == 3)
    }
}
