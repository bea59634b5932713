import Documents
import Extraction
import Foundation
import Schema

/// Guidelines: an expert's natural-language guidance from the pipeline file ("party names include
/// the legal suffix", "the term is the duration of confidentiality, not of employment"), compiled
/// into checks (`GuidelineJudge.compile` lists the forms it understands) that the judge applies to
/// the values of the fields each guideline names. Each check scores a field's values 0 or 1
/// (presence: the field, null or not); a field scores the mean of its checks, a list item the
/// mean of the checks of its own value (`RewardScore.items`), the candidate the mean of its judged fields, and the explanation quotes each guideline that failed and the values
/// it failed on.
///
/// "About" checks (X is … of Y, not of Z) look at the text around the value's evidence (the same
/// `EvidenceContext` the topic judge reads), the label before the value first and the line above
/// when the label mentions neither: text whose words mention Y but not Z passes, Z but not Y
/// fails, both: the one mentioned nearer the value wins (0.75 or 0.25). Words agree by a light
/// stemming, so `employed` mentions `employment`. Only when no word decides, and an embedder is
/// given, the encoder does: a sigmoid at `temperature` of the cosine of the label (or of the line
/// above, when the label has no letters) to Y minus its cosine to Z (or minus `background` when
/// there is no Z); without an embedder that is 0.5. Word matches come first because they are
/// exact and explainable and guidelines tend to use the documents' own words; the encoder catches
/// paraphrases. A value without evidence fails; one with nothing around it is not judged.
///
/// Guidelines the compiler does not understand, and those naming no field of the schema, are
/// skipped and listed in `unrecognised`, for the pipeline to report: a similarity between a
/// free sentence and a value's surroundings says too little about whether the value obeys it to
/// be worth the noise it would add to the reward.
public struct GuidelineJudge: Reward {
    public let name = "guidelines"
    public let guidelines: [Guideline]
    public let unrecognised: [TuningError]
    public let cache: EmbeddingCache?
    public let temperature: Double
    public let background: Double

    public init(guidelines: [String], schema: Schema, cache: EmbeddingCache? = nil, temperature: Double = 0.05, background: Double = 0.2) {
        var compiled: [Guideline] = [], unrecognised: [TuningError] = []
        for text in guidelines {
            switch Self.compile(text, schema: schema) {
            case .success(let guideline): compiled.append(guideline)
            case .failure(let problem): unrecognised.append(problem)
            }
        }
        self.guidelines = compiled
        self.unrecognised = unrecognised
        self.cache = cache
        self.temperature = max(temperature, 1e-6)
        self.background = background
    }

    public func score(_ context: RewardContext) -> RewardScore {
        var finder = EvidenceContext.Finder(context)
        var checks: [String: [Double]] = [:]
        // Per list field and item, the scores of the checks that judged the item.
        var itemChecks: [String: [Int: [Double]]] = [:]
        var failures: [String] = []
        var total = 0
        for guideline in guidelines {
            for name in guideline.fields {
                guard let field = context.schema.field(name), field.scalarType != nil else { continue }
                let values = context.values(of: field)
                var scores: [Double] = [], failed: [String] = []
                if guideline.check == .present {
                    scores = [values.isEmpty ? 0 : 1]
                    if values.isEmpty { failed.append("null") }
                } else {
                    let isAbout = if case .about = guideline.check { true } else { false }
                    for index in isAbout ? RewardContext.judgedIndices(values.count) : Array(values.indices) {
                        let value = values[index]
                        let score: Double?
                        if case .about(let topic, let contrast) = guideline.check {
                            score = about(topic, not: contrast, finder.context(of: name, index: index))
                        } else {
                            score = guideline.check.score(value)
                        }
                        guard let score else { continue }
                        scores.append(score)
                        if context.isList(field) { itemChecks[name, default: [:]][index, default: []].append(score) }
                        if score < 0.5 { failed.append(value.description) }
                    }
                }
                guard !scores.isEmpty else { continue }
                total += 1
                checks[name, default: []].append(scores.reduce(0, +) / Double(scores.count))
                if !failed.isEmpty { failures.append("\"\(guideline.text)\" fails on \(name): \(failed.joined(separator: ", "))") }
            }
        }
        guard !checks.isEmpty else { return RewardScore(value: 1, explanation: "no guideline applies") }
        let fields = checks.mapValues { $0.reduce(0, +) / Double($0.count) }
        let value = RewardScore.orderedSum(fields) / Double(fields.count)
        let explanation =
            failures.isEmpty
            ? "all \(total) guideline checks pass"
            : "\(failures.count) of \(total) guideline checks fail: " + failures.joined(separator: "; ")
        let items = itemChecks.mapValues { $0.mapValues { $0.reduce(0, +) / Double($0.count) } }
        return RewardScore(value: value, fields: fields, items: items, explanation: explanation)
    }

    /// How much a value's context is about `topic` rather than `contrast`: 0 without evidence
    /// (nil context), nil (not judged) when nothing surrounds the value.
    func about(_ topic: String, not contrast: String?, _ context: EvidenceContext?) -> Double? {
        guard let context else { return 0 }
        guard !context.isEmpty else { return nil }
        var wanted = Words.content(topic), unwanted = Words.content(contrast ?? "")
        // Words both share (`date` in "the signing date, not the effective date") decide nothing.
        (wanted, unwanted) = (
            wanted.filter { w in !unwanted.contains { Words.agree($0, w) } },
            unwanted.filter { u in !wanted.contains { Words.agree($0, u) } }
        )
        // The label decides first; the line above when the label mentions neither.
        for part in [context.label, context.above] where !part.isEmpty {
            let stems = Words.stems(part)
            switch (Words.lastMention(of: wanted, in: stems), Words.lastMention(of: unwanted, in: stems)) {
            case (_?, nil): return 1
            case (nil, _?): return 0
            case (let y?, let n?): return y > n ? 0.75 : 0.25
            case (nil, nil): continue
            }
        }
        guard let cache else { return 0.5 }
        let vectors = cache.embed([context.lead, topic, contrast ?? ""])
        let toTopic = EmbeddingCache.cosine(vectors[0], vectors[1])
        let reference = contrast == nil ? background : EmbeddingCache.cosine(vectors[0], vectors[2])
        return 1 / (1 + Foundation.exp(-(toTopic - reference) / temperature))
    }
}
