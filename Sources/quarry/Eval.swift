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

            Each extracted value carries a confidence (NAME__evidence.confidence). The report adds
            how well they are calibrated: values binned by confidence, each bin's mean confidence
            beside the share of its values that are right, and the expected calibration error
            (the gaps weighted by the bins' sizes; 0 is perfect). Sort a review by it:
              quarry query "SELECT field, quote, confidence FROM invoices__evidence ORDER BY confidence"
            --cells --json lists every such value with whether gold agrees (to fit or check a
            calibration).

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

    @Flag(help: "With --json, also list every value that has a confidence: document, field, value, confidence and whether gold agrees.")
    var cells = false

    @Flag(help: "Print the scores as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if dates == .auto { throw ValidationError("--dates must be day-first or month-first") }
    }

    func run() throws {
        var result = try database.open().evaluate(
            table: table, goldPath: gold, schemaPath: schema, dates: dates.order ?? .monthFirst, candidates: candidates)
        if !cells { result.calibration = result.calibration.withoutValues }
        let evidence = result.evidence
        if json {
            try Output.json(result)
        } else {
            print(Self.render(result.report, runID: result.run, table: table))
            print("Evidence: \(evidence.checked - evidence.mismatched) of \(evidence.checked) quotes found verbatim at their page offsets.")
            if let lines = Self.render(result.calibration) { print(lines) }
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

    /// The reliability table of the cells' confidences; nil when no cell has one.
    static func render(_ c: Calibration) -> String? {
        guard c.cells > 0 else { return nil }
        var lines = [
            "Confidence: \(c.cells) values with a confidence, \(c.right) right; expected calibration error "
                + String(format: "%.3f", c.expectedCalibrationError) + " (a value marked 0.9 should be right 9 times in 10):"
        ]
        for b in c.bins {
            lines.append(
                String(format: "  %.1f–%.1f  %5d values  mean confidence %.3f  right %.3f", b.lower, b.upper, b.cells, b.meanConfidence, b.accuracy))
        }
        return lines.joined(separator: "\n")
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
