import Documents
import Foundation
import Schema

/// Why the span extractor filled one field of a document as it did: the null score its options
/// had to beat, the best options by score with the probability the policy gives each and the
/// features that weighed most in its score, and in words why the answer is what it is.
public struct FieldExplanation: Sendable, Encodable {
    /// One candidate value of the field.
    public struct Option: Sendable, Encodable {
        public let value: String
        /// Its score: the weighted sum of its features.
        public let score: Double
        /// For a single-valued field, its share of the softmax over null and every option; for a
        /// list, the chance it is included (a logistic choice against null).
        public let probability: Double
        public let location: Location
        public let quote: String
        /// Whether the decoded answer holds it.
        public let chosen: Bool
        /// The features that moved the score most, largest effect first.
        public let contributions: [Contribution]
    }

    /// A feature's part in a score: its value times its weight.
    public struct Contribution: Sendable, Encodable {
        public let feature: String
        public let value: Double
        public let weight: Double
        public var effect: Double { value * weight }
    }

    public let field: String
    /// Whether the field holds several values (a list or a table), each option chosen on its own.
    public let multiple: Bool
    /// The score an option must beat to be chosen.
    public let nullScore: Double
    /// For a single-valued field, the probability of no answer; nil for lists.
    public let nullProbability: Double?
    /// How many candidates the document offered for the field.
    public let candidates: Int
    /// The best options, best first (at most the limit asked for), chosen ones always included.
    public let options: [Option]
    /// The decoded answer, as text (`null` for none).
    public let answer: String
    /// Why the answer is what it is, in a sentence.
    public let reason: String
}

extension SpanExtractor {
    /// Every field's explanation for a prepared document, with at most `limit` options each
    /// (the chosen ones are always shown) and the `features` strongest contributions per option.
    public func explain(_ prepared: Prepared, limit: Int = 5, features: Int = 3) -> [FieldExplanation] {
        let decoded = decode(prepared)
        // Probabilities are of values (an option's is its value's best occurrence's), under the
        // policy itself: a tuned version's stored confidence reads them at its confidence temperature.
        let allProbabilities = valueProbabilities(prepared, temperature: 1)
        return schema.fields.enumerated().map { f, field in
            let multiple: Bool
            if case .scalar = field.kind { multiple = false } else { multiple = true }
            let answer = decoded.row[field.name].map { "\($0)" } ?? "null"
            guard let options = prepared.fields[f], options.count > 0 else {
                return FieldExplanation(
                    field: field.name, multiple: multiple, nullScore: weights(field).nullScore, nullProbability: multiple ? nil : 1,
                    candidates: 0, options: [], answer: answer,
                    reason: "null: the document offers no candidate that can be a \(Self.kindName(field))")
            }
            let w = weights(field)
            let s = scores(options, w)
            // A list's decision stands for its value; the option shown as chosen is the occurrence it quotes.
            let best = options.representatives(s)
            let chosen = Set(decoded.decisions[f].map { multiple ? best[options.group[$0]] : $0 })
            let probabilities = allProbabilities[f]
            let normaliser = Self.logSumExp([w.nullScore] + best.map { s[$0] })
            func probability(_ i: Int) -> Double { probabilities[i] }
            let names = options.width == parameters.features.count ? parameters.features : parameters.rowFeatures
            let ranked = s.indices.sorted { s[$0] > s[$1] }
            let shown = Array(ranked.prefix(limit)) + ranked.dropFirst(limit).filter(chosen.contains)
            let listed = shown.map { i in
                let span = options.spans.indices.contains(i) ? options.spans[i] : nil
                let terms = zip(options.features(i), w.weights).enumerated().map { k, pair in
                    FieldExplanation.Contribution(feature: k < names.count ? names[k] : "#\(k)", value: pair.0, weight: pair.1)
                }
                return FieldExplanation.Option(
                    value: "\(options.values[i])", score: s[i], probability: probability(i),
                    location: span.map { Location(page: prepared.pageNumbers[$0.page], start: $0.start, end: $0.end) }
                        ?? Location(page: 0, start: 0, end: 0),
                    quote: span?.text ?? "", chosen: chosen.contains(i),
                    contributions: Array(terms.filter { $0.effect != 0 }.sorted { abs($0.effect) > abs($1.effect) }.prefix(features)))
            }
            return FieldExplanation(
                field: field.name, multiple: multiple, nullScore: w.nullScore,
                nullProbability: multiple ? nil : exp(w.nullScore - normaliser), candidates: options.count, options: listed,
                answer: answer, reason: Self.reason(multiple: multiple, scores: s, null: w.nullScore, chosen: chosen))
        }
    }

    /// Why a field's answer is what it is; `scores` are the options', `chosen` the decoded ones.
    static func reason(multiple: Bool, scores: [Double], null: Double, chosen: Set<Int>) -> String {
        func amount(_ x: Double) -> String { String(format: "%.2f", x) }
        if multiple {
            return chosen.isEmpty
                ? "null: no candidate scored above the null score (the best fell \(amount(null - (scores.max() ?? null))) short)"
                : "chosen: \(chosen.count) candidate\(chosen.count == 1 ? "" : "s") scored above the null score"
        }
        if let pick = chosen.first {
            let better = scores.indices.filter { scores[$0] > scores[pick] }.count
            return "chosen: " + (better == 0 ? "the best candidate" : "the best candidate no other field took (\(better) better ones were)")
                + ", \(amount(scores[pick] - null)) above the null score"
        }
        guard let best = scores.max(), best > null else {
            return "null: no candidate scored above the null score (the best fell \(amount(null - (scores.max() ?? null))) short)"
        }
        return "null: every candidate above the null score was a span another field took"
    }

    /// What a field's values look like, for messages.
    static func kindName(_ field: Field) -> String {
        guard let type = field.scalarType else { return "row of \(field.name)" }
        return type.format?.rawValue ?? type.base.rawValue
    }
}
