import ArgumentParser
import Foundation
import QuarryKit

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
            With --input, reads many texts (one JSON string per line) and writes the vectors to
            --output as little-endian float32 rows. (Benchmarks/encoder.py times the encoder
            with the benchmark tool, quarry-bench encoder.)

            Examples:
              quarry embed "net 30 days" "payment due within thirty days"
              quarry embed "Governing law: Delaware" --json | jq '.[0].vector | length'
              quarry embed --input chunks.jsonl --output vectors.f32 --batch-size 32 --json
            """)

    @Argument(help: ArgumentHelp("Texts to embed.", valueName: "text")) var texts: [String] = []
    @Option(help: ArgumentHelp("Read texts from a file, one JSON string per line.", valueName: "file")) var input: String?
    @Option(help: ArgumentHelp("With --input: write the vectors here (float32, little-endian, one row per text).", valueName: "file"))
    var output: String?
    @Option(help: "Texts per encoder batch.") var batchSize = 32
    @Option(help: "BLAS threads (default: one per core).") var threads: Int?
    @Flag(help: "Print JSON: an array of {text, tokens, vector}, or with --input the counts.") var json = false

    func validate() throws {
        if texts.isEmpty && input == nil { throw ValidationError("give texts to embed, or --input FILE") }
        if !texts.isEmpty && input != nil { throw ValidationError("give texts or --input, not both") }
        if output != nil && input == nil { throw ValidationError("--output goes with --input") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if let input {
            let report = try SentenceEmbedding.embedFile(input, output: output, batchSize: batchSize, threads: threads)
            if json { try Output.json(report); return }
            print("\(report.texts) texts (\(report.tokens) tokens) embedded" + (output.map { " into \($0)" } ?? "") + ".")
            return
        }
        let items = try SentenceEmbedding.embed(texts, batchSize: batchSize, threads: threads)
        if json { try Output.json(items); return }
        for item in items {
            let head = item.vector.prefix(6).map { String(format: "%+.4f", $0) }.joined(separator: " ")
            print("\(item.tokens) tokens  [\(head) … ] (\(item.vector.count) dims)  \(Output.clip(item.text, 60))")
        }
        if items.count > 1 {
            print(
                "cosine similarity of the first two: \(String(format: "%.4f", zip(items[0].vector, items[1].vector).reduce(0) { $0 + $1.0 * $1.1 }))")
        }
    }
}
