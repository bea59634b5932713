import ArgumentParser
import Foundation
import QuarryKit

/// `quarry extract`: documents in, schema-typed rows out.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract schema-typed rows from documents into a table.",
        discussion: """
            Ingests what is new under the paths, then fills the table NAME with one row per
            document: a column per field of the schema (a JSON Schema subset; see
            Fixtures/schemas/), a child table NAME__FIELD for arrays of objects, the evidence of
            every value in NAME__evidence (page, character range, quote, box) and validation
            problems in NAME__issues.

            Rerunning with the same schema and model does no work. Adding a field to the schema
            adds a column and extracts only that field; an incompatible change (a removed field,
            a changed type) is refused unless --replace rebuilds the table. Rows are written in
            small batches, so an interrupted run resumes where it stopped.

            Examples:
              quarry extract --schema Fixtures/schemas/invoice.json --table invoices Fixtures/documents
              quarry query "SELECT vendor, invoice_date, total FROM invoices ORDER BY total DESC"
              quarry query "SELECT field, quote, page_number FROM invoices__evidence WHERE row_id = 1"
              quarry extract --schema nda.yaml --table ndas contracts/ --json | jq .filled
              quarry extract --schema Fixtures/schemas/invoice.json --table invoices_llm --extractor llm Fixtures/documents

            The llm extractor shows the model the schema and the passages most relevant to its
            fields, and decodes a JSON row under the schema's constraint; text values must be
            copied from the document. It is far slower than span (seconds per document).

            Exit status: 0 done, 1 runtime error (database, model), 2 bad usage or a bad schema,
            3 some documents could not be read (the rest were extracted).
            """)

    @Option(help: "The extractor: span (fast, the default) or llm (the embedded language model writing schema-constrained, grounded JSON).")
    var extractor = ExtractorKind.span

    @Option(
        help: ArgumentHelp(
            "For span: a parameter file, a model version id or zero-shot (default: the version promoted for the table, else zero-shot; see `quarry models`). For llm: a GGUF model (default: SmolLM2-135M-Instruct).",
            valueName: "file|id"))
    var model: String?

    @Option(help: "Password for encrypted PDFs.")
    var password: String?

    @Flag(help: "Drop and rebuild the table when the schema changed incompatibly.")
    var replace = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var target: TableOptions

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("Files or folders to extract from.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or folder to extract from") }
    }

    func run() throws {
        var request = ExtractRequest(schemaPath: target.schema, table: target.table, paths: paths)
        request.extractor = extractor
        request.parametersPath = model
        request.password = password
        request.replace = replace
        request.dates = target.dates.order
        // A bad schema or a missing path is a usage error, reported before the model is loaded.
        try Workspace.checkInputs(schema: target.schema, paths: paths)
        let report = try database.open(create: true).extract(request, progress: TerminalProgress(showNotices: !json))
        if json { try Output.json(report) } else { print(Self.summary(report)) }
        if report.ingest.failed > 0 { throw CLIFailure(message: "", code: ExitStatus.partial) }
    }

    static func summary(_ r: ExtractReport) -> String {
        var lines = [
            "Extracted \(r.extracted) of \(r.documents) documents into \(r.table) (table \(r.tableChange); "
                + "\(r.upToDate) already up to date) with \(r.model) in \(String(format: "%.1f", r.seconds)) s."
        ]
        if r.ingest.ingested + r.ingest.replaced + r.ingest.failed > 0 { lines.append("ingest: " + Ingest.summary(r.ingest)) }
        if r.extracted > 0 {
            lines.append("Fields filled (of \(r.extracted)): " + r.filled.map { "\($0.field) \($0.filled)" }.joined(separator: ", "))
            lines.append("Validation: \(r.issues) issue\(r.issues == 1 ? "" : "s") in \(r.rowsWithIssues) row\(r.rowsWithIssues == 1 ? "" : "s").")
            for issue in r.issueSamples.prefix(5) {
                lines.append("  \(Output.display(issue.document)): \(issue.field): \(issue.message)")
            }
        }
        lines.append("\(r.rows) rows in \(r.table). Try: quarry query \"SELECT * FROM \(r.table) LIMIT 5\"")
        return lines.joined(separator: "\n")
    }
}
