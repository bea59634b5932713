import Foundation
import Synchronization
import Tensors

/// A sentence-transformers style encoder: WordPiece tokens → BERT → mean of the token states →
/// unit length. Loaded from a model folder with `config.json`, `model.safetensors`,
/// `tokenizer.json` (or `vocab.txt`) and optionally `sentence_bert_config.json`.
public final class SentenceEncoder: Sendable {
    /// The model Quarry uses for chunks and queries.
    public static let defaultModel = "all-MiniLM-L6-v2"

    public let name: String
    public let tokenizer: WordPieceTokenizer
    public let model: BertModel
    /// Longest input in tokens, `[CLS]` and `[SEP]` included; longer texts are truncated, as the
    /// reference implementation does (callers that must not lose text split it first).
    public let maxTokens: Int
    /// How many threads an encode splits each batch across unless told otherwise: the BLAS thread
    /// count configured when the encoder was loaded. Fixed, because a text's vector depends in its
    /// last bits on the texts it shares a thread's group with: read at each encode, it was the 1
    /// that another encode in flight holds BLAS at, and the same texts gave other vectors (and a
    /// seeded tune another version) depending on what else was running.
    public let threads: Int

    /// The length of every vector.
    public var dimension: Int { model.configuration.hiddenSize }

    /// Loads `model` from the models cache, or from `directory` when given.
    public init(model: String = SentenceEncoder.defaultModel, directory: String? = nil) throws(ModelError) {
        let folder = directory ?? ModelCache.directory(of: model)
        name = model
        let configuration = try BertConfiguration(contentsOf: try ModelCache.file("config.json", of: model, in: folder))
        let weights = try SafetensorsFile(path: try ModelCache.file("model.safetensors", of: model, in: folder))
        self.model = try BertModel(weights: weights, configuration: configuration)
        if let json = try? ModelCache.file("tokenizer.json", of: model, in: folder) {
            tokenizer = try WordPieceTokenizer(tokenizerJSON: json)
        } else {
            tokenizer = try WordPieceTokenizer(vocabularyFile: try ModelCache.file("vocab.txt", of: model, in: folder))
        }
        var maxTokens = 256
        if let path = try? ModelCache.file("sentence_bert_config.json", of: model, in: folder),
            let data = FileManager.default.contents(atPath: path),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let length = json["max_seq_length"] as? Int
        {
            maxTokens = length
        }
        self.maxTokens = min(maxTokens, configuration.maxPositions)
        threads = max(1, SingleThreadedBLAS.configuredThreads)
        Self.keepBuffersMapped()
        guard tokenizer.vocabulary.count <= configuration.vocabularySize else {
            throw .malformed(
                path: folder, reason: "the tokenizer has \(tokenizer.vocabulary.count) tokens but the model only \(configuration.vocabularySize)")
        }
    }

