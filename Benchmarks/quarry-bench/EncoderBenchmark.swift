import Foundation
import Models
import QuarryKit
import Tensors

/// `quarry-bench encoder --input FILE [--output FILE] [--batch-size N] [--threads N]`: encodes the
/// texts of a JSON Lines file (one JSON string per line) with all-MiniLM-L6-v2 after one warm-up
/// batch, as the PyTorch side of Benchmarks/encoder.py does, writes the vectors (float32 rows) to
/// --output, and prints the throughput as JSON on stdout.
func encoderBenchmark(_ arguments: [String]) throws {
    let input = try value(of: "--input", in: arguments)
    let output = try? value(of: "--output", in: arguments)
    let batchSize = Int((try? value(of: "--batch-size", in: arguments)) ?? "32") ?? 32
    if let threads = (try? value(of: "--threads", in: arguments)).flatMap(Int.init) { BLASRuntime.setThreads(threads) }
    let texts = try SentenceEmbedding.readTexts(input)
    let encoder = try SentenceEncoder()
    let ids = texts.map { encoder.tokenizer.encode($0, maxLength: encoder.maxTokens) }
    _ = encoder.encode(ids: Array(ids.prefix(batchSize)), batchSize: batchSize)  // warm-up
    let start = ContinuousClock.now
    let vectors = encoder.encode(ids: ids, batchSize: batchSize)
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    if let output {
        let bytes = vectors.values.withUnsafeBufferPointer { Data(buffer: $0) }
        guard FileManager.default.createFile(atPath: output, contents: bytes) else { throw BenchError("cannot write \(output)") }
    }
    let tokens = ids.reduce(0) { $0 + $1.count }
    let report: [String: Any] = [
        "texts": texts.count, "tokens": tokens, "seconds": seconds,
        "texts_per_second": Double(texts.count) / max(seconds, 1e-9), "tokens_per_second": Double(tokens) / max(seconds, 1e-9),
        "batch_size": batchSize, "threads": BLASRuntime.threads, "blas_core": BLASRuntime.coreName,
        "peak_rss_mib": ProcessMemory.peakResidentMiB,
    ]
    let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}
