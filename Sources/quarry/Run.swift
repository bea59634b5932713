import ArgumentParser
import QuarryKit
import Store

/// `quarry run`: run a pipeline file.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline file (see Pipelines/).",
        discussion: """
            A pipeline names its stages in order; today the stage is `ingest`. Relative paths in the
            file are resolved against the file's folder. The database is --db, else the pipeline's
            `database` key, else quarry.db.

            Example pipeline (Pipelines/fixtures.yaml):
              name: fixtures
              stages:
                - ingest:
                    paths: [../Fixtures/documents]

            Example:
              quarry run Pipelines/fixtures.yaml --db demo.db
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
        var reports: [IngestReport] = []
        for result in results {
            switch result {
            case .ingest(let report):
                failed = failed || report.failed > 0
                reports.append(report)
                if !json { print("ingest: " + Ingest.summary(report)) }
            }
        }
        if json {
            try Output.json(reports.map { ["ingest": $0] })
        } else {
            print("")
            ListDocuments.printListing(try store.documents())
        }
        if failed { throw CLIFailure(message: "", code: ExitStatus.partial) }
    }
}
