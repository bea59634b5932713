import Foundation
import Tensors

/// A llama-family decoder read from a GGUF file: RMSNorm, rotary embeddings, grouped-query
/// attention and a SwiGLU feed-forward block per layer, with a tied or separate output head.
///
/// The weights stay in the file's memory map in their stored format. A single token (decode) runs
/// through quantised matrix–vector kernels; a batch of tokens (prompt prefill) dequantises one
/// weight matrix at a time into a scratch buffer and multiplies on BLAS. State lives in a
/// `LlamaSession`, so one loaded model serves any number of sessions.
public final class LlamaModel: @unchecked Sendable {
    public let configuration: LlamaConfiguration
    public let path: String
    /// Batches of at least this many tokens go through BLAS; smaller ones token by token.
    public var blasBatchThreshold = 8

    struct Layer {
        let attentionNorm: [Float]
        let query, key, value, output: QuantizedMatrix
        let feedForwardNorm: [Float]
        let gate, up, down: QuantizedMatrix
    }

    let file: GGUFFile
    let embeddings: QuantizedMatrix
    let outputNorm: [Float]
    let head: QuantizedMatrix
    let layers: [Layer]
    let pool: ComputePool

    /// Loads the model in `file`; errors name the tensor that is missing or has the wrong shape.
    public init(gguf file: GGUFFile, pool: ComputePool = .shared) throws(ModelError) {
        let config = try LlamaConfiguration(gguf: file)
        self.configuration = config
        self.file = file
        self.path = file.path
        self.pool = pool
        let e = config.embedding, kv = config.kvDimension, ff = config.feedForward, q = config.heads * config.headDimension
        embeddings = try file.matrix("token_embd.weight", rows: config.vocabularySize, columns: e)
        outputNorm = try file.vector("output_norm.weight", count: e)
        head =
            file.tensors["output.weight"] == nil
            ? embeddings
            : try file.matrix("output.weight", rows: config.vocabularySize, columns: e)
        var layers: [Layer] = []
        for i in 0..<config.layers {
            let p = "blk.\(i)."
            layers.append(
                Layer(
                    attentionNorm: try file.vector(p + "attn_norm.weight", count: e),
                    query: try file.matrix(p + "attn_q.weight", rows: q, columns: e),
                    key: try file.matrix(p + "attn_k.weight", rows: kv, columns: e),
                    value: try file.matrix(p + "attn_v.weight", rows: kv, columns: e),
                    output: try file.matrix(p + "attn_output.weight", rows: e, columns: q),
                    feedForwardNorm: try file.vector(p + "ffn_norm.weight", count: e),
                    gate: try file.matrix(p + "ffn_gate.weight", rows: ff, columns: e),
                    up: try file.matrix(p + "ffn_up.weight", rows: ff, columns: e),
                    down: try file.matrix(p + "ffn_down.weight", rows: e, columns: ff)))
        }
        self.layers = layers
    }

    /// Loads the GGUF file at `path`.
    public convenience init(path: String, pool: ComputePool = .shared) throws(ModelError) {
        try self.init(gguf: try GGUFFile(path: path), pool: pool)
    }
}

extension GGUFFile {
    /// A 2-D tensor as a quantised matrix of `rows × columns`, checked against the file.
    func matrix(_ name: String, rows: Int, columns: Int) throws(ModelError) -> QuantizedMatrix {
        let (info, bytes) = try data(of: name)
        guard info.dimensions.count == 2, info.dimensions[0] == columns, info.dimensions[1] == rows else {
            throw .badTensor(path: path, name: name, reason: "shape \(info.dimensions), expected [\(columns), \(rows)]")
        }
        guard let type = info.type else {
            throw .badTensor(path: path, name: name, reason: "type \(GGMLType.name(of: info.typeID)) is not supported")
        }
        return QuantizedMatrix(type: type, rows: rows, columns: columns, base: bytes)
    }

    /// A 1-D tensor of `count` values as floats.
    func vector(_ name: String, count: Int) throws(ModelError) -> [Float] {
        let (info, _) = try data(of: name)
        guard info.dimensions.reduce(1, *) == count, info.dimensions.count == 1 else {
            throw .badTensor(path: path, name: name, reason: "shape \(info.dimensions), expected [\(count)]")
        }
        return try floats(of: name)
    }
}
