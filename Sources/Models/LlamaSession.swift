import Foundation
import Tensors

/// One conversation's state on a `LlamaModel`: the key/value cache of every token evaluated so
/// far. `evaluate` appends tokens and returns logits; `truncate` rewinds, so a prompt can be
/// evaluated once and several continuations decoded from it.
///
/// Numerics follow llama.cpp's CPU defaults where they affect results: keys and values are kept
/// at half precision (llama.cpp's F16 cache), and the query and the attention weights are rounded
/// to half precision before their products, as ggml does when one operand is F16.
public final class LlamaSession {
    public let model: LlamaModel
    /// The most tokens the session can hold.
    public let capacity: Int
    /// Tokens evaluated so far (the cache length).
    public private(set) var count = 0
    /// The tokens evaluated so far.
    public private(set) var tokens: [Int] = []

    private var keys: [[Float]]
    private var values: [[Float]]
    private var allocated = 0
    private var scratch = Scratch()

    /// A session holding at most `capacity` tokens (default: the model's training context, capped at 8192).
    public init(model: LlamaModel, capacity: Int? = nil) {
        self.model = model
        self.capacity = max(1, min(capacity ?? model.configuration.contextLength, 8192))
        keys = Array(repeating: [], count: model.configuration.layers)
        values = Array(repeating: [], count: model.configuration.layers)
    }

    /// Forgets every token after the first `length`.
    public func truncate(to length: Int) {
        count = min(max(0, length), count)
        tokens.removeLast(tokens.count - count)
    }

