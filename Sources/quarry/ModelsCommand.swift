import ArgumentParser
import Extraction
import Schema
import Foundation
import Store

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
    static let zeroShot = SpanParameters.zeroShotVersion

    /// Runs `body`, turning the store's refusals of what the user asked into usage errors (exit 2).
    static func refusing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError {
            switch error {
            case .unknownModelVersion, .modelVersionOfOtherTable, .nothingToRollBack, .invalidTableName:
                throw CLIFailure(message: error.description, code: ExitStatus.usage)
            default: throw error
            }
        }
    }

    /// The stored version `id`; an unknown id is a usage error.
    static func version(_ id: String, _ store: Store) throws -> ModelVersion {
        guard let version = try store.modelVersion(id: id) else {
            throw CLIFailure(message: StoreError.unknownModelVersion(id: id).description, code: ExitStatus.usage)
        }
        return version
    }

    /// The version in force for each of these tables (nil: the zero-shot prior), by lowercased name.
    static func inForce(_ tables: some Sequence<String>, _ store: Store) throws -> [String: String?] {
        var map: [String: String?] = [:]
        for table in tables where map[table.lowercased()] == nil {
            map[table.lowercased()] = .some(try store.promotedVersion(table: table)?.id)
        }
        return map
    }
}

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
            let store = try database.open()
            let versions = try store.modelVersions(table: table)
            let inForce = try ModelsCommand.inForce(versions.map(\.table) + (table.map { [$0] } ?? []), store)
            func promoted(_ v: ModelVersion) -> Bool { inForce[v.table.lowercased()] == .some(v.id) }
            if json {
                try Output.jsonObject(versions.map { v -> [String: Any] in
                    ["id": v.id, "table": v.table, "extractor": v.extractor, "method": v.method, "base": v.base ?? NSNull(),
                     "created_at": v.createdAt, "promoted": promoted(v), "metrics": ModelsCommand.parsed(v.metrics) ?? NSNull()]
                })
                return
            }
            guard !versions.isEmpty else {
                print("No model versions\(table.map { " of \($0)" } ?? "") yet: tuning a table stores one. Extraction uses the zero-shot prior.")
                return
            }
            let rows = versions.map { v in
                [v.id, v.table, v.method, v.base ?? ModelsCommand.zeroShot, v.createdAt, promoted(v) ? "*" : "",
                 ModelsCommand.headline(v.metrics)]
            }
            print(Output.table(["id", "table", "method", "base", "created", "promoted", "metrics"], rows))
            let summary = inForce.keys.sorted().map { key in "\(key): \((inForce[key] ?? nil) ?? ModelsCommand.zeroShot)" }
            print("In force: " + summary.joined(separator: ", ") + ".")
        }
    }

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
            let store = try database.open()
            let version = try ModelsCommand.version(id, store)
            let lineage = try Self.lineage(version, store)
            let history = try store.promotions(table: version.table)
            let promoted = history.last?.version == version.id
            if json {
                try Output.jsonObject([
                    "id": version.id, "table": version.table, "extractor": version.extractor, "method": version.method,
                    "base": version.base ?? NSNull(), "schema_sha256": version.schemaSHA256, "inputs": version.inputs,
                    "created_at": version.createdAt, "lineage": lineage, "promoted": promoted,
                    "parameters": ModelsCommand.parsed(version.parameters) ?? version.parameters,
                    "reward_config": ModelsCommand.parsed(version.rewardConfig) ?? NSNull(),
                    "metrics": ModelsCommand.parsed(version.metrics) ?? NSNull(),
                    "promotions": history.filter { $0.version == version.id }.map { p -> [String: Any] in
                        ["promoted_at": p.promotedAt, "reason": p.reason ?? NSNull(), "rollback": p.rollbackOf != nil]
                    },
                ] as [String: Any])
                return
            }
            print(Self.render(version, lineage: lineage, promoted: promoted, history: history))
        }

        /// The version, its base, its base's base…, ending with `zero-shot` (or a base missing from the database).
        static func lineage(_ version: ModelVersion, _ store: Store) throws -> [String] {
            var chain = [version.id]
            var next = version.base
            while let id = next {
                guard !chain.contains(id) else { chain.append(id + " (cycle)"); return chain }
                guard let base = try store.modelVersion(id: id) else { chain.append(id + " (not in this database)"); return chain }
                chain.append(id)
                next = base.base
            }
            return chain + [ModelsCommand.zeroShot]
        }

        static func render(_ v: ModelVersion, lineage: [String], promoted: Bool, history: [ModelPromotion]) -> String {
            func line(_ label: String, _ value: String) -> String {
                "  " + label + String(repeating: " ", count: max(1, 12 - label.count)) + value
            }
            var lines = [v.id + (promoted ? "  (in force for \(v.table))" : "")]
            lines.append(line("table", v.table))
            lines.append(line("extractor", v.extractor))
            lines.append(line("method", v.method))
            lines.append(line("created", v.createdAt))
            lines.append(line("lineage", lineage.joined(separator: " <- ")))
            lines.append(line("schema", "sha256 " + v.schemaSHA256))
            let shown = v.inputs.prefix(5).map { Output.display($0) }.joined(separator: ", ")
            lines.append(line("inputs", "\(v.inputs.count) document\(v.inputs.count == 1 ? "" : "s")"
                + (v.inputs.isEmpty ? "" : ": " + shown + (v.inputs.count > 5 ? ", …" : ""))))
            lines.append(line("reward", v.rewardConfig.map { Output.clip($0, 100) } ?? "-"))
            for p in history where p.version == v.id {
                lines.append(line(p.rollbackOf == nil ? "promoted" : "restored", p.promotedAt + (p.reason.map { " (\($0))" } ?? "")))
            }
            lines.append(line("metrics", v.metrics.flatMap(ModelsCommand.pretty) ?? "-"))
            lines.append(line("parameters", ""))
            lines.append(contentsOf: ModelsCommand.parameterSummary(v.parameters).map { "    " + $0 })
            return lines.joined(separator: "\n").replacingOccurrences(of: " +\n", with: "\n", options: .regularExpression)
        }
    }

    /// `quarry models promote`.
    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a version the one its table extracts with.",
            discussion: """
                The next `quarry extract` (or `quarry run`) into the table uses the
                version and extracts again the rows an older model made. `zero-shot`
                with --table goes back to the untuned prior.

                Examples:
                  quarry models promote receipts-v3 --reason "better on the March batch"
                  quarry models promote zero-shot --table receipts
                """)

        @Argument(help: ArgumentHelp("The version id, or zero-shot.", valueName: "id"))
        var id: String

        @Option(help: ArgumentHelp("The table (needed for zero-shot; otherwise the version's own).", valueName: "name"))
        var table: String?

        @Option(help: "Why, kept in the promotion history.")
        var reason: String?

        @OptionGroup var database: DatabaseOption

        func run() throws {
            let store = try database.open()
            let target: (id: String?, table: String)
            if id == ModelsCommand.zeroShot {
                guard let table else { throw CLIFailure(message: "name the table that goes back to zero-shot with --table", code: ExitStatus.usage) }
                target = (nil, table)
            } else {
                let version = try ModelsCommand.version(id, store)
                target = (version.id, table ?? version.table)
            }
            let change = try ModelsCommand.refusing { try store.promote(version: target.id, table: target.table, reason: reason) }
            let to = change.to ?? ModelsCommand.zeroShot, from = change.from ?? ModelsCommand.zeroShot
            if change.from == change.to {
                print("\(target.table) already extracts with \(to); nothing changed.")
            } else {
                print("\(target.table) now extracts with \(to) (was \(from)). The next `quarry extract --table \(target.table)` "
                      + "re-extracts the rows \(from) made.")
            }
        }
    }

    /// `quarry models rollback`.
    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo a table's latest promotion: back to the version before, or to zero-shot.",
            discussion: """
                Each rollback undoes one more promotion; the history keeps them all
                (SELECT * FROM model_promotions).

                Example:
                  quarry models rollback --table receipts --reason "worse on scanned receipts"
                """)

        @Option(help: ArgumentHelp("The table.", valueName: "name"))
        var table: String

        @Option(help: "Why, kept in the promotion history.")
        var reason: String?

        @OptionGroup var database: DatabaseOption

        func run() throws {
            let store = try database.open()
            let change = try ModelsCommand.refusing { try store.rollback(table: table, reason: reason) }
            print("\(table) rolled back from \(change.from ?? ModelsCommand.zeroShot) to \(change.to ?? ModelsCommand.zeroShot).")
        }
    }
}

