import ArgumentParser
import Foundation
import QuarryKit

/// `quarry models`: the tuned versions of the extractor's parameters, and which one each table uses.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, inspect, promote and roll back tuned versions of the span extractor.",
        discussion: """
            Tuning a table stores a new version of the span extractor's parameters,
            named TABLE-vN, with the version it started from (its base), the documents
            it learnt from and its before/after figures. Nothing changes until a
            version is promoted: from then on `quarry extract` and `quarry run` use it
            for that table (unless --model names another), and the next run extracts
            again the rows an older model made. Every promotion is kept, so a
            rollback returns to the one before.

            Examples:
              quarry models list                    # * marks the version in force
              quarry models list --table receipts --json
              quarry models show receipts-v3        # lineage, inputs, parameters
              quarry models promote receipts-v3 --reason "F1 0.71 -> 0.78"
              quarry extract --schema s.json --table receipts docs/   # uses it
              quarry models rollback --table receipts   # the version before
              quarry models promote zero-shot --table receipts   # untuned prior
              quarry extract --schema s.json --table receipts --model receipts-v2 docs/

            Exit status: 0 done, 1 runtime error (database), 2 bad usage (unknown
            version, a version of another table, nothing to roll back).
            """,
        subcommands: [List.self, Show.self, Promote.self, Rollback.self],
        defaultSubcommand: List.self)

    /// The version id that stands for the untuned prior.
    static let zeroShot = Workspace.zeroShot

    /// A stored JSON value indented for the terminal, each line after the first indented to the value column.
    static func pretty(_ value: JSONValue) -> String {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value.foundationObject,
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return "-" }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: 14))
    }

    /// The first three figures of a version's metrics: `name b→a` or `name n`.
    static func headline(_ figures: [MetricFigure]) -> String {
        func number(_ x: Double) -> String { String(format: "%.3g", x) }
        let items = figures.prefix(3).map { f in
            f.before.map { "\(f.name) \(number($0))→\(number(f.value))" } ?? "\(f.name) \(number(f.value))"
        }
        return Output.clip(items.joined(separator: ", "), 60)
    }
}
