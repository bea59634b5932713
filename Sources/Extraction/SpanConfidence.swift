import Foundation
import Schema

extension SpanExtractor {
    /// Per field, each option's value's probability under the policy, read at the field's
    /// confidence temperature (or, for every field, `temperature`): for a single-valued field its share of the
    /// softmax over null and the values, for a list its logistic chance of being included. It is
    /// the confidence a decoded value's evidence carries.
    /// `scores` are the fields' option scores when the caller has them already.
    func valueProbabilities(_ prepared: Prepared, scores known: [[Double]]? = nil, temperature: Double? = nil) -> [[Double]] {
        schema.fields.enumerated().map { f, field in
            guard let options = prepared.fields[f] else { return [] }
            let w = weights(field)
            let t = max(temperature ?? w.confidenceTemperature ?? 1, 1e-6)
            let raw = known.map { $0[f] }.flatMap { $0.count == options.count ? $0 : nil } ?? scores(options, w)
            let s = raw.map { $0 / t }, null = w.nullScore / t
            let choices = options.representatives(s)
            let normaliser = Self.logSumExp([null] + choices.map { s[$0] })
            let list: Bool = if case .scalar = field.kind { false } else { true }
            return s.indices.map { i in
                let best = s[choices[options.group[i]]]
                return list ? Self.sigmoid(best - null) : exp(best - normaliser)
            }
        }
    }

    /// The same extractor reading confidences at temperature 1 (its base's temperatures dropped).
    public var withoutConfidenceTemperatures: SpanExtractor {
        var parameters = self.parameters
        for name in parameters.fields.keys { parameters.fields[name]?.confidenceTemperature = nil }
        return SpanExtractor(schema: schema, parameters: parameters, embedder: embedder, dates: dates, collectionDates: collectionDates)
    }

    /// Every field's option scores (empty for a field without options).
    func scoresOfFields(_ prepared: Prepared) -> [[Double]] {
        schema.fields.enumerated().map { f, field in prepared.fields[f].map { scores($0, weights(field)) } ?? [] }
    }

    /// This extractor with each field's confidence temperature set so that, over `prepared`, its
    /// decoded values are on average as confident as `base`'s decoded values are: tuning without
    /// labels sharpens a field (the samples' majority is rewarded), which makes it surer without
    /// making it more often right, so a tuned version keeps its base's confidence level and only
    /// its ranking of values. The temperature is at least 1 (confidence is never raised); choices
    /// do not change.
    public func calibratingConfidence(to base: SpanExtractor, on prepared: [Prepared]) -> SpanExtractor {
        guard !prepared.isEmpty else { return self }
        // What each decodes, and its scores, do not depend on the temperature.
        let extractors = [self, base]
        let decoded = extractors.map { extractor in prepared.map { extractor.decode($0).decisions } }
        let scored = extractors.map { extractor in prepared.map(extractor.scoresOfFields) }
        /// The mean confidence of the decoded values of a field, by this extractor (0) or the base (1).
        func meanConfidence(_ which: Int, _ field: Int, _ temperature: Double?) -> Double? {
            var total = 0.0, count = 0
            for (d, decisions) in decoded[which].enumerated() where !decisions[field].isEmpty {
                let probabilities = extractors[which].valueProbabilities(prepared[d], scores: scored[which][d], temperature: temperature)[field]
                for i in decisions[field] { total += probabilities[i]; count += 1 }
            }
            return count > 0 ? total / Double(count) : nil
        }
        var parameters = self.parameters
        for (f, field) in schema.fields.enumerated() {
            var w = weights(field)
            w.confidenceTemperature = nil
            guard let target = meanConfidence(1, f, nil), let sharp = meanConfidence(0, f, 1), sharp > target else {
                parameters.fields[field.name] = w
                continue
            }
            // The mean confidence falls as the temperature rises: bisect on its logarithm.
            var low = 0.0, high = log(64.0)
            for _ in 0..<30 {
                let mid = (low + high) / 2
                if (meanConfidence(0, f, exp(mid)) ?? target) > target { low = mid } else { high = mid }
            }
            w.confidenceTemperature = exp((low + high) / 2)
            parameters.fields[field.name] = w
        }
        return SpanExtractor(schema: schema, parameters: parameters, embedder: embedder, dates: dates, collectionDates: collectionDates)
    }
}
