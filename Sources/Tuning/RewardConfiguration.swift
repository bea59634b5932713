import Extraction
import Foundation
import Models
import Schema

/// The tuning reward as the pipeline file configures it: a weight per judge and the expert's
/// guidelines. Judges the configuration leaves out get their default weight:
///
/// | judge | default | why |
/// |---|---|---|
/// | `validity` | 1 | the schema is the contract |
/// | `grounding` | 1 | every value must be where its evidence says |
/// | `topic` | 1 | the cheapest check that a value answers its own field |
/// | `consistency` | 1 | the samples' majority per field (test-time RL's signal) |
/// | `set_consistency` | 0.5 | typicality across documents is a hint, not a rule: rare values can be right |
/// | `guidelines` | 1 when there are guidelines, else 0 | an expert's word, but nothing to judge without it |
/// | `language_model` | 0 | one model call per value: enable it for small runs or to check the others |
///
/// It encodes to JSON with every judge's weight spelled out, so that a tuning run can store the
/// reward it optimised beside the model version and read it back unchanged.
public struct RewardConfiguration: Sendable, Equatable, Codable {
    /// The judges a configuration can weight, by name.
    public static let judges = ["validity", "grounding", "topic", "consistency", "set_consistency", "guidelines", "language_model"]

    /// The weights the configuration sets, by judge name.
    public let weights: [String: Double]
    public let guidelines: [String]

    /// The default weights and no guidelines.
    public init() { weights = [:]; guidelines = [] }

    /// Refuses unknown judge names (naming the key and the known judges) and weights that are
    /// negative or not finite.
    public init(weights: [String: Double], guidelines: [String] = []) throws(TuningError) {
        for (judge, weight) in weights {
            guard Self.judges.contains(judge) else {
                throw .invalidRewardConfiguration(
                    key: "weights.\(judge)",
                    reason: "unknown judge; the judges are \(Self.judges.joined(separator: ", "))")
            }
            guard weight.isFinite, weight >= 0 else {
                throw .invalidRewardConfiguration(key: "weights.\(judge)", reason: "a weight must be a finite number ≥ 0, not \(weight)")
            }
        }
        self.weights = weights
        self.guidelines = guidelines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The default weight of a judge (see the table above).
    public static func defaultWeight(of judge: String, guidelines: [String]) -> Double {
        switch judge {
        case "validity", "grounding", "topic", "consistency": 1
        case "set_consistency": 0.5
        case "guidelines": guidelines.isEmpty ? 0 : 1
        default: 0
        }
    }

    /// The weight a judge gets: the configured one, else the default.
    public func weight(of judge: String) -> Double {
        weights[judge] ?? Self.defaultWeight(of: judge, guidelines: guidelines)
    }

    /// Every judge's weight.
    public var resolvedWeights: [String: Double] {
        Dictionary(uniqueKeysWithValues: Self.judges.map { ($0, weight(of: $0)) })
    }

    /// Two configurations are equal when they weight every judge alike and give the same guidelines,
    /// whether the weights were written out or left to their defaults.
    public static func == (a: RewardConfiguration, b: RewardConfiguration) -> Bool {
        a.resolvedWeights == b.resolvedWeights && a.guidelines == b.guidelines
    }

    /// The judges built, and what could not be.
    public struct Built: Sendable {
        public let mix: RewardMix
        /// Judges with a weight above 0 that were left out, and why (no embedder, no model, no set profile).
        public let leftOut: [String: String]
        /// Guidelines the guideline judge could not compile.
        public let unrecognised: [TuningError]
    }

    /// Builds the reward mix from what is available: the validator (whose schema the judges use),
    /// the embedder for the topic judge and the guidelines' encoder checks (one shared cache), the
    /// language model, and the profile of the set's rows under the current policy. A judge whose
    /// weight is above 0 but whose means are missing is left out and listed in `leftOut`.
    public func build(
        validator: Validator, embedder: (any TextEmbedder)? = nil, languageModel: LanguageModel? = nil,
        profile: SetProfile? = nil
    ) -> Built {
        build(validator: validator, cache: embedder.map { EmbeddingCache(embedder: $0) }, languageModel: languageModel, profile: profile)
    }

    /// The reward of every TAO step: the mix rebuilt on the set's current rows (for the set
    /// consistency judge), the embeddings cached across steps.
    public func factory<Policy: ExtractorPolicy>(
        for _: Policy.Type, validator: Validator, embedder: (any TextEmbedder)?,
        languageModel: LanguageModel? = nil
    ) -> TAO<Policy>.RewardFactory {
        let cache = embedder.map { EmbeddingCache(embedder: $0) }
        return { rows in
            build(
                validator: validator, cache: cache, languageModel: languageModel,
                profile: SetProfile(schema: validator.schema, rows: rows)
            ).mix
        }
    }

    private func build(validator: Validator, cache: EmbeddingCache?, languageModel: LanguageModel?, profile: SetProfile?) -> Built {
        var parts: [(reward: any Reward, weight: Double)] = []
        var leftOut: [String: String] = [:]
        var unrecognised: [TuningError] = []
        for judge in Self.judges {
            let weight = weight(of: judge)
            guard weight > 0 else { continue }
            switch judge {
            case "validity": parts.append((ValidityReward(validator: validator), weight))
            case "grounding": parts.append((GroundingJudge(), weight))
            case "consistency": parts.append((ConsistencyJudge(), weight))
            case "topic":
                if let cache { parts.append((TopicJudge(cache: cache), weight)) } else { leftOut[judge] = "no sentence encoder" }
            case "set_consistency":
                if let profile { parts.append((SetConsistencyJudge(profile: profile), weight)) } else { leftOut[judge] = "no profile of the set" }
            case "guidelines":
                let guidelineJudge = GuidelineJudge(guidelines: guidelines, schema: validator.schema, cache: cache)
                unrecognised = guidelineJudge.unrecognised
                if guidelineJudge.guidelines.isEmpty {
                    leftOut[judge] = "no guideline could be compiled"
                } else {
                    parts.append((guidelineJudge, weight))
                }
            case "language_model":
                if let languageModel {
                    parts.append((LanguageModelJudge(model: languageModel), weight))
                } else {
                    leftOut[judge] = "no language model"
                }
            default: break
            }
        }
        return Built(mix: RewardMix(parts), leftOut: leftOut, unrecognised: unrecognised)
    }

    // MARK: JSON

    private enum CodingKeys: String, CodingKey { case weights, guidelines }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            weights: try container.decodeIfPresent([String: Double].self, forKey: .weights) ?? [:],
            guidelines: try container.decodeIfPresent([String].self, forKey: .guidelines) ?? [])
    }

    /// Writes every judge's weight, defaults included, so that the reading does not depend on
    /// the defaults of the day.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(resolvedWeights, forKey: .weights)
        try container.encode(guidelines, forKey: .guidelines)
    }

    /// The configuration as JSON (keys sorted).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads a configuration written by `json()` or by hand.
    public static func parse(json: String) throws(TuningError) -> RewardConfiguration {
        do {
            return try JSONDecoder().decode(RewardConfiguration.self, from: Data(json.utf8))
        } catch let error as TuningError {
            throw error
        } catch {
            throw .invalidRewardConfiguration(key: "", reason: "not a reward configuration: \(error)")
        }
    }
}
