import ArgumentParser
import Foundation
import QuarryKit

/// `quarry ingest`: read files into the database.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read PDFs, text and Markdown files into the database.",
        discussion: """
            Folders are read recursively (hidden files are skipped). Each file is identified by its
            content: an unchanged file is skipped, a changed one replaces its earlier version. Every
            document is committed on its own, so an interrupted run can simply be started again.
            A file that cannot be read is recorded as failed with the reason; the rest go on.

            Every chunk is embedded with the sentence encoder (all-MiniLM-L6-v2) for semantic
            search; chunks are cut to fit its 256-token input, so no text goes unembedded.
            Documents ingested earlier without vectors are embedded too. --no-embed skips this
            (lexical search still works).

            Examples:
              quarry ingest Fixtures/documents
              quarry ingest contracts/ --password s3cret --db legal.db
              quarry ingest invoices/ --json | jq .failures

            Exit status: 0 all went well, 2 bad usage, 3 some documents failed.
            """)

    @Argument(help: ArgumentHelp("Files or folders to ingest.", valueName: "path"))
    var paths: [String]

    @OptionGroup var database: DatabaseOption

    @Option(help: "Password for encrypted PDFs (without it, the empty user password is tried).")
    var password: String?

    @Flag(help: "Skip chunk embeddings (faster; semantic search then has nothing to search).")
    var noEmbed = false

    @Flag(help: "Print one JSON object with the counts and the failures.")
    var json = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or folder to ingest") }
    }

    func run() throws {
        // A missing path is a usage error, reported before the database is created or the model loaded.
        try Workspace.checkInputs(paths: paths)
        let report = try database.open(create: true).ingest(
            paths, password: password, embed: !noEmbed,
            progress: TerminalProgress(showNotices: !json))
        if json { try Output.json(report) } else { print(Self.summary(report)) }
        if report.failed > 0 { throw CLIFailure(message: "", code: ExitStatus.partial) }
    }

    static func summary(_ r: IngestReport) -> String {
        var parts = ["Ingested \(r.ingested) document\(r.ingested == 1 ? "" : "s") (\(r.pages) pages, \(r.chunks) chunks)"]
        if r.embedded > 0 { parts.append("\(r.embedded) chunks embedded") }
        if r.replaced > 0 { parts.append("\(r.replaced) replaced an earlier version") }
        parts.append("\(r.unchanged) unchanged")
        parts.append("\(r.failed) failed")
        var text = parts.joined(separator: "; ") + "."
        if r.pagesWithoutText > 0 {
            text += "\n\(r.pagesWithoutText) page\(r.pagesWithoutText == 1 ? " has" : "s have") no text layer (scanned; OCR is not supported)."
        }
        for f in r.failures { text += "\nfailed: \(Output.display(f.path)): \(f.reason)" }
        return text
    }
}
