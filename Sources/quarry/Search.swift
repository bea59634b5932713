import ArgumentParser
import Store

/// `quarry search`: full-text search over chunks.
struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the ingested text (BM25 over chunks).",
        discussion: """
            Words are matched in any order, best matches first; stemming makes "invoices" find
            "invoice". Put a phrase in double quotes to match it exactly. Any other characters are
            searched literally, never treated as query syntax.

            Each hit gives the document, the page, and the chunk's offsets into that page's text
            (code points, 0-based, end exclusive), so in SQL
            substr(pages.text, start + 1, "end" - start) is the chunk.

            Examples:
              quarry search "payment terms"
              quarry search '"net 30" invoice' --all --limit 5
              quarry search total --json
            """)

    @Argument(help: "What to look for.")
    var terms: String

    @OptionGroup var database: DatabaseOption

    @Option(help: "How many hits to show.")
    var limit = 10

    @Flag(help: "Require every word (by default any word matches and more matches rank higher).")
    var all = false

    @Flag(help: "Print a JSON array of hits.")
    var json = false

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let store = try database.open()
        let bold = !json && Output.stdoutIsTerminal
        let hits = try store.search(terms, limit: limit, matchAll: all,
                                    highlight: bold ? ("\u{1B}[1m", "\u{1B}[0m") : json ? ("", "") : ("[", "]"))
        if json { try Output.json(hits); return }
        guard !hits.isEmpty else { print("No matches for \(terms)."); return }
        for (i, hit) in hits.enumerated() {
            print("\(i + 1). \(Output.display(hit.path))  page \(hit.page)  [\(hit.start)..<\(hit.end)]  score \(String(format: "%.2f", hit.score))")
            print("   \(hit.snippet)")
        }
    }
}
