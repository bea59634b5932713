import ArgumentParser
import Foundation
import QuarryKit

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
        let outcome = try Workspace.runPipeline(file, database: db, progress: TerminalProgress(showNotices: !json)) { name, path in
            if !json { Output.message("Running pipeline \(name) into \(Output.display(path))") }
        }
        if json {
            try Output.json(outcome.stages)
        } else {
            for stage in outcome.stages {
                switch stage {
                case .ingest(let report): print("ingest: " + Ingest.summary(report))
                case .extract(let report): print("extract: " + Extract.summary(report))
                case .tune(let report): print("tune: " + Tune.summary(report))
                }
            }
            print("")
            ListDocuments.printListing(outcome.documents)
            for (table, sql) in outcome.tableQueries {
                print("")
                print("Query the table \(table):")
                print("  quarry query \(Self.shellQuoted(sql)) --db \(Self.shellQuoted(Output.display(outcome.database)))")
            }
        }
        if outcome.someFailed { throw CLIFailure(message: "", code: ExitStatus.partial) }
    }

    /// `text` as one shell word: bare when it is safe, else in double quotes (or single quotes when it has `"`).
    static func shellQuoted(_ text: String) -> String {
        if text.range(of: "^[A-Za-z0-9_./=:@%+-]+$", options: .regularExpression) != nil { return text }
        if !text.contains("\"") && !text.contains("$") && !text.contains("`") && !text.contains("\\") { return "\"" + text + "\"" }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
