import ArgumentParser
import Store

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
        if json { try Output.json(documents.map(JSONDocument.init)) } else { Self.printListing(documents) }
    }

    /// Prints documents as a table with a one-line summary.
    static func printListing(_ documents: [DocumentRecord]) {
        guard !documents.isEmpty else { print("No documents yet: add some with `quarry ingest PATH`."); return }
        let rows = documents.map { d in
            [String(d.id), d.status.rawValue, d.kind ?? "-", String(d.pageCount), String(d.chunkCount),
             Output.display(d.path), Output.clip(d.error ?? d.title ?? "", 70)]
        }
        print(Output.table(["id", "status", "kind", "pages", "chunks", "path", "note"], rows, numeric: [0, 3, 4]))
        let failed = documents.filter { $0.status == .failed }.count
        let partial = documents.filter { $0.status == .partial }.count
        print("\(documents.count) documents, \(documents.reduce(0) { $0 + $1.pageCount }) pages; \(partial) partial, \(failed) failed.")
    }
}

/// The JSON shape of a document listing, with the database's column names.
struct JSONDocument: Encodable {
    let id: Int64, path: String, sha256: String, kind: String?, page_count: Int, status: String
    let error: String?, ingested_at: String, pages_without_text: Int, title: String?, author: String?
    let chunk_count: Int

    init(_ d: DocumentRecord) {
        id = d.id; path = d.path; sha256 = d.sha256; kind = d.kind; page_count = d.pageCount
        status = d.status.rawValue; error = d.error; ingested_at = d.ingestedAt
        pages_without_text = d.pagesWithoutText; title = d.title; author = d.author; chunk_count = d.chunkCount
    }
}
