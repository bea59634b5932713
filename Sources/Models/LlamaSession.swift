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
                    Activations.rmsNorm(hidden + i * e, model.outputNorm, into: scratch.normed, count: e, epsilon: config.rmsEpsilon)
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
            Activations.rmsNorm(s.hidden + i * e, layer.attentionNorm, into: s.normed + i * e, count: e, epsilon: config.rmsEpsilon)
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
            Activations.rmsNorm(s.hidden + i * e, layer.feedForwardNorm, into: s.normed + i * e, count: e, epsilon: config.rmsEpsilon)
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
                if n == 1 && d % 16 == 0 {
                    singleTokenAttention(keys: k, values: v, total: total, scale: scale)
                    return
                }
                let work = { (h: Int) in
                    let g = h / group
                    let scores = s.scores + h * n * total
                    if batched {
                        BLAS.gemm(
                            transposeB: true, m: n, n: total, k: d, alpha: scale, a: s.query + h * d, lda: qDim,
                            b: k + g * d, ldb: kvDim, c: scores, ldc: total)
                    } else {
                        for i in 0..<n {
                            Self.scores(
                                s.query + i * qDim + h * d, keys: k + g * d, stride: kvDim, count: past + i + 1,
                                width: d, scale: scale, into: scores + i * total)
                        }
                    }
                    for i in 0..<n {
                        let row = scores + i * total
                        let visible = past + i + 1
                        for t in visible..<total { row[t] = 0 }
                        Self.softmax(row, count: visible)
                    }
                    if batched {
                        BLAS.gemm(
                            m: n, n: d, k: total, a: scores, lda: total, b: v + g * d, ldb: kvDim,
                            c: s.attention + h * d, ldc: qDim)
                    } else {
                        for i in 0..<n {
                            Self.weightedSum(
                                scores + i * total, values: v + g * d, stride: kvDim, count: past + i + 1,
                                width: d, into: s.attention + i * qDim + h * d)
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

    /// One new token's attention over the whole cache, for every head. The work is cut into equal
    /// tasks whatever the head count (9 heads do not split evenly over 2 cores): key ranges for the
    /// scores, 16-column blocks for the weighted sums, each task serving all the query heads that
    /// share a key/value head, so the keys and values it reads are reused from cache.
    private func singleTokenAttention(keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, total: Int, scale: Float) {
        let config = model.configuration
        let d = config.headDimension, kvDim = config.kvDimension
        let group = config.heads / config.kvHeads
        let s = scratch
        let chunks = max(1, min(8, total / 64))
        model.pool.parallelFor(config.kvHeads * chunks) { tasks in
            for task in tasks {
                let g = task / chunks, c = task % chunks
                let start = total * c / chunks, end = total * (c + 1) / chunks
                for h in (g * group)..<((g + 1) * group) {
                    Self.scores(
                        s.query + h * d, keys: k + start * kvDim + g * d, stride: kvDim, count: end - start,
                        width: d, scale: scale, into: s.scores + h * total + start)
                }
            }
        }
        model.pool.parallelFor(config.heads) { heads in
            for h in heads { Self.softmax(s.scores + h * total, count: total) }
        }
        let blocks = d / 16
        model.pool.parallelFor(config.kvHeads * blocks) { tasks in
            for task in tasks {
                let g = task / blocks, column = (task % blocks) * 16
                for h in (g * group)..<((g + 1) * group) {
                    Self.weightedSum(
                        s.scores + h * total, values: v + g * d + column, stride: kvDim, count: total,
                        width: 16, into: s.attention + h * d + column)
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
            matrix.multiply(
                batch: input, count: n, into: output, weights: scratch.weights,
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

    /// `out[t] = scale · q·keys[t]` for `count` keys `stride` floats apart (a single token's
    /// attention scores; BLAS calls from both pool threads would fight over OpenBLAS's own threads).
    /// Widths that are a multiple of 16 take four keys per step, reducing their sums together.
    static func scores(
        _ q: UnsafePointer<Float>, keys: UnsafePointer<Float>, stride: Int, count: Int, width d: Int,
        scale: Float, into out: UnsafeMutablePointer<Float>
    ) {
        let rq = UnsafeRawPointer(q)
        var t = 0
        if d % 16 == 0 {
            while t + 4 <= count {
                let k0 = UnsafeRawPointer(keys + t * stride), k1 = k0 + stride * 4, k2 = k1 + stride * 4, k3 = k2 + stride * 4
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                var c = 0
                while c < d {
                    let x = rq.loadUnaligned(fromByteOffset: c * 4, as: SIMD16<Float>.self)
                    a0 += x * k0.loadUnaligned(fromByteOffset: c * 4, as: SIMD16<Float>.self)
                    a1 += x * k1.loadUnaligned(fromByteOffset: c * 4, as: SIMD16<Float>.self)
                    a2 += x * k2.loadUnaligned(fromByteOffset: c * 4, as: SIMD16<Float>.self)
                    a3 += x * k3.loadUnaligned(fromByteOffset: c * 4, as: SIMD16<Float>.self)
                    c += 16
                }
                // Fold each 16-lane sum to 4 lanes, then transpose-add the four keys' partial sums.
                func fold(_ v: SIMD16<Float>) -> SIMD4<Float> {
                    let h = v.lowHalf + v.highHalf
                    return h.lowHalf + h.highHalf
                }
                let f0 = fold(a0), f1 = fold(a1), f2 = fold(a2), f3 = fold(a3)
                let sums = SIMD4(f0.sum(), f1.sum(), f2.sum(), f3.sum()) * scale
                UnsafeMutableRawPointer(out + t).storeBytes(of: sums, as: SIMD4<Float>.self)
                t += 4
            }
        }
        while t < count {
            var total: Float = 0
            for c in 0..<d { total += q[c] * keys[t * stride + c] }
            out[t] = total * scale
            t += 1
        }
    }

    /// `out = Σₜ p[t] · values[t]` for `count` value rows `stride` floats apart, 32 columns at a
    /// time so the accumulators stay in registers.
    static func weightedSum(
        _ p: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int, count: Int, width d: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        var c = 0
        while c + 32 <= d {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
            var row = UnsafeRawPointer(values + c)
            for t in 0..<count {
                let w = SIMD16<Float>(repeating: p[t])
                a0 += w * row.loadUnaligned(as: SIMD16<Float>.self)
                a1 += w * row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                row += stride * 4
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: a0, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + c + 16).storeBytes(of: a1, as: SIMD16<Float>.self)
            c += 32
        }
        if c + 16 <= d {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
            var row = UnsafeRawPointer(values + c)
            var t = 0
            while t + 2 <= count {
                a0 += SIMD16<Float>(repeating: p[t]) * row.loadUnaligned(as: SIMD16<Float>.self)
                a1 += SIMD16<Float>(repeating: p[t + 1]) * row.loadUnaligned(fromByteOffset: stride * 4, as: SIMD16<Float>.self)
                row += 2 * stride * 4
                t += 2
            }
            if t < count { a0 += SIMD16<Float>(repeating: p[t]) * row.loadUnaligned(as: SIMD16<Float>.self) }
            UnsafeMutableRawPointer(out + c).storeBytes(of: a0 + a1, as: SIMD16<Float>.self)
            c += 16
        }
        while c < d {
            var total: Float = 0
            for t in 0..<count { total += p[t] * values[t * stride + c] }
            out[c] = total
            c += 1
        }
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
