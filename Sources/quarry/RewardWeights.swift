import ArgumentParser
import Foundation
import QuarryKit

extension Tune {
    /// The reward configuration from `--reward NAME=WEIGHT` and `--guideline` options.
    static func rewards(_ weights: [String], guidelines: [String]) throws -> RewardConfiguration {
        var table: [String: Double] = [:]
        for entry in weights {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let weight = Double(parts[1]), weight >= 0 else {
                throw ValidationError("--reward expects NAME=WEIGHT with a weight ≥ 0, e.g. consistency=2 (got '\(entry)')")
            }
            table[parts[0]] = weight
        }
        do { return try RewardConfiguration(weights: table, guidelines: guidelines) } catch { throw ValidationError("--reward: \(error)") }
    }
}
