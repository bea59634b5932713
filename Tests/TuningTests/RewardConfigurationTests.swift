import Documents
import Extraction
import Foundation
import Schema
import Testing

@testable import Tuning

/// The reward configuration: weights by judge name with defaults, guidelines, JSON, and the mix it builds.
@Suite struct RewardConfigurationTests {
    @Test func defaultsWeightEveryJudge() throws {
        let plain = try RewardConfiguration()
        #expect(
            plain.resolvedWeights == [
                "validity": 0, "grounding": 0, "topic": 0.15, "consistency": 1, "set_consistency": 0.6,
                "guidelines": 0, "language_model": 0,
            ])
        let guided = try RewardConfiguration(weights: ["topic": 2], guidelines: ["Party names include the legal suffix"])
        #expect(guided.weight(of: "guidelines") == 1 && guided.weight(of: "topic") == 2)
    }

    @Test func unknownJudgesAndBadWeightsAreRefused() {
        #expect(throws: TuningError.self) { try RewardConfiguration(weights: ["topc": 1]) }
        do {
            _ = try RewardConfiguration(weights: ["topc": 1])
        } catch {
            #expect(error.description.contains("weights.topc") && error.description.contains("validity, grounding, topic"), "\(error)")
        }
        #expect(throws: TuningError.self) { try RewardConfiguration(weights: ["grounding": -1]) }
        #expect(throws: TuningError.self) { try RewardConfiguration.parse(json: #"{"weights": {"groundedness": 1}}"#) }
        #expect(throws: TuningError.self) { try RewardConfiguration.parse(json: #"{"weights": [1, 2]}"#) }
    }

    @Test func jsonKeepsEveryWeight() throws {
        let configuration = try RewardConfiguration(weights: ["language_model": 0.5], guidelines: ["The fee is positive"])
        let json = configuration.json()
        #expect(json.contains(#""set_consistency":0.6"#) && json.contains(#""language_model":0.5"#), "\(json)")
        let read = try RewardConfiguration.parse(json: json)
        #expect(read == configuration && read.weights.count == RewardConfiguration.judges.count)
        #expect(try RewardConfiguration(weights: ["consistency": 1]) == RewardConfiguration())
        #expect(try RewardConfiguration(weights: ["consistency": 2]) != RewardConfiguration())
        #expect(read.json() == json)
        #expect(try RewardConfiguration.parse(json: "{}").resolvedWeights == RewardConfiguration().resolvedWeights)
    }

    @Test func buildsTheMixFromWhatIsAvailable() throws {
        let validator = try Validator(schema: GuidelineJudgeTests.schema)
        let configuration = try RewardConfiguration(
            weights: ["language_model": 1],
            guidelines: ["The fee is positive", "Be kind"])
        let bare = configuration.build(validator: validator)
        // Validity observes with weight 0 (for the share of valid rows); grounding, weight 0, is left out.
        #expect(bare.mix.parts.map(\.reward.name) == ["validity", "consistency", "guidelines"])
        #expect(bare.mix.parts.first?.weight == 0)
        #expect(Set(bare.leftOut.keys) == ["topic", "set_consistency", "language_model"])
        #expect(bare.unrecognised.map(\.guideline) == ["Be kind"])
        let profile = SetProfile(schema: validator.schema, rows: [])
        let full = configuration.build(validator: validator, embedder: HashingEmbedder(), profile: profile)
        #expect(full.mix.parts.map(\.reward.name) == ["validity", "topic", "consistency", "set_consistency", "guidelines"])
        #expect(full.mix.parts.first { $0.reward.name == "set_consistency" }?.weight == 0.6)
        // Observing, every judge but the language model's joins, weighted or not.
        let observing = configuration.build(validator: validator, embedder: HashingEmbedder(), profile: profile, observing: true)
        #expect(observing.mix.parts.map(\.reward.name) == ["validity", "grounding", "topic", "consistency", "set_consistency", "guidelines"])
        let document = GuidelineJudgeTests.document
        let candidate = Fixture.candidate(["fee": .number(2500)], evidence: [("fee", "2500", nil)], in: document)
        let (value, verdicts) = full.mix.score(Fixture.context(document, validator.schema, candidate))
        #expect(value > 0 && value <= 1 && verdicts.count == 5)
        #expect(verdicts["guidelines"]?.value == 1 && verdicts["validity"] != nil)
    }
}
