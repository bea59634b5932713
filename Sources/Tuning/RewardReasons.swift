import Foundation
import Schema

extension RewardScore {
    /// The mean of per-field scores (1 when no field was judged), with an explanation that gives,
    /// for each field below `threshold`, its score and the reason the judge recorded for it.
    static func mean(of fields: [String: Double], reasons: [String: String], judged what: String, threshold: Double = 0.5) -> RewardScore {
        guard !fields.isEmpty else { return RewardScore(value: 1, explanation: "no \(what) to judge") }
        let value = orderedSum(fields) / Double(fields.count)
        let weak = fields.filter { $0.value < threshold }.sorted { $0.key < $1.key }
        guard !weak.isEmpty else { return RewardScore(value: value, fields: fields, explanation: "every \(what) passes") }
        let listed = weak.map { field, score in
            "\(field) \(String(format: "%.2f", score))" + (reasons[field].map { " (\($0))" } ?? "")
        }
        return RewardScore(
            value: value, fields: fields,
            explanation: "\(weak.count) of \(fields.count) \(what)s fall short: " + listed.joined(separator: "; "))
    }
}
