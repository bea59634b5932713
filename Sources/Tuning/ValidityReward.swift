import Extraction
import Foundation
import Schema

/// Schema validity: the share of the validator's checks (types, formats, required fields, enums,
/// ranges, cross-field rules) that the candidate's row passes. Per field, 1 when no check about
/// the field fails, else 0 (a cross-field rule counts against each field it names). A list whose
/// items have checks of their own (a pattern, an enum, a format, …) also scores each item: 0 when
/// one of its checks fails, else 1.
public struct ValidityReward: Reward {
    public let name = "validity"
    let validator: Validator

    public init(validator: Validator) { self.validator = validator }

    public func score(_ context: RewardContext) -> RewardScore {
        let report = validator.validate(context.candidate.row)
        let explanation =
            report.isValid
            ? "all \(report.checks) checks pass"
            : "\(report.violations.count) of \(report.checks) checks fail: " + report.violations.prefix(5).map(\.description).joined(separator: "; ")
        var fields: [String: Double] = [:], items: [String: [Int: Double]] = [:]
        for field in context.schema.fields {
            let failed = report.violations.contains { v in
                v.field == field.name || v.field.hasPrefix(field.name + "[")
                    || v.field.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == field.name }
            }
            fields[field.name] = failed ? 0 : 1
            if case .list(let type, _, _) = field.kind, Self.checksItems(type), context.isList(field) {
                // Each item passes unless a check of its own (`name[i]`) failed.
                let count = context.values(of: field).count
                items[field.name] = Dictionary(
                    uniqueKeysWithValues: (0..<count).map { i in
                        (i, report.violations.contains { $0.field == "\(field.name)[\(i)]" } ? 0.0 : 1.0)
                    })
            }
        }
        return RewardScore(value: report.score, fields: fields, items: items, explanation: explanation)
    }

    /// Whether list items of this type face checks beyond their type, which any extractor's
    /// normalised values pass (pattern, enum, format, lengths, ranges).
    static func checksItems(_ type: ScalarType) -> Bool {
        type.pattern != nil || type.enumValues != nil || type.format != nil || type.minLength != nil || type.maxLength != nil
            || type.minimum != nil || type.maximum != nil
    }
}
