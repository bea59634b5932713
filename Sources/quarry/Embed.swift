import ArgumentParser
import Foundation
import Models

/// `quarry embed`: print sentence vectors.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the sentence vectors of texts (all-MiniLM-L6-v2, unit length).",
        discussion: """
            The same encoder that embeds chunks at ingest: WordPiece tokens, six transformer
            layers, the mean of the token states, scaled to unit length, so the dot product of two
            vectors is their cosine similarity. Texts over 256 tokens are truncated, as the
            reference model does (ingest splits chunks so that nothing is cut).

            Without --json, prints one line per text: the token count and the first values.

            Examples:
              quarry embed "net 30 days" "payment due within thirty days"
              quarry embed "Governing law: Delaware" --json | jq '.[0].vector | length'
            """)

    @Argument(help: ArgumentHelp("Texts to embed.", valueName: "text"))
    var texts: [String]

    @Flag(help: "Print a JSON array of {text, tokens, vector}.")
    var json = false

    func validate() throws {
        if texts.isEmpty { throw ValidationError("give at least one text to embed") }
    }

    struct Item: Encodable { let text: String; let tokens: Int; let vector: [Float] }

    func run() throws {
        let encoder = try Encoder.load()
        let vectors = encoder.encode(texts)
        let items = texts.enumerated().map { i, text in
            Item(text: text, tokens: min(encoder.tokenCount(text), encoder.textTokenLimit) + 2, vector: vectors.row(i))
        }
        if json { try Output.json(items); return }
        for item in items {
            let head = item.vector.prefix(6).map { String(format: "%+.4f", $0) }.joined(separator: " ")
            print("\(item.tokens) tokens  [\(head) … ] (\(item.vector.count) dims)  \(Output.clip(item.text, 60))")
        }
        if items.count > 1 {
            print("cosine similarity of the first two: \(String(format: "%.4f", zip(items[0].vector, items[1].vector).reduce(0) { $0 + $1.0 * $1.1 }))")
        }
    }
}