    /// Evaluates `tokens` after those already in the cache and returns the logits of the last one
    /// (`vocabularySize` floats), or of every one (`tokens.count × vocabularySize`) when `allLogits`.
    public func evaluate(_ input: [Int], allLogits: Bool = false) throws(ModelError) -> [Float] {
        let config = model.configuration
        guard !input.isEmpty else { throw .invalidInput("nothing to evaluate: the token list is empty") }
        if let bad = input.first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw .invalidInput("token id \(bad) is outside the vocabulary of \(config.vocabularySize)")
        }
        guard count + input.count <= capacity else {
            throw .invalidInput("the context holds \(capacity) tokens; \(count) are used and \(input.count) more do not fit")
        }
        reserve(count + input.count)
        let e = config.embedding, v = config.vocabularySize
        var logits = [Float](repeating: 0, count: (allLogits ? input.count : 1) * v)
        // Long prompts go in chunks, which bounds the attention scores' memory.
        for chunkStart in stride(from: 0, to: input.count, by: Self.chunk) {
            let chunk = input[chunkStart..<min(input.count, chunkStart + Self.chunk)]
            let n = chunk.count
            scratch.prepare(tokens: n, config: config)
            let hidden = scratch.hidden
            for (i, token) in chunk.enumerated() { model.embeddings.dequantizeRow(token, into: hidden + i * e) }
            for layer in 0..<config.layers { run(layer: layer, tokens: n) }
            self.tokens += chunk
            count += n
            let rows = allLogits ? 0..<n : (chunk.endIndex == input.count ? (n - 1)..<n : n..<n)
            logits.withUnsafeMutableBufferPointer { out in
                for i in rows {
                    let row = allLogits ? chunkStart + i : 0
                    Self.rmsNorm(hidden + i * e, model.outputNorm, into: scratch.normed, count: e, epsilon: config.rmsEpsilon)
                    model.head.multiply(scratch.normed, into: out.baseAddress! + row * v, pool: model.pool)
                }
            }
        }
        return logits
    }

    /// The most tokens evaluated in one batch.
    static let chunk = 512

    // MARK: - One layer

    private func run(layer index: Int, tokens n: Int) {
        let config = model.configuration
        let layer = model.layers[index]
        let e = config.embedding, kvDim = config.kvDimension, qDim = config.heads * config.headDimension
        let s = scratch
        for i in 0..<n {
            Self.rmsNorm(s.hidden + i * e, layer.attentionNorm, into: s.normed + i * e, count: e, epsilon: config.rmsEpsilon)
        }
        linear([(layer.query, s.query), (layer.key, s.key), (layer.value, s.value)], s.normed, tokens: n)
        for i in 0..<n {
            let position = count + i
            Self.rope(s.query + i * qDim, heads: config.heads, config: config, position: position)
            Self.rope(s.key + i * kvDim, heads: config.kvHeads, config: config, position: position)
        }
        // Append keys and values to the cache at half precision.
        keys[index].withUnsafeMutableBufferPointer { k in
            values[index].withUnsafeMutableBufferPointer { v in
                for j in 0..<(n * kvDim) {
                    k[count * kvDim + j] = Self.roundedToHalf(s.key[j])
                    v[count * kvDim + j] = Self.roundedToHalf(s.value[j])
                }
            }
        }
        attention(layer: index, tokens: n)
        linear([(layer.output, s.normed)], s.attention, tokens: n)
        for j in 0..<(n * e) { s.hidden[j] += s.normed[j] }

        for i in 0..<n {
            Self.rmsNorm(s.hidden + i * e, layer.feedForwardNorm, into: s.normed + i * e, count: e, epsilon: config.rmsEpsilon)
        }
        linear([(layer.gate, s.gate), (layer.up, s.up)], s.normed, tokens: n)
        for j in 0..<(n * config.feedForward) {
            let g = s.gate[j]
            s.gate[j] = g / (1 + Activations.exp(-g)) * s.up[j]
        }
        linear([(layer.down, s.normed)], s.gate, tokens: n)
        for j in 0..<(n * e) { s.hidden[j] += s.normed[j] }
    }

    /// Causal grouped-query attention of the `n` new tokens over the whole cache, into `scratch.attention`.
    private func attention(layer index: Int, tokens n: Int) {
        let config = model.configuration
        let d = config.headDimension, kvDim = config.kvDimension, qDim = config.heads * d
        let group = config.heads / config.kvHeads
        let total = count + n
        let scale = 1 / Float(d).squareRoot()
        scratch.reserveScores(config.heads * n * total)
        let s = scratch
        let past = count, batched = n >= model.blasBatchThreshold
        // Queries meet half-precision keys: ggml rounds them to half precision first.
        for j in 0..<(n * qDim) { s.query[j] = Self.roundedToHalf(s.query[j]) }
        keys[index].withUnsafeBufferPointer { kBuffer in
            values[index].withUnsafeBufferPointer { vBuffer in
                let k = kBuffer.baseAddress!, v = vBuffer.baseAddress!
                let work = { (h: Int) in
                    let g = h / group
                    let scores = s.scores + h * n * total
                    if batched {
                        BLAS.gemm(transposeB: true, m: n, n: total, k: d, alpha: scale, a: s.query + h * d, lda: qDim,
                                  b: k + g * d, ldb: kvDim, c: scores, ldc: total)
                    } else {
                        for i in 0..<n {
                            BLAS.gemv(m: past + i + 1, n: d, alpha: scale, a: k + g * d, lda: kvDim,
                                      x: s.query + i * qDim + h * d, y: scores + i * total)
                        }
                    }
                    for i in 0..<n {
                        let row = scores + i * total
                        let visible = past + i + 1
                        for t in visible..<total { row[t] = 0 }
                        Self.softmax(row, count: visible)
                    }
                    if batched {
                        BLAS.gemm(m: n, n: d, k: total, a: scores, lda: total, b: v + g * d, ldb: kvDim,
                                  c: s.attention + h * d, ldc: qDim)
                    } else {
                        for i in 0..<n {
                            BLAS.gemv(transpose: true, m: past + i + 1, n: d, a: v + g * d, lda: kvDim,
                                      x: scores + i * total, y: s.attention + i * qDim + h * d)
                        }
                    }
                }
                if batched {
                    for h in 0..<config.heads { work(h) }
                } else {
                    model.pool.parallelFor(config.heads) { heads in for h in heads { work(h) } }
                }
            }
        }
    }

    /// `outputs[j] = matrices[j] · input` for every token.
    private func linear(_ pairs: [(QuantizedMatrix, UnsafeMutablePointer<Float>)], _ input: UnsafeMutablePointer<Float>, tokens n: Int) {
        let columns = pairs[0].0.columns
        if n < model.blasBatchThreshold {
            for i in 0..<n {
                QuantizedMatrix.multiply(pairs.map { (matrix: $0.0, output: $0.1 + i * $0.0.rows) }, by: input + i * columns, pool: model.pool)
            }
            return
        }
        for (matrix, output) in pairs {
            scratch.reserveWeights(matrix.rows * matrix.columns, activations: n * columns)
            matrix.multiply(batch: input, count: n, into: output, weights: scratch.weights,
                            activations: scratch.activations, pool: model.pool)
        }
    }

    private func reserve(_ tokens: Int) {
        guard tokens > allocated else { return }
        let newSize = min(capacity, max(tokens, allocated * 2, 64))
        let kvDim = model.configuration.kvDimension
        for l in 0..<keys.count {
            keys[l].append(contentsOf: repeatElement(0, count: (newSize - allocated) * kvDim))
            values[l].append(contentsOf: repeatElement(0, count: (newSize - allocated) * kvDim))
        }
        allocated = newSize
    }

    // MARK: - Kernels

    /// `x / sqrt(mean(x²) + ε) · weight`, summing squares in double as ggml does.
    static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: [Float], into out: UnsafeMutablePointer<Float>, count: Int, epsilon: Float) {
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i] * x[i]) }
        let scale = 1 / (Float(sum / Double(count)) + epsilon).squareRoot()
        weight.withUnsafeBufferPointer { w in
            for i in 0..<count { out[i] = (x[i] * scale) * w[i] }
        }
    }

    /// Rotary position embedding on adjacent pairs (GGUF llama weights are permuted for this
    /// layout), with angles `position · base^(-2i/d)` built by repeated multiplication like ggml.
    static func rope(_ x: UnsafeMutablePointer<Float>, heads: Int, config: LlamaConfiguration, position: Int) {
        let d = config.headDimension, rotated = config.ropeDimensions
        let thetaScale = powf(config.ropeBase, -2 / Float(rotated))
        var theta = Float(position)
        for pair in 0..<(rotated / 2) {
            let c = cosf(theta), s = sinf(theta)
            for h in 0..<heads {
                let p = x + h * d + 2 * pair
                let x0 = p[0], x1 = p[1]
                p[0] = x0 * c - x1 * s
                p[1] = x0 * s + x1 * c
            }
            theta *= thetaScale
        }
    }

    /// Softmax in place; the weights are rounded to half precision, as ggml does before multiplying them with F16 values.
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let top = Activations.maximum(x, count: count)
        var sum = 0.0
        for t in 0..<count {
            let value = Activations.exp(x[t] - top)
            x[t] = value
            sum += Double(value)
        }
        let inverse = Float(1 / sum)
        for t in 0..<count { x[t] = roundedToHalf(x[t] * inverse) }
    }

    /// `x` rounded to the nearest IEEE half (ties to even) and back, with integer operations:
    /// without F16C, `Float(Float16(x))` is two runtime calls, too slow for attention weights.
    /// Values beyond the half range (±65504) are not expected here and are not clamped.
    @inline(__always)
    static func roundedToHalf(_ x: Float) -> Float {
        if abs(x) < 0x1p-14 {
            // Half subnormals are multiples of 2⁻²⁴.
            return (x * 0x1p24).rounded(.toNearestOrEven) * 0x1p-24
        }
        let bits = x.bitPattern
        return Float(bitPattern: (bits &+ 0x0FFF &+ ((bits >> 13) & 1)) & ~UInt32(0x1FFF))
    }
}

