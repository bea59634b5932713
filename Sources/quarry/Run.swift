import ArgumentParser
import Foundation
import QuarryKit
import Store

/// `quarry run`: run a pipeline file.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline file (see Pipelines/).",
        discussion: """
            A pipeline names its stages in order: `ingest` reads files into the database (as
            quarry ingest), `extract` fills a schema-typed table from them (as quarry extract).
            Relative paths in the file are resolved against the file's folder. The database is
            --db, else the pipeline's `database` key, else quarry.db.

            Example pipeline (Pipelines/invoices.yaml):
              name: invoices
              stages:
                - ingest:
                    paths: [../Fixtures/documents]
                - extract:
                    schema: ../Fixtures/schemas/invoice.json   # required
                    table: invoices                             # required
                    paths: [../Fixtures/documents]              # required
                    extractor: span                             # optional
                    model: params.json                          # optional span parameter file
                    dates: auto                                 # or day-first, month-first
                    password: secret                            # optional, for encrypted PDFs
                    replace: false                              # true rebuilds an incompatible table

            Examples:
              quarry run Pipelines/invoices.yaml --db demo.db
              quarry run Pipelines/fixtures.yaml --json

            Exit status: 0 done, 1 runtime error, 2 invalid pipeline file or schema, 3 some
            documents could not be read (the rest went through every stage).
            """)

    @Argument(help: ArgumentHelp("The pipeline file.", valueName: "pipeline.yaml"))
    var file: String

    @Option(help: ArgumentHelp("The project database (overrides the pipeline's `database`).", valueName: "file"))
    var db: String?

    @Flag(help: "Print the stage reports as JSON.")
    var json = false

    func run() throws {
        let pipeline = try Pipeline.load(file)
        let store = try Store(path: db ?? pipeline.database ?? "quarry.db", create: true)
        if !json { Output.message("Running pipeline \(pipeline.name) into \(Output.display(store.path))") }
        let results = try PipelineRunner(pipeline: pipeline, store: store, parsing: .parallel)
            .run(progress: TerminalProgress(showNotices: !json))
        var failed = false
        var tables: [String] = []
        for result in results {
            switch result {
            case .ingest(let report):
                failed = failed || report.failed > 0
                if !json { print("ingest: " + Ingest.summary(report)) }
            case .extract(let report):
                failed = failed || report.ingest.failed > 0
                if !tables.contains(report.table) { tables.append(report.table) }
                if !json { print("extract: " + Extract.summary(report)) }
            case .tune(let report):
                if !json { print("tune: " + Tune.summary(report)) }
            }
        }
        if json {
            try Output.json(results.map(StageOutput.init))
        } else {
            print("")
            ListDocuments.printListing(try store.documents())
            for table in tables {
                guard let layout = try store.resultTableLayout(table) else { continue }
                print("")
                print("Query the table \(table):")
                print("  " + Self.exampleQuery(layout, database: store.path))
            }
        }
        if failed { throw CLIFailure(message: "", code: ExitStatus.partial) }
    }

    /// A `quarry query` command line showing a result table's first three scalar columns.
    static func exampleQuery(_ layout: ResultTableLayout, database: String) -> String {
        let columns = ["document_path"] + layout.columns.prefix(3).map { column in
            column.name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
                && !sqlKeywords.contains(column.name.lowercased())
                ? column.name : "\"" + column.name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(layout.name) LIMIT 5"
        return "quarry query \(shellQuoted(sql)) --db \(shellQuoted(Output.display(database)))"
    }

    /// Keywords that a column name must be quoted to be used as.
    static let sqlKeywords: Set<String> = ["end", "order", "group", "select", "from", "where", "limit", "table", "index",
                                           "by", "as", "on", "in", "is", "not", "and", "or", "case", "when", "then",
                                           "else", "default", "check", "references", "to", "transaction", "values"]

    /// `text` as one shell word: bare when it is safe, else in double quotes (or single quotes when it has `"`).
    static func shellQuoted(_ text: String) -> String {
        if text.range(of: "^[A-Za-z0-9_./=:@%+-]+$", options: .regularExpression) != nil { return text }
        if !text.contains("\"") && !text.contains("$") && !text.contains("`") && !text.contains("\\") { return "\"" + text + "\"" }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// One stage's report as `{"ingest": …}` or `{"extract": …}`.
    enum StageOutput: Encodable {
        case ingest(IngestReport)
        case extract(ExtractReport)
        case tune(TuneReport)

        init(_ result: PipelineRunner.StageResult) {
            switch result {
            case .ingest(let report): self = .ingest(report)
            case .extract(let report): self = .extract(report)
            case .tune(let report): self = .tune(report)
            }
        }

        enum CodingKeys: String, CodingKey { case ingest, extract, tune }

        func encode(to encoder: any Swift.Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .ingest(let report): try container.encode(report, forKey: .ingest)
            case .extract(let report): try container.encode(report, forKey: .extract)
            case .tune(let report): try container.encode(report, forKey: .tune)
            }
        }
    }
}