    /// A forward pass allocates activation buffers of up to ~25 MB per layer. glibc serves blocks
    /// that large with fresh mmaps (and returns freed heap to the system), so every layer paid
    /// page faults; raising the thresholds lets freed buffers be reused (4% faster encoding).
    private static func keepBuffersMapped() {
        #if os(Linux)
            _ = glibcMallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD (glibc's maximum on 64-bit)
            _ = glibcMallopt(-1, 128 << 20)  // M_TRIM_THRESHOLD
        #endif
    }

    /// How many tokens `text` has, without `[CLS]`/`[SEP]` and without truncation.
    public func tokenCount(_ text: String) -> Int { tokenizer.tokenize(text).count }

    /// The most tokens a text may have (specials excluded) to be embedded without truncation.
    public var textTokenLimit: Int { maxTokens - 2 }

    /// Unit-length vectors, one row per text, in the order given. Texts are encoded in batches of
    /// `batchSize`, longest first, so each batch holds texts of similar length; each batch is split
    /// across `threads` threads (default: the encoder's), each running single-threaded BLAS on its
    /// share of the tokens. On a machine, the vectors depend only on the texts, `batchSize` and
    /// `threads`, not on what else runs meanwhile.
    public func encode(_ texts: [String], batchSize: Int = 32, threads: Int? = nil) -> Matrix {
        encode(ids: texts.map { tokenizer.encode($0, maxLength: maxTokens) }, batchSize: batchSize, threads: threads)
    }

    /// Vectors for already tokenized texts (each with its `[CLS]`…`[SEP]`).
    ///
    /// Splitting the work ourselves beats OpenBLAS's own threading here: attention is many small
    /// products, and between products the threads would idle while one thread ran the
    /// element-wise steps (softmax, GELU, layer norm), which now run on every thread too.
    /// BLAS is set to one thread for the duration (shared with encodes running at the same time,
    /// see `SingleThreadedBLAS`); other BLAS work running meanwhile runs single-threaded too.
    public func encode(ids: [[Int32]], batchSize: Int = 32, threads: Int? = nil) -> Matrix {
        let h = dimension
        var out = Matrix(rows: ids.count, cols: h)
        guard !ids.isEmpty else { return out }
        let workers = max(1, threads ?? self.threads)
        if workers > 1 { SingleThreadedBLAS.hold() }
        defer { if workers > 1 { SingleThreadedBLAS.release() } }
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        let size = max(1, batchSize)
        out.values.withUnsafeMutableBufferPointer { buffer in
            let rows = SendablePointer(buffer.baseAddress!)
            for batchStart in stride(from: 0, to: order.count, by: size) {
                let groups = Self.balanced(Array(order[batchStart..<min(batchStart + size, order.count)]), ids, into: workers)
                DispatchQueue.concurrentPerform(iterations: groups.count) { g in
                    pool(groups[g], ids, into: rows.pointer)
                }
            }
        }
        return out
    }

    /// Runs one group of sequences and writes each one's normalised mean state into its row.
    private func pool(_ members: [Int], _ ids: [[Int32]], into out: UnsafeMutablePointer<Float>) {
        let h = dimension
        let states = model.hiddenStates(members.map { ids[$0] })
        var row = 0
        for member in members {
            let length = ids[member].count
            var mean = [Float](repeating: 0, count: h)
            for t in row..<row + length { for j in 0..<h { mean[j] += states.values[t * h + j] } }
            for j in 0..<h { mean[j] /= Float(max(length, 1)) }
            Activations.normalize(&mean)
            for j in 0..<h { out[member * h + j] = mean[j] }
            row += length
        }
    }

    /// Splits sequences (longest first) into `count` groups of about equal work, each going to the
    /// group with the fewest tokens so far.
    static func balanced(_ members: [Int], _ ids: [[Int32]], into count: Int) -> [[Int]] {
        var groups = [[Int]](repeating: [], count: min(count, members.count))
        var load = [Int](repeating: 0, count: groups.count)
        for m in members {
            let g = load.indices.min { load[$0] < load[$1] }!
            groups[g].append(m)
            load[g] += ids[m].count
        }
        return groups
    }
}

/// OpenBLAS's thread count is one setting for the whole process, which encodes lower to 1 while
/// they run their own threads. Encodes running at the same time share the lowering: the first
/// saves the configured count and sets 1, the last puts the saved count back. (Each encode saving
/// and restoring it on its own let one read the 1 of another still running, and save it, and
/// restoring last leave BLAS single-threaded for good; or put the count back while another's
/// threads were still at work.)
enum SingleThreadedBLAS {
    private struct State { var holders = 0, configured = 0 }
    private static let state = Mutex(State())

    /// The BLAS thread count configured for the process: OpenBLAS's, or while encodes hold it at
    /// 1, the count they will put back.
    static var configuredThreads: Int {
        state.withLock { $0.holders > 0 ? $0.configured : BLASRuntime.threads }
    }

    static func hold() {
        state.withLock { state in
            if state.holders == 0 {
                state.configured = BLASRuntime.threads
                BLASRuntime.setThreads(1)
            }
            state.holders += 1
        }
    }

    static func release() {
        state.withLock { state in
            state.holders -= 1
            if state.holders == 0 { BLASRuntime.setThreads(state.configured) }
        }
    }
}

/// A pointer handed to worker threads that write disjoint rows.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

#if os(Linux)
    /// glibc's `mallopt` (declared in malloc.h, which no Swift module exports).
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