extension LlamaSession {
    /// Working buffers, sized for the largest batch seen so far.
    final class Scratch {
        var hidden = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var normed = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var query = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var key = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var value = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var attention = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var gate = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var up = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var scores = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var weights = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        var activations = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        private var tokens = 0, scoreCount = 0, weightCount = 0, activationCount = 0

        func prepare(tokens n: Int, config: LlamaConfiguration) {
            if n > tokens {
                let q = config.heads * config.headDimension
                for pointer in [hidden, normed, query, key, value, attention, gate, up] { pointer.deallocate() }
                hidden = .allocate(capacity: n * config.embedding)
                normed = .allocate(capacity: n * max(config.embedding, q))
                query = .allocate(capacity: n * q)
                key = .allocate(capacity: n * config.kvDimension)
                value = .allocate(capacity: n * config.kvDimension)
                attention = .allocate(capacity: n * q)
                gate = .allocate(capacity: n * config.feedForward)
                up = .allocate(capacity: n * config.feedForward)
                tokens = n
            }
        }

        func reserveScores(_ count: Int) {
            guard count > scoreCount else { return }
            scores.deallocate()
            scores = .allocate(capacity: count)
            scoreCount = count
        }

        func reserveWeights(_ count: Int, activations activationCount: Int) {
            if count > weightCount {
                weights.deallocate()
                weights = .allocate(capacity: count)
                weightCount = count
            }
            if activationCount > self.activationCount {
                activations.deallocate()
                activations = .allocate(capacity: activationCount)
                self.activationCount = activationCount
            }
        }

        deinit {
            for pointer in [hidden, normed, query, key, value, attention, gate, up, scores, weights, activations] { pointer.deallocate() }
        }
    }
}
