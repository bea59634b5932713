import Documents
import Extraction
import Foundation
import Schema

/// Topic: the text around a value is about the value's field. For each value with evidence, the
/// judge compares the evidence's context (`EvidenceContext`: the label before the value on its
/// line, or, when the value starts its line or has no words before it, the line above) with every
/// field's query (its name in words and its description, as the span extractor's features do)
/// through the sentence encoder. The value's score is this field's share of a softmax over the
/// fields' cosines at `temperature`, among which a "none of the fields" option with the fixed
/// cosine `background` also competes: a value whose label reads as another field, or as nothing
/// the schema asks for, scores low, even in a one-field schema. A value without evidence scores 0;
/// a value with nothing around it (the first line of a page) is not judged. A field scores the
/// mean over its values, and a list item's score is also its own (`RewardScore.items`; of a long
/// list, only the items judged). Embeddings go through an `EmbeddingCache`, one batch per call, so after
/// the first candidate of a document only new contexts cost an encoder call.
///
/// It is a judge of its own rather than part of `GroundingJudge` so that grounding stays exact
/// and free of models, and the two can be weighted apart.
public struct TopicJudge: Reward {
    public let name = "topic"
    public let cache: EmbeddingCache
    public let temperature: Double
    public let background: Double

    public init(cache: EmbeddingCache, temperature: Double = 0.05, background: Double = 0.2) {
        self.cache = cache
        self.temperature = max(temperature, 1e-6)
        self.background = background
    }

    public init(embedder: any TextEmbedder, temperature: Double = 0.05, background: Double = 0.2) {
        self.init(cache: EmbeddingCache(embedder: embedder), temperature: temperature, background: background)
    }

    /// The text a field is compared with: its name in words, and its description.
    static func query(for field: Field) -> String {
        let name = field.name.replacingOccurrences(of: "_", with: " ")
        guard let description = field.description, !description.isEmpty else { return name }
        return "\(name): \(description)"
    }

    public func score(_ context: RewardContext) -> RewardScore {
        var finder = EvidenceContext.Finder(context)
        // Each value's context (nil: no evidence), gathered first so that one batch embeds them all.
        var judged: [(field: Field, indices: [Int], contexts: [EvidenceContext?])] = []
        for field in context.schema.fields where field.scalarType != nil {
            let values = context.values(of: field)
            guard !values.isEmpty else { continue }
            let indices = RewardContext.judgedIndices(values.count)
            judged.append((field, indices, indices.map { finder.context(of: field.name, index: $0) }))
        }
        guard !judged.isEmpty else { return RewardScore(value: 1, explanation: "no value to judge") }
        let fields = context.schema.fields
        var texts = fields.map(Self.query)
        for (_, _, contexts) in judged { texts += contexts.compactMap { $0?.lead } }
        let vectors = Dictionary(zip(texts, cache.embed(texts)), uniquingKeysWith: { a, _ in a })
        let queries = fields.map { vectors[Self.query(for: $0)] ?? [] }

        var scores: [String: Double] = [:], reasons: [String: String] = [:], items: [String: [Int: Double]] = [:]
        for (field, indices, contexts) in judged {
            guard let own = fields.firstIndex(where: { $0.name == field.name }) else { continue }
            var values: [Double] = []
            let isList = context.isList(field)
            for (index, c) in zip(indices, contexts) {
                guard let c else {
                    values.append(0); reasons[field.name] = "a value has no evidence"
                    if isList { items[field.name, default: [:]][index] = 0 }
                    continue
                }
                guard !c.lead.isEmpty else { continue }
                let similarities = Self.similarities(of: queries, to: c, vectors: vectors)
                let share = shares(similarities)
                values.append(share[own])
                if isList { items[field.name, default: [:]][index] = share[own] }
                if share[own] < 0.5 {
                    let best = fields.indices.filter { $0 != own }.max { share[$0] < share[$1] }
                    let rival = best.flatMap { share[$0] > share[own] && share[$0] > share[fields.count] ? fields[$0].name : nil }
                    reasons[field.name] = "\"\(c.lead)\" reads as " + (rival ?? "none of the fields")
                }
            }
            guard !values.isEmpty else { continue }
            scores[field.name] = values.reduce(0, +) / Double(values.count)
        }
        return RewardScore.mean(of: scores, reasons: reasons, judged: "field").with(items: items)
    }

    /// Each query's cosine to a context's lead (its label, or the line above).
    static func similarities(of queries: [[Float]], to context: EvidenceContext, vectors: [String: [Float]]) -> [Double] {
        let vector = vectors[context.lead] ?? []
        return queries.map { EmbeddingCache.cosine($0, vector) }
    }

    /// The softmax at `temperature` over the fields' similarities and the background option (last).
    func shares(_ similarities: [Double]) -> [Double] {
        let all = similarities + [background]
        let top = all.max() ?? 0
        let weights = all.map { Foundation.exp(($0 - top) / temperature) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }
}
