import Foundation
import Tensors

/// The shape of a BERT encoder, from its `config.json`.
public struct BertConfiguration: Sendable, Equatable {
    public var vocabularySize = 30522
    public var hiddenSize = 384
    public var layers = 6
    public var heads = 12
    public var intermediateSize = 1536
    public var maxPositions = 512
    public var layerNormEpsilon: Float = 1e-12

    public init() {}

    /// Reads the fields BERT needs from a Hugging Face `config.json`.
    public init(contentsOf path: String) throws(ModelError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missing(model: "BERT", path: path) }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .malformed(path: path, reason: "not a JSON object")
        }
        if let type = json["model_type"] as? String, type != "bert" { throw .malformed(path: path, reason: "model_type is \(type), not bert") }
        if let act = json["hidden_act"] as? String, act != "gelu" {
            throw .malformed(path: path, reason: "hidden_act \(act) is not supported (only gelu)")
        }
        func int(_ key: String, _ fallback: Int) -> Int { json[key] as? Int ?? fallback }
        vocabularySize = int("vocab_size", vocabularySize)
        hiddenSize = int("hidden_size", hiddenSize)
        layers = int("num_hidden_layers", layers)
        heads = int("num_attention_heads", heads)
        intermediateSize = int("intermediate_size", intermediateSize)
        maxPositions = int("max_position_embeddings", maxPositions)
        layerNormEpsilon = Float(json["layer_norm_eps"] as? Double ?? Double(layerNormEpsilon))
        guard heads > 0, hiddenSize % heads == 0 else {
            throw .malformed(path: path, reason: "hidden_size \(hiddenSize) is not divisible by \(heads) heads")
        }
    }
}

/// A BERT encoder (post-layer-norm transformer) run on OpenBLAS.
///
/// Sequences are packed one after another rather than padded to a common length: the dense
/// layers see only real tokens, and attention runs per sequence, so no work is spent on padding
/// and no mask is needed.
public final class BertModel: Sendable {
    public let configuration: BertConfiguration

    struct Layer: Sendable {
        /// Query, key and value weights stacked into one `3H×H` matrix, so one product computes all three.
        let qkv: Matrix, qkvBias: [Float]
        let attentionOut: Matrix, attentionOutBias: [Float]
        let attentionNormGamma: [Float], attentionNormBeta: [Float]
        let intermediate: Matrix, intermediateBias: [Float]
        let output: Matrix, outputBias: [Float]
        let outputNormGamma: [Float], outputNormBeta: [Float]
    }

    let wordEmbeddings: Matrix
    let positionEmbeddings: Matrix
    let tokenTypeEmbedding: [Float]
    let embeddingNormGamma: [Float], embeddingNormBeta: [Float]
    let layers: [Layer]

    /// Loads the weights (Hugging Face `BertModel` names, with or without a `bert.` prefix).
    public init(weights file: SafetensorsFile, configuration c: BertConfiguration) throws(ModelError) {
        configuration = c
        let prefix = file.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let h = c.hiddenSize, inner = c.intermediateSize
        func vector(_ name: String, _ count: Int) throws(ModelError) -> [Float] { try file.floats(prefix + name, shape: [count]) }
        func matrix(_ name: String, _ rows: Int, _ cols: Int) throws(ModelError) -> Matrix { try file.matrix(prefix + name, rows: rows, cols: cols) }
        wordEmbeddings = try matrix("embeddings.word_embeddings.weight", c.vocabularySize, h)
        positionEmbeddings = try matrix("embeddings.position_embeddings.weight", c.maxPositions, h)
        tokenTypeEmbedding = try file.floats(prefix + "embeddings.token_type_embeddings.weight").prefix(h).map { $0 }
        guard tokenTypeEmbedding.count == h else {
            throw .badTensor(path: file.path, name: "embeddings.token_type_embeddings.weight", reason: "fewer than \(h) values")
        }
        embeddingNormGamma = try vector("embeddings.LayerNorm.weight", h)
        embeddingNormBeta = try vector("embeddings.LayerNorm.bias", h)
        var layers: [Layer] = []
        for i in 0..<c.layers {
            let p = "encoder.layer.\(i)."
            let q = try matrix(p + "attention.self.query.weight", h, h)
            let k = try matrix(p + "attention.self.key.weight", h, h)
            let v = try matrix(p + "attention.self.value.weight", h, h)
            layers.append(
                Layer(
                    qkv: Matrix.stacking([q, k, v]),
                    qkvBias: try vector(p + "attention.self.query.bias", h) + vector(p + "attention.self.key.bias", h)
                        + vector(p + "attention.self.value.bias", h),
                    attentionOut: try matrix(p + "attention.output.dense.weight", h, h),
                    attentionOutBias: try vector(p + "attention.output.dense.bias", h),
                    attentionNormGamma: try vector(p + "attention.output.LayerNorm.weight", h),
                    attentionNormBeta: try vector(p + "attention.output.LayerNorm.bias", h),
                    intermediate: try matrix(p + "intermediate.dense.weight", inner, h),
                    intermediateBias: try vector(p + "intermediate.dense.bias", inner),
                    output: try matrix(p + "output.dense.weight", h, inner),
                    outputBias: try vector(p + "output.dense.bias", h),
                    outputNormGamma: try vector(p + "output.LayerNorm.weight", h),
                    outputNormBeta: try vector(p + "output.LayerNorm.bias", h)))
        }
        self.layers = layers
    }

