import Foundation
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
           let length = json["max_seq_length"] as? Int {
            maxTokens = length
        }
        self.maxTokens = min(maxTokens, configuration.maxPositions)
        guard tokenizer.vocabulary.count <= configuration.vocabularySize else {
            throw .malformed(path: folder, reason: "the tokenizer has \(tokenizer.vocabulary.count) tokens but the model only \(configuration.vocabularySize)")
        }
    }

    /// How many tokens `text` has, without `[CLS]`/`[SEP]` and without truncation.
    public func tokenCount(_ text: String) -> Int { tokenizer.tokenize(text).count }

    /// The most tokens a text may have (specials excluded) to be embedded without truncation.
    public var textTokenLimit: Int { maxTokens - 2 }

    /// Unit-length vectors, one row per text, in the order given. Texts are encoded in batches of
    /// `batchSize`, longest first, so each batch holds texts of similar length.
    public func encode(_ texts: [String], batchSize: Int = 32) -> Matrix {
        encode(ids: texts.map { tokenizer.encode($0, maxLength: maxTokens) }, batchSize: batchSize)
    }

    /// Vectors for already tokenized texts (each with its `[CLS]`…`[SEP]`).
    public func encode(ids: [[Int32]], batchSize: Int = 32) -> Matrix {
        let h = dimension
        var out = Matrix(rows: ids.count, cols: h)
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        for batchStart in stride(from: 0, to: order.count, by: max(1, batchSize)) {
            let members = Array(order[batchStart..<min(batchStart + max(1, batchSize), order.count)])
            let states = model.hiddenStates(members.map { ids[$0] })
            var row = 0
            for member in members {
                let length = ids[member].count
                var mean = [Float](repeating: 0, count: h)
                for t in row..<row + length { for j in 0..<h { mean[j] += states.values[t * h + j] } }
                for j in 0..<h { mean[j] /= Float(max(length, 1)) }
                Activations.normalize(&mean)
                out.values.replaceSubrange(member * h..<(member + 1) * h, with: mean)
                row += length
            }
        }
        return out
    }
}
