import ArgumentParser
import Assistant
import Foundation
import QuarryKit
import Store
import Models
import Tensors

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
        subcommands: [Ingest.self, ListDocuments.self, Search.self, Ask.self, EvalQA.self, Guide.self, Extract.self, Tune.self, Train.self, ModelsCommand.self, Eval.self, Query.self, Run.self, Embed.self, Generate.self, Tokenize.self, Doctor.self,
                      ParseWorkerCommand.self])

    /// Runs the command line, mapping errors to the documented exit codes.
    static func main() async {
        BLASRuntime.reexecIfGenericCore()
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
            Output.error(error.description)
            switch error {
            case .store, .model: Foundation.exit(ExitStatus.runtime)
            case .noSuchPath, .pipeline, .extraction, .schema, .tuning, .invalidOption: Foundation.exit(ExitStatus.usage)
            }
        } catch let error as AssistantError {
            Output.error(error.description)
            switch error {
            case .store, .model, .noVectors: Foundation.exit(ExitStatus.runtime)
            case .invalidFilter, .invalidQuestions: Foundation.exit(ExitStatus.usage)
            }
        } catch let error as ModelError {
            Output.error(error.description)
            Foundation.exit(ExitStatus.runtime)
        } catch let error as StoreError {
            Output.error(error.description)
            Foundation.exit(ExitStatus.runtime)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Output.error(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// The exit codes `quarry` promises.
enum ExitStatus {
    static let ok: Int32 = 0
    static let runtime: Int32 = 1
    static let usage: Int32 = 2
    static let partial: Int32 = 3
}

/// An error already phrased for the user, with the exit code to end with.
struct CLIFailure: Error {
    let message: String
    let code: Int32
}

/// `--db`, shared by every command that touches the database.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project database.", valueName: "file"))
    var db: String = "quarry.db"

    /// Opens the database, which must exist unless `create` is true.
    func open(create: Bool = false) throws -> Store {
        try Store(path: db, create: create)
    }
}

/// Loading the sentence encoder for commands that embed text.
enum Encoder {
    /// The installed encoder; a missing or damaged model is an error that says how to fix it.
    static func load() throws(ModelError) -> SentenceEncoder { try SentenceEncoder() }
}

extension Ingestor.Parsing {
    /// Parse in worker processes running this same executable, one per core.
    static var parallel: Ingestor.Parsing {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return .workers(executable: me, count: ProcessInfo.processInfo.activeProcessorCount)
    }
}