extension ModelsCommand {
    /// JSON text as objects, nil for nil or text that is not JSON.
    static func parsed(_ text: String?) -> Any? {
        guard let text else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// JSON text indented for the terminal, each line after the first indented to the value column.
    static func pretty(_ text: String) -> String? {
        guard let object = parsed(text),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return Output.clip(text, 100) }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: 14))
    }

    /// A few numbers from free-form metrics JSON: `before`/`after` pairs as `name b→a` (from
    /// `{"before": {…}, "after": {…}}` or `{"name": {"before": b, "after": a}}`), else top-level numbers.
    static func headline(_ metrics: String?) -> String {
        guard let object = parsed(metrics) as? [String: Any] else { return "" }
        func number(_ value: Any?) -> String? {
            // JSON booleans are NSNumbers too, of their own class (`is Bool` also holds for 0 and 1).
            guard let n = value as? NSNumber, type(of: n) != type(of: NSNumber(value: true)) else { return nil }
            return String(format: "%.3g", n.doubleValue)
        }
        var items: [String] = []
        if let before = object["before"] as? [String: Any], let after = object["after"] as? [String: Any] {
            for key in before.keys.sorted() {
                if let b = number(before[key]), let a = number(after[key]) { items.append("\(key) \(b)→\(a)") }
            }
        }
        for key in object.keys.sorted() where key != "before" && key != "after" {
            if let pair = object[key] as? [String: Any], let b = number(pair["before"]), let a = number(pair["after"]) {
                items.append("\(key) \(b)→\(a)")
            } else if let n = number(object[key]) {
                items.append("\(key) \(n)")
            }
        }
        return Output.clip(items.prefix(3).joined(separator: ", "), 60)
    }

    /// One line per field of a span parameter artefact: null score, weight norm, strongest feature.
    static func parameterSummary(_ text: String) -> [String] {
        guard let p = try? JSONDecoder().decode(SpanParameters.self, from: Data(text.utf8)) else {
            return ["\(text.utf8.count) bytes of JSON (not span extractor parameters)"]
        }
        let lines = ["\(p.format), \(p.fields.count) fields, \(p.features.count) features (\(p.rowFeatures.count) for table rows)"]
        let rows = p.fields.keys.sorted().compactMap { name -> [String]? in
            guard let w = p.fields[name] else { return nil }
            let names = w.weights.count == p.features.count ? p.features : w.weights.count == p.rowFeatures.count ? p.rowFeatures : []
            let strongest = w.weights.indices.max { abs(w.weights[$0]) < abs(w.weights[$1]) }
            let top = strongest.map { i in "\(i < names.count ? names[i] : "#\(i)") \(String(format: "%+.2f", w.weights[i]))" } ?? "-"
            let norm = w.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return [name, String(format: "%.2f", w.nullScore), String(format: "%.2f", norm), top]
        }
        return lines + Output.table(["field", "null", "|w|", "strongest weight"], rows, numeric: [1, 2]).split(separator: "\n").map(String.init)
    }
}
