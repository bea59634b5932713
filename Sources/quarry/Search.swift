import ArgumentParser
import QuarryKit

/// `quarry search`: full-text search over chunks.
struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the ingested text by words, by meaning, or both.",
        discussion: """
            --mode lexical (the default) ranks chunks by BM25: words are matched in any order, and
            stemming makes "invoices" find "invoice". Put a phrase in double quotes to match it
            exactly. Any other characters are searched literally, never treated as query syntax.

            --mode semantic embeds the query with the sentence encoder and ranks chunks by cosine
            similarity (an exact scan of every stored vector), so "who signed the agreement" finds
            a chunk naming the parties without sharing its words. The score is the cosine.

            --mode hybrid fuses both rankings by reciprocal rank fusion (score = sum of 1/(60+rank)):
            the best choice for questions in natural language.

            Each hit gives the document, the page, and the chunk's offsets into that page's text
            (code points, 0-based, end exclusive), so in SQL
            substr(pages.text, start + 1, "end" - start) is the chunk.

            Examples:
              quarry search "payment terms"
              quarry search '"net 30" invoice' --all --limit 5
              quarry search total --json
              quarry search "which state's law governs this agreement" --mode hybrid
            """)

    @Argument(help: "What to look for.")
    var terms: String

    @OptionGroup var database: DatabaseOption

    @Option(help: "How many hits to show.")
    var limit = 10

    @Option(help: "lexical (BM25), semantic (vectors) or hybrid (both, fused).")
    var mode: Searcher.Mode = .lexical

    @Flag(help: "Require every word (by default any word matches and more matches rank higher).")
    var all = false

    @Flag(help: "Print a JSON array of hits.")
    var json = false

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let bold = !json && Output.stdoutIsTerminal
        let hits = try database.open().search(
            terms, mode: mode, limit: limit, matchAll: all,
            highlight: bold ? ("\u{1B}[1m", "\u{1B}[0m") : json ? ("", "") : ("[", "]"))
        if json { try Output.json(hits); return }
        guard !hits.isEmpty else { print("No matches for \(terms)."); return }
        for (i, hit) in hits.enumerated() {
            print(
                "\(i + 1). \(Output.display(hit.path))  page \(hit.location.page)  [\(hit.location.start)..<\(hit.location.end)]  score \(String(format: "%.2f", hit.score))"
            )
            print("   \(hit.snippet)")
        }
    }
}
