import ArgumentParser
import Foundation
import Models
import Tensors

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
            With --input, reads many texts (one JSON string per line), writes the vectors to
            --output as little-endian float32 rows, and prints the throughput: this is what
            Benchmarks/encoder.py times.

            Examples:
              quarry embed "net 30 days" "payment due within thirty days"
              quarry embed "Governing law: Delaware" --json | jq '.[0].vector | length'
              quarry embed --input chunks.jsonl --output vectors.f32 --batch-size 32 --json
            """)

    @Argument(help: ArgumentHelp("Texts to embed.", valueName: "text"))
    var texts: [String] = []

    @Option(help: ArgumentHelp("Read texts from a file, one JSON string per line.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("With --input: write the vectors here (float32, little-endian, one row per text).", valueName: "file"))
    var output: String?

    @Option(help: "Texts per encoder batch.")
    var batchSize = 32

    @Option(help: "BLAS threads (default: one per core).")
    var threads: Int?

    @Flag(help: "Print JSON: an array of {text, tokens, vector}, or with --input the throughput.")
    var json = false

    func validate() throws {
        if texts.isEmpty && input == nil { throw ValidationError("give texts to embed, or --input FILE") }
        if !texts.isEmpty && input != nil { throw ValidationError("give texts or --input, not both") }
        if output != nil && input == nil { throw ValidationError("--output goes with --input") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    struct Item: Encodable { let text: String; let tokens: Int; let vector: [Float] }

    /// What an --input run measured.
    struct Throughput: Encodable {
        let texts: Int, tokens: Int, seconds: Double, textsPerSecond: Double, tokensPerSecond: Double
        let batchSize: Int, threads: Int, blasCore: String, peakRssMib: Double
    }

    func run() throws {
        if let threads { BLASRuntime.setThreads(threads) }
        let encoder = try Encoder.load()
        if let input { try embedFile(input, with: encoder); return }
        let vectors = encoder.encode(texts, batchSize: batchSize)
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

    private func embedFile(_ path: String, with encoder: SentenceEncoder) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure(message: "cannot read \(path)", code: ExitStatus.usage) }
        var texts: [String] = []
        for (i, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            guard let text = try? JSONDecoder().decode(String.self, from: Data(line)) else {
                throw CLIFailure(message: "\(path):\(i + 1): expected a JSON string", code: ExitStatus.usage)
            }
            texts.append(text)
        }
        let ids = texts.map { encoder.tokenizer.encode($0, maxLength: encoder.maxTokens) }
        _ = encoder.encode(ids: Array(ids.prefix(batchSize)), batchSize: batchSize)   // warm-up, as the PyTorch side does
        let start = Date()
        let vectors = encoder.encode(ids: ids, batchSize: batchSize)
        let seconds = Date().timeIntervalSince(start)
        if let output {
            let bytes = vectors.values.withUnsafeBufferPointer { Data(buffer: $0) }
            guard FileManager.default.createFile(atPath: output, contents: bytes) else {
                throw CLIFailure(message: "cannot write \(output)", code: ExitStatus.runtime)
            }
        }
        let tokens = ids.reduce(0) { $0 + $1.count }
        let result = Throughput(texts: texts.count, tokens: tokens, seconds: seconds,
                                textsPerSecond: Double(texts.count) / max(seconds, 1e-9),
                                tokensPerSecond: Double(tokens) / max(seconds, 1e-9), batchSize: batchSize,
                                threads: BLASRuntime.threads, blasCore: BLASRuntime.coreName,
                                peakRssMib: Output.peakResidentMiB)
        if json { try Output.json(result); return }
        print("\(result.texts) texts (\(tokens) tokens) in \(String(format: "%.2f", seconds)) s: "
              + "\(String(format: "%.1f", result.textsPerSecond)) texts/s, \(String(format: "%.0f", result.tokensPerSecond)) tokens/s "
              + "(batch \(batchSize), \(result.threads) BLAS threads, core \(result.blasCore))")
    }
}
