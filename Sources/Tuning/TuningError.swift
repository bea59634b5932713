import Schema

/// Errors of the tuning layer, each naming what the user has to fix.
public enum TuningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A reward configuration that cannot be used; `key` is the offending key (`weights.topc`),
    /// empty when the whole configuration is at fault.
    case invalidRewardConfiguration(key: String, reason: String)
    /// A gold file that cannot be used; `line` is 1-based (0 when the whole file is at fault).
    case invalidGold(file: String, line: Int, reason: String)
    /// A guideline the compiler does not understand, and why.
    case unrecognisedGuideline(guideline: String, reason: String)

    /// The guideline an `unrecognisedGuideline` error is about; nil for the other cases.
    public var guideline: String? {
        if case .unrecognisedGuideline(let guideline, _) = self { return guideline }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidRewardConfiguration(let key, let reason):
            key.isEmpty ? "reward configuration: \(reason)" : "reward configuration: \(key): \(reason)"
        case .invalidGold(let file, let line, let reason):
            line == 0 ? "\(file): \(reason)" : "\(file):\(line): \(reason)"
        case .unrecognisedGuideline(let guideline, let reason):
            "\"\(guideline)\": \(reason)"
        }
    }
}
