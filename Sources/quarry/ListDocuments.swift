import ArgumentParser
import QuarryKit

/// `quarry documents`: what is in the database.
struct ListDocuments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "List the documents in the database with their status.",
        discussion: """
            Status is ok, partial (some pages have no text layer) or failed (with the reason).

            Examples:
              quarry documents
              quarry documents --json | jq '.[] | select(.status == "failed")'
            """)

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print a JSON array of documents.")
    var json = false

    func run() async throws {
        let documents = try database.open().documents()
        if json { try Output.json(documents) } else { Self.printListing(documents) }
    }

    /// Prints documents as a table with a one-line summary.
    static func printListing(_ documents: [DocumentRecord]) {
        guard !documents.isEmpty else { print("No documents yet: add some with `quarry ingest PATH`."); return }
        let rows = documents.map { d in
            [
                String(d.id), d.status.rawValue, d.kind ?? "-", String(d.pageCount), String(d.chunkCount),
                Output.display(d.path), Output.clip(d.error ?? d.title ?? "", 70),
            ]
        }
        print(Output.table(["id", "status", "kind", "pages", "chunks", "path", "note"], rows, numeric: [0, 3, 4]))
        let failed = documents.filter { $0.status == .failed }.count
        let partial = documents.filter { $0.status == .partial }.count
        print("\(documents.count) documents, \(documents.reduce(0) { $0 + $1.pageCount }) pages; \(partial) partial, \(failed) failed.")
    }
}
