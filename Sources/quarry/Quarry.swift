import ArgumentParser
import Foundation
import QuarryKit

/// The `quarry` command.
@main
struct Quarry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarry",
        abstract: "Turn folders of documents into queryable tables.",
        discussion: """
            Start by ingesting a folder, then look around:
              quarry ingest Fixtures/documents
              quarry documents
              quarry search "invoice total"
              quarry search "who are the parties?" --mode hybrid
              quarry query "SELECT kind, count(*) FROM documents GROUP BY kind"
              quarry run Pipelines/invoices.yaml      # ingest, then extract a table
              quarry models list                      # tuned extractor versions; promote, roll back
              quarry generate --chat --prompt "Summarise: ..."   # the embedded language model

            Everything lives in one SQLite file (quarry.db, or --db FILE).

            Exit status: 0 success, 1 a runtime error (e.g. the database), 2 bad usage or input
            (unknown option, missing path, invalid pipeline), 3 some documents failed but others
            were ingested.
            """,
        subcommands: [
            Ingest.self, ListDocuments.self, Search.self, Ask.self, EvalQA.self, Guide.self, Extract.self, Tune.self,
            Train.self, ModelsCommand.self, Eval.self, Explain.self, Query.self, Run.self, Embed.self, Generate.self, Tokenize.self,
            Doctor.self, ParseWorkerCommand.self,
        ])

    /// Runs the command line, mapping errors to the documented exit codes.
    static func main() async {
        EnvironmentReport.preferFastBLASCore()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIFailure {
            if !error.message.isEmpty { Output.error(error.message) }
            Foundation.exit(error.code)
        } catch let error as QuarryError {
            Output.error(Failure.message(error))
            Foundation.exit(error.isCallersFault ? ExitStatus.usage : ExitStatus.runtime)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Output.error(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// `--db`, shared by every command that touches the database.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project database.", valueName: "file"))
    var db: String = "quarry.db"

    /// Opens the database, which must exist unless `create` is true.
    func open(create: Bool = false) throws -> Workspace {
        try Workspace(database: db, create: create)
    }
}
