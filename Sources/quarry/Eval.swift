import ArgumentParser
import Foundation
import QuarryKit

/// `quarry eval`: score a table against gold rows.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score an extracted table against gold rows: per-field precision, recall, F1, exact match.",
        discussion: """
            The gold file has one JSON object per line:
              {"document": "invoice-0042.pdf", "fields": {"total": 1234.5, "party": ["Acme", "Beta"]}}
            Documents are matched by file name (case and extension forgiven). Values are compared
            after type-aware normalisation: dates and numbers by value, text case- and
            punctuation-insensitively, lists as multisets, arrays of objects per sub-field.
            A gold document without a row counts as missed.

            Every run is stored: SELECT * FROM runs; SELECT * FROM metrics WHERE run_id = 1.
            scripts/gold/convert.py writes gold files for Kleister NDA, SROIE and CUAD.

            --candidates adds the ceiling no weights can pass: per field, the share of gold
            values that equal one of the span extractor's candidates for their document.

            Examples:
              quarry eval --table invoices --gold gold.jsonl
              quarry eval --table invoices --gold gold.jsonl --candidates --json | jq .candidates
            """)

    @Option(help: ArgumentHelp("The table to score.", valueName: "name"))
    var table: String

    @Option(help: ArgumentHelp("The gold file (JSON Lines).", valueName: "file"))
    var gold: String

    @Option(help: ArgumentHelp("The schema (default: the one the table was extracted with).", valueName: "file"))
    var schema: String?

    @Option(help: ArgumentHelp("How to read ambiguous numeric dates in the gold file: day-first or month-first.", valueName: "order"))
    var dates = DateReading.monthFirst

    @Flag(help: "Also report, per field, how many gold values were among the span extractor's candidates at all (reads the documents again).")
    var candidates = false

    @Flag(help: "Print the scores as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if dates == .auto { throw ValidationError("--dates must be day-first or month-first") }
    }

    func run() throws {
        let result = try database.open().evaluate(
            table: table, goldPath: gold, schemaPath: schema, dates: dates.order ?? .monthFirst, candidates: candidates)
        let evidence = result.evidence
        if json {
            try Output.json(result)
        } else {
            print(Self.render(result.report, runID: result.run, table: table))
            print("Evidence: \(evidence.checked - evidence.mismatched) of \(evidence.checked) quotes found verbatim at their page offsets.")
            if let recall = result.candidates {
                print(
                    "Candidate recall (gold values among the span extractor's candidates): "
                        + recall.map { "\($0.field) \(String(format: "%.1f", 100 * $0.recall))% of \($0.gold)" }.joined(separator: ", "))
            }
        }
        if evidence.mismatched > 0 {
            throw CLIFailure(message: "\(evidence.mismatched) evidence quotes do not match their pages", code: ExitStatus.runtime)
        }
    }

    static func render(_ r: EvaluationReport, runID: Int64, table: String) -> String {
        func pct(_ x: Double) -> String { String(format: "%5.1f", 100 * x) }
        let width = max(12, (r.fields.map(\.field.count) + [5]).max()!)
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        var lines = ["\(pad("field"))  prec  recall   F1  exact   tp   fp   fn"]
        for s in r.fields + [r.micro] {
            lines.append(
                "\(pad(s.field)) \(pct(s.precision)) \(pct(s.recall)) \(pct(s.f1)) \(pct(s.exact)) "
                    + String(format: "%4d %4d %4d", s.truePositives, s.falsePositives, s.falseNegatives))
        }
        lines.append("\(pad("macro")) \(pct(r.macroPrecision)) \(pct(r.macroRecall)) \(pct(r.macroF1)) \(pct(r.macroExact))")
        lines.append("\(r.documents) gold documents; \(r.missing.count) without a row in \(table). Stored as run \(runID).")
        return lines.joined(separator: "\n")
    }
}
