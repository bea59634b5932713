import ArgumentParser
import Foundation
import QuarryKit

/// `quarry explain`: why a cell of an extracted table holds what it does.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show why the extractor filled a document's row as it did: candidates, scores, features.",
        discussion: """
            For each field of the table's schema: the value the table stores, the span
            extractor's answer, the score an option had to beat (null), and the best
            candidates with their scores, their probability under the extractor, where they
            are (page, code-point offsets, quote) and the features that weighed most. When
            null won, it says whether no candidate scored high enough or the ones that did
            were taken by other fields.

            The extractor explained is the version in force for the table (see quarry
            models), or --model. The stored values come from whichever model made the row.

            Examples:
              quarry explain --table invoices --document invoice-kestrel-maschinenbau-2024-0815.pdf
              quarry explain --table invoices --document nightjar --field invoice_number --candidates 10
              quarry explain --table receipts --document r-17.txt --json | jq '.fields[].explanation.reason'

            Exit status: 0 done, 1 runtime error (database, model), 2 no such table,
            document or field.
            """)

    @Option(help: ArgumentHelp("The extracted table.", valueName: "name")) var table: String
    @Option(help: ArgumentHelp("The document: its path, its file name or a part of it.", valueName: "name")) var document: String
    @Option(help: ArgumentHelp("Only this field.", valueName: "name")) var field: String?
    @Option(help: ArgumentHelp("A span model version id, parameter file or zero-shot (default: the version in force).", valueName: "id"))
    var model: String?
    @Option(help: "How many candidates to show per field.") var candidates = 5
    @Option(help: ArgumentHelp("Ambiguous numeric dates like 03/04/2024.", valueName: "order")) var dates = DateReading.auto
    @Flag(help: "Print the report as JSON.") var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if candidates < 1 { throw ValidationError("--candidates must be at least 1") }
    }

    func run() throws {
        let report = try database.open().explain(
            table: table, document: document, field: field, model: model, dates: dates.order, limit: candidates)
        if json { try Output.json(report); return }
        print("\(Output.display(report.document)) in \(report.table), explained with \(report.extractor)")
        if !report.tableModels.contains(report.extractor) {
            print("(the table's rows were made by \(report.tableModels.joined(separator: ", ")); stored values may differ)")
        }
        for field in report.fields { print(""); print(Self.render(field)) }
    }

    static func render(_ f: ExplainReport.Field) -> String {
        let e = f.explanation
        var lines = ["\(e.field): \(e.answer)" + (f.stored.map { $0 == e.answer ? "" : "  (stored: \($0))" } ?? "  (no stored row)")]
        lines.append(
            "  \(e.reason); null score \(String(format: "%.2f", e.nullScore))"
                + (e.nullProbability.map { String(format: " (p %.2f)", $0) } ?? "") + ", \(e.candidates) candidates")
        for o in e.options {
            let place = "page \(o.location.page) [\(o.location.start)..<\(o.location.end)]"
            lines.append(
                "  \(o.chosen ? "*" : " ") \(String(format: "%6.2f  p %.2f", o.score, o.probability))  \(Output.clip(o.value, 40))  \(place)")
            let why = o.contributions.map { "\($0.feature) \(String(format: "%+.2f", $0.effect))" }.joined(separator: ", ")
            if !why.isEmpty { lines.append("             " + why) }
        }
        return lines.joined(separator: "\n")
    }
}
