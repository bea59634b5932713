/// Errors of the tuning layer, each naming what the user has to fix.
public enum TuningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A reward configuration that cannot be used; `key` is the offending key (`weights.topc`),
    /// empty when the whole configuration is at fault.
    case invalidRewardConfiguration(key: String, reason: String)

    public var description: String {
        switch self {
        case .invalidRewardConfiguration(let key, let reason):
            key.isEmpty ? "reward configuration: \(reason)" : "reward configuration: \(key): \(reason)"
        }
    }
}
