import ArgumentParser
import Foundation
import QuarryKit

extension ModelsCommand {
    /// `quarry models list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List model versions, newest first; * marks the version a table extracts with.",
            discussion: """
                Examples:
                  quarry models list
                  quarry models list --table receipts --json | jq '.[] | select(.promoted)'
                """)

        @Option(help: ArgumentHelp("Only this table's versions.", valueName: "name"))
        var table: String?

        @Flag(help: "Print a JSON array of versions.")
        var json = false

        @OptionGroup var database: DatabaseOption

        func run() throws {
            let (versions, inForce) = try database.open().modelVersions(table: table)
            if json {
                try Output.jsonObject(
                    versions.map { l -> [String: Any] in
                        let v = l.version
                        return [
                            "id": v.id, "table": v.table, "extractor": v.extractor, "method": v.method, "base": v.base ?? NSNull(),
                            "created_at": v.createdAt, "promoted": l.promoted, "metrics": l.metrics?.foundationObject ?? NSNull(),
                        ]
                    })
                return
            }
            guard !versions.isEmpty else {
                print("No model versions\(table.map { " of \($0)" } ?? "") yet: tuning a table stores one. Extraction uses the zero-shot prior.")
                return
            }
            let rows = versions.map { l in
                [
                    l.version.id, l.version.table, l.version.method, l.version.base ?? ModelsCommand.zeroShot, l.version.createdAt,
                    l.promoted ? "*" : "", ModelsCommand.headline(l.figures),
                ]
            }
            print(Output.table(["id", "table", "method", "base", "created", "promoted", "metrics"], rows))
            let summary = inForce.keys.sorted().map { key in "\(key): \((inForce[key] ?? nil) ?? ModelsCommand.zeroShot)" }
            print("In force: " + summary.joined(separator: ", ") + ".")
        }
    }
}
