import Extraction
import Foundation
import Models
import Schema

/// The tuning reward as the pipeline file configures it: a weight per judge and the expert's
/// guidelines. Judges the configuration leaves out get their default weight, chosen from how well
/// each judge told right values from wrong ones among the zero-shot extractor's samples on the
/// TUNE halves of three dev sets (receipts, NDAs, contracts; `JudgeSeparation`, pooled AUC): the
/// weight is the judge's log-odds `ln(AUC / (1 − AUC))`, 0 when not above a coin, relative to the
/// best judge's (the weights of a naive-Bayes vote of independent judges; docs/tuning.md):
///
/// | judge | default | AUC | why |
/// |---|---|---|---|
/// | `consistency` | 1 | 0.87 | the samples' majority per field (test-time RL's signal) separates best |
/// | `set_consistency` | 0.6 | 0.76 | what the collection's values look like: a good second opinion |
/// | `topic` | 0.15 | 0.58 | the label beside a value reads as its field: barely better than a coin, and worse than one for lists of names in prose |
/// | `validity` | 0 (observes) | 0.52 | the span extractor's values nearly always pass; a list too short for the schema fails as a whole, which rewards padding it with wrong items |
/// | `grounding` | 0 | 0.47 | the span extractor's values are always in the text |
/// | `guidelines` | 1 when there are guidelines, else 0 | – | an expert's word, but nothing to judge without it |
/// | `language_model` | 0 | – | one model call per value: enable it for small runs or to check the others |
///
/// Validity always observes, with weight 0: its verdict gives the share of valid rows that
/// tuning reports and promotion checks.
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
        case "consistency": 1
        case "set_consistency": 0.6
        case "topic": 0.15
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
        profile: SetProfile? = nil, observing: Bool = false
    ) -> Built {
        build(
            validator: validator, cache: embedder.map { EmbeddingCache(embedder: $0) }, languageModel: languageModel, profile: profile,
            observing: observing)
    }

    /// The reward of every TAO step: the mix rebuilt on the set's current rows (for the set
    /// consistency judge), the embeddings cached across steps.
    /// With `observing`, every judge that can be built without a language model joins the mix,
    /// those with weight 0 as observers (to measure them, `JudgeSeparation`).
    public func factory<Policy: ExtractorPolicy>(
        for _: Policy.Type, validator: Validator, embedder: (any TextEmbedder)?,
        languageModel: LanguageModel? = nil, observing: Bool = false
    ) -> TAO<Policy>.RewardFactory {
        let cache = embedder.map { EmbeddingCache(embedder: $0) }
        return { rows in
            build(
                validator: validator, cache: cache, languageModel: languageModel,
                profile: SetProfile(schema: validator.schema, rows: rows), observing: observing
            ).mix
        }
    }

    private func build(
        validator: Validator, cache: EmbeddingCache?, languageModel: LanguageModel?, profile: SetProfile?, observing: Bool
    ) -> Built {
        var parts: [(reward: any Reward, weight: Double)] = []
        var leftOut: [String: String] = [:]
        var unrecognised: [TuningError] = []
        for judge in Self.judges {
            let weight = weight(of: judge)
            let observed = judge == "validity" || (observing && judge != "language_model")
            guard weight > 0 || observed else { continue }
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
        return Built(mix: RewardMix(parts), leftOut: leftOut.filter { weight(of: $0.key) > 0 }, unrecognised: unrecognised)
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
