import Extraction
import Schema

/// Set consistency: agreement of each field's value with the same field across the documents of
/// the set, where that is meaningful. Built from the rows the current policy gives for the whole
/// set (`SetProfile`), it scores each field by how typical the candidate's value is: numbers
/// within the set's robust range (quartiles widened by 1.5 interquartile ranges, on a log scale
/// when every value is positive, falling off exponentially outside), dates by their year likewise,
/// text by the share of the set's values with its shape relative to the most common shape. A null
/// where most of the set has a value scores the share of rows without one; fields the set says
/// nothing about (fewer than `minimumValues`, too varied, mostly null) are not judged. The profile
/// includes the candidate's own document, one row among many.
public struct SetConsistencyJudge: Reward {
    public let name = "set_consistency"
    public let profile: SetProfile
    public let minimumValues: Int
    public let minimumShare: Double

    public init(profile: SetProfile, minimumValues: Int = 5, minimumShare: Double = 0.3) {
        self.profile = profile
        self.minimumValues = minimumValues
        self.minimumShare = minimumShare
    }

    /// A judge profiling the set from one row per document.
    public init(schema: Schema, rows: [[String: Value]], minimumValues: Int = 5, minimumShare: Double = 0.3) {
        self.init(profile: SetProfile(schema: schema, rows: rows), minimumValues: minimumValues, minimumShare: minimumShare)
    }

    public func score(_ context: RewardContext) -> RewardScore {
        var fields: [String: Double] = [:], reasons: [String: String] = [:]
        for field in context.schema.fields {
            guard let fieldProfile = profile.fields[field.name],
                let verdict = fieldProfile.judge(
                    context.candidate.row[field.name] ?? .null,
                    minimumValues: minimumValues, minimumShare: minimumShare)
            else { continue }
            fields[field.name] = verdict.score
            reasons[field.name] = verdict.reason
        }
        return .mean(of: fields, reasons: reasons, judged: "field")
    }
}