    /// The last hidden states of every token of every sequence, packed: row `offset(s) + t` is
    /// token `t` of sequence `s`. Ids must be below the vocabulary size and sequences no longer
    /// than the position table.
    public func hiddenStates(_ sequences: [[Int32]]) -> Matrix {
        let h = configuration.hiddenSize
        let total = sequences.reduce(0) { $0 + $1.count }
        var x = embed(sequences, total: total)
        let lengths = sequences.map(\.count)
        for layer in layers { x = apply(layer, to: x, lengths: lengths) }
        return Matrix(rows: total, cols: h, values: x)
    }

    private func embed(_ sequences: [[Int32]], total: Int) -> [Float] {
        let h = configuration.hiddenSize
        var x = [Float](repeating: 0, count: total * h)
        var row = 0
        for ids in sequences {
            precondition(
                ids.count <= configuration.maxPositions,
                "a sequence of \(ids.count) tokens is longer than the model's \(configuration.maxPositions) positions")
            for (position, id) in ids.enumerated() {
                precondition(id >= 0 && Int(id) < configuration.vocabularySize, "token id \(id) is outside the vocabulary")
                let word = Int(id) * h, pos = position * h, out = row * h
                for j in 0..<h { x[out + j] = wordEmbeddings.values[word + j] + positionEmbeddings.values[pos + j] + tokenTypeEmbedding[j] }
                row += 1
            }
        }
        Activations.layerNorm(&x, cols: h, gamma: embeddingNormGamma, beta: embeddingNormBeta, epsilon: configuration.layerNormEpsilon)
        return x
    }

    /// `x·Wᵀ + b` for a packed `rows×W.cols` buffer: the output starts as copies of the bias and
    /// the product is added to it, which saves a pass over the output.
    private func linear(_ x: [Float], rows: Int, _ w: Matrix, _ b: [Float]) -> [Float] {
        let n = w.rows
        var out = [Float](unsafeUninitializedCapacity: rows * n) { buffer, count in
            b.withUnsafeBufferPointer { bias in
                for r in 0..<rows { (buffer.baseAddress! + r * n).initialize(from: bias.baseAddress!, count: n) }
            }
            count = rows * n
        }
        x.withUnsafeBufferPointer { a in
            w.values.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        transposeB: true, m: rows, n: n, k: w.cols, a: a.baseAddress!, lda: w.cols,
                        b: wp.baseAddress!, ldb: w.cols, beta: 1, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    private func apply(_ layer: Layer, to x: [Float], lengths: [Int]) -> [Float] {
        let c = configuration, h = c.hiddenSize
        let rows = x.count / h
        let qkv = linear(x, rows: rows, layer.qkv, layer.qkvBias)
        var context = [Float](repeating: 0, count: rows * h)
        attend(qkv, lengths: lengths, into: &context)
        var attended = linear(context, rows: rows, layer.attentionOut, layer.attentionOutBias)
        Activations.add(&attended, x)
        Activations.layerNorm(&attended, cols: h, gamma: layer.attentionNormGamma, beta: layer.attentionNormBeta, epsilon: c.layerNormEpsilon)
        var inner = linear(attended, rows: rows, layer.intermediate, layer.intermediateBias)
        Activations.gelu(&inner)
        var out = linear(inner, rows: rows, layer.output, layer.outputBias)
        Activations.add(&out, attended)
        Activations.layerNorm(&out, cols: h, gamma: layer.outputNormGamma, beta: layer.outputNormBeta, epsilon: c.layerNormEpsilon)
        return out
    }

    /// Scaled dot-product attention of every head of every sequence, written into `context`.
    private func attend(_ qkv: [Float], lengths: [Int], into context: inout [Float]) {
        let h = configuration.hiddenSize, heads = configuration.heads, d = h / heads
        let scale = 1 / Float(d).squareRoot()
        let longest = lengths.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        qkv.withUnsafeBufferPointer { qkv in
            context.withUnsafeMutableBufferPointer { out in
                scores.withUnsafeMutableBufferPointer { s in
                    var offset = 0
                    for length in lengths {
                        let base = qkv.baseAddress! + offset * 3 * h
                        for head in 0..<heads {
                            let q = base + head * d, k = base + h + head * d, v = base + 2 * h + head * d
                            BLAS.gemm(
                                transposeB: true, m: length, n: length, k: d, alpha: scale,
                                a: q, lda: 3 * h, b: k, ldb: 3 * h, c: s.baseAddress!, ldc: length)
                            Activations.softmax(s.baseAddress!, rows: length, length: length, stride: length)
                            BLAS.gemm(
                                m: length, n: d, k: length, a: s.baseAddress!, lda: length,
                                b: v, ldb: 3 * h, c: out.baseAddress! + offset * h + head * d, ldc: h)
                        }
                        offset += length
                    }
                }
            }
        }
    }
}
