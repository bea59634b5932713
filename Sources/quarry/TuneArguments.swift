import ArgumentParser
import Foundation
import QuarryKit

extension Tune {
    /// Checks the options ArgumentParser cannot check alone.
    func validate() throws {
        if paths.isEmpty && !fromUsage { throw ValidationError("name files or folders to tune on, or --from-usage") }
        if samples < 2 { throw ValidationError("--samples must be at least 2 (advantages compare samples of a document)") }
        if steps < 1 { throw ValidationError("--steps must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if !(0..<1).contains(heldBack) { throw ValidationError("--held-back must be in [0, 1)") }
        if temperature <= 0 { throw ValidationError("--temperature must be positive") }
    }

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
