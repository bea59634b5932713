import ArgumentParser
import Foundation
import QuarryKit

extension ModelsCommand {
    /// `quarry models show`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show everything about a model version: lineage, inputs, parameters, metrics, promotions.",
            discussion: """
                Examples:
                  quarry models show receipts-v3
                  quarry models show receipts-v3 --json | jq .parameters.fields.total
                """)

        @Argument(help: ArgumentHelp("The version id, e.g. receipts-v3.", valueName: "id"))
        var id: String

        @Flag(help: "Print the version as JSON (parameters, reward configuration and metrics as objects).")
        var json = false

        @OptionGroup var database: DatabaseOption

        func run() throws {
            let details = try database.open().modelVersion(id)
            let version = details.version
            if json {
                try Output.jsonObject(
                    [
                        "id": version.id, "table": version.table, "extractor": version.extractor, "method": version.method,
                        "base": version.base ?? NSNull(), "schema_sha256": version.schemaSHA256, "inputs": version.inputs,
                        "created_at": version.createdAt, "lineage": details.lineage, "promoted": details.promoted,
                        "parameters": details.parameters.foundationObject,
                        "reward_config": details.rewardConfig?.foundationObject ?? NSNull(),
                        "metrics": details.metrics?.foundationObject ?? NSNull(),
                        "promotions": details.promotions.map { p -> [String: Any] in
                            ["promoted_at": p.promotedAt, "reason": p.reason ?? NSNull(), "rollback": p.rollbackOf != nil]
                        },
                    ] as [String: Any])
                return
            }
            print(Self.render(details))
        }

        static func render(_ d: ModelVersionDetails) -> String {
            let v = d.version
            func line(_ label: String, _ value: String) -> String {
                "  " + label + String(repeating: " ", count: max(1, 12 - label.count)) + value
            }
            var lines = [v.id + (d.promoted ? "  (in force for \(v.table))" : "")]
            lines.append(line("table", v.table))
            lines.append(line("extractor", v.extractor))
            lines.append(line("method", v.method))
            lines.append(line("created", v.createdAt))
            lines.append(line("lineage", d.lineage.joined(separator: " <- ")))
            lines.append(line("schema", "sha256 " + v.schemaSHA256))
            let shown = v.inputs.prefix(5).map { Output.display($0) }.joined(separator: ", ")
            lines.append(
                line(
                    "inputs",
                    "\(v.inputs.count) document\(v.inputs.count == 1 ? "" : "s")"
                        + (v.inputs.isEmpty ? "" : ": " + shown + (v.inputs.count > 5 ? ", …" : ""))))
            lines.append(line("reward", v.rewardConfig.map { Output.clip($0, 100) } ?? "-"))
            for p in d.promotions {
                lines.append(line(p.rollbackOf == nil ? "promoted" : "restored", p.promotedAt + (p.reason.map { " (\($0))" } ?? "")))
            }
            lines.append(line("metrics", d.metrics.map(ModelsCommand.pretty) ?? "-"))
            lines.append(line("parameters", ""))
            lines.append(contentsOf: parameterLines(d).map { "    " + $0 })
            return lines.joined(separator: "\n").replacingOccurrences(of: " +\n", with: "\n", options: .regularExpression)
        }

        /// One line per field of span parameters: null score, weight norm, strongest feature.
        static func parameterLines(_ d: ModelVersionDetails) -> [String] {
            guard let p = d.spanSummary else { return ["\(d.version.parameters.utf8.count) bytes of JSON (not span extractor parameters)"] }
            let rows = p.fields.map { w in
                [
                    w.field, String(format: "%.2f", w.nullScore), String(format: "%.2f", w.norm),
                    w.strongest.map { "\($0.feature) \(String(format: "%+.2f", $0.weight))" } ?? "-",
                ]
            }
            let head = "\(p.format), \(p.fields.count) fields, \(p.features) features (\(p.rowFeatures) for table rows)"
            return [head]
                + Output.table(["field", "null", "|w|", "strongest weight"], rows, numeric: [1, 2]).split(separator: "\n").map(String.init)
        }
    }
}
