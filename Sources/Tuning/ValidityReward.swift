import Extraction
import Foundation

/// Schema validity: the share of the validator's checks (types, formats, required fields, enums,
/// ranges, cross-field rules) that the candidate's row passes. Per field, 1 when no check about
/// the field fails, else 0 (a cross-field rule counts against each field it names).
public struct ValidityReward: Reward {
    public let name = "validity"
    let validator: Validator

    public init(validator: Validator) { self.validator = validator }

    public func score(_ context: RewardContext) -> RewardScore {
        let report = validator.validate(context.candidate.row)
        let explanation = report.isValid ? "all \(report.checks) checks pass"
            : "\(report.violations.count) of \(report.checks) checks fail: " + report.violations.prefix(5).map(\.description).joined(separator: "; ")
        var fields: [String: Double] = [:]
        for field in context.schema.fields {
            let failed = report.violations.contains { v in
                v.field == field.name || v.field.hasPrefix(field.name + "[")
                    || v.field.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == field.name }
            }
            fields[field.name] = failed ? 0 : 1
        }
        return RewardScore(value: report.score, fields: fields, explanation: explanation)
    }
}
