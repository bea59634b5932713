import Extraction

/// Schema validity: the share of the validator's checks (types, formats, required fields, enums,
/// ranges, cross-field rules) that the candidate's row passes.
public struct ValidityReward: Reward {
    public let name = "validity"
    let validator: Validator

    public init(validator: Validator) { self.validator = validator }

    public func score(_ context: RewardContext) -> RewardScore {
        let report = validator.validate(context.candidate.row)
        let explanation = report.isValid ? "all \(report.checks) checks pass"
            : "\(report.violations.count) of \(report.checks) checks fail: " + report.violations.prefix(5).map(\.description).joined(separator: "; ")
        return RewardScore(value: report.score, explanation: explanation)
    }
}
