import Extraction
import Schema

/// How tuning credits the decisions of a list block (`GroupRelativeOptimizer`).
public enum ListCredit: String, Sendable, Codable, CaseIterable {
    /// Every decision with the whole list's advantage.
    case whole
    /// Each decision with its item's advantage; with the whole list's only where the group has no
    /// item rewards for the block.
    case items
    /// Each decision with the whole list's advantage plus its item's.
    case both
}

extension GroupRelativeOptimizer {
    /// Per candidate and block, the advantage of the candidate's decision on each option some
    /// candidate of the group included and got a reward for: `±(q − μ) / σ` (see the type's
    /// documentation), `+` when `included[c][b]` holds the option. Empty for a block whose group
    /// has fewer than two item rewards or rewards that are all equal (it teaches nothing).
    public static func optionAdvantages(included: [[Set<Int>]], rewards: [[[Int: Double]]]) -> [[[Int: Double]]] {
        var result = included.map { $0.map { _ in [Int: Double]() } }
        guard let blocks = included.first?.count, rewards.count == included.count else { return result }
        for b in 0..<blocks {
            var sums: [Int: (total: Double, count: Double)] = [:]
            var all: [Double] = []
            for c in rewards.indices where b < rewards[c].count {
                for (option, r) in rewards[c][b].sorted(by: { $0.key < $1.key }) {
                    sums[option, default: (0, 0)].total += r
                    sums[option, default: (0, 0)].count += 1
                    all.append(r)
                }
            }
            guard all.count > 1 else { continue }
            let mean = all.reduce(0, +) / Double(all.count)
            let variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count)
            guard variance > 1e-12 else { continue }
            let sd = variance.squareRoot()
            for (option, sum) in sums {
                let a = (sum.total / sum.count - mean) / sd
                for c in included.indices { result[c][b][option] = included[c][b].contains(option) ? a : -a }
            }
        }
        return result
    }
}
