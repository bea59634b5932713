import Foundation

/// The element-wise functions and row-wise normalisations a transformer needs, in place on
/// row-major buffers so that a forward pass allocates little.
public enum Activations {
    /// GELU with the exact error function, `x·(1 + erf(x/√2))/2`, as BERT defines it.
    public static func gelu(_ x: inout [Float]) {
        x.withUnsafeMutableBufferPointer { p in
            for i in p.indices { let v = p[i]; p[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752)) }
        }
    }

    /// The error function to within a few units in the last place of a `Float`, as a rational
    /// function on [-4, 4] (beyond which erf is ±1 in single precision). Unlike the C library's
    /// `erff` it has no branches or calls, so loops over it vectorise; GELU calls it ~10⁹ times
    /// per thousand chunks.
    @inline(__always)
    public static func erf(_ value: Float) -> Float {
        let x = min(max(value, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }

    /// `eˣ` to within two units in the last place for x ≤ 88 (below -87 it flushes to 0): a
    /// Cody-Waite reduction to `2ⁿ·eʳ` with |r| ≤ ln2/2 and a degree-6 polynomial for `eʳ`. Like
    /// `erf`, it has no branches or calls, so softmax loops vectorise.
    @inlinable @inline(__always)
    public static func exp(_ value: Float) -> Float {
        let x = min(max(value, -87.3), 88.3)
        let shifter: Float = 12_582_912  // 1.5·2²³: adding it rounds to an integer
        let t = x * 1.44269504088896341 + shifter
        let n = t - shifter
        var r = x - n * 0.693145751953125  // ln2, split so that n·ln2_hi is exact
        r = r - n * 1.42860682030941723e-06
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // t's low mantissa bits hold n; moving them into the exponent avoids a checked conversion.
        let exponent = (t.bitPattern &- 0x4B40_0000 &+ 127) << 23
        return p * Float(bitPattern: exponent)
    }

    /// Layer normalisation of each row of a `rows×cols` buffer: zero mean, unit variance (biased,
    /// with `epsilon`), then scaled by `gamma` and shifted by `beta`.
    public static func layerNorm(_ x: inout [Float], cols: Int, gamma: [Float], beta: [Float], epsilon: Float) {
        precondition(gamma.count == cols && beta.count == cols && x.count % max(cols, 1) == 0)
        guard cols > 0 else { return }
        x.withUnsafeMutableBufferPointer { p in
            gamma.withUnsafeBufferPointer { g in
                beta.withUnsafeBufferPointer { b in
                    for start in stride(from: 0, to: p.count, by: cols) {
                        let row = p.baseAddress! + start
                        let mean = sum(row, count: cols) / Float(cols)
                        for j in 0..<cols { row[j] -= mean }
                        var variance: Float = 0
                        var squares = SIMD8<Float>()
                        var j = 0
                        while j + 8 <= cols {
                            let v = UnsafeRawPointer(row).loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                            squares += v * v
                            j += 8
                        }
                        variance = squares.sum()
                        while j < cols { variance += row[j] * row[j]; j += 1 }
                        let scale = 1 / (variance / Float(cols) + epsilon).squareRoot()
                        for j in 0..<cols { row[j] = row[j] * scale * g[j] + b[j] }
                    }
                }
            }
        }
    }

    /// `x / sqrt(mean(x²) + ε) · weight`, summing squares in double as ggml does.
    public static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: [Float], into out: UnsafeMutablePointer<Float>, count: Int, epsilon: Float) {
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i] * x[i]) }
        let scale = 1 / (Float(sum / Double(count)) + epsilon).squareRoot()
        weight.withUnsafeBufferPointer { w in
            for i in 0..<count { out[i] = (x[i] * scale) * w[i] }
        }
    }

    /// Softmax over the first `length` values of each of `rows` rows (stride `stride`), in place.
    /// Values from `length` to `stride` are left alone: callers use them for padding.
    public static func softmax(_ p: UnsafeMutablePointer<Float>, rows: Int, length: Int, stride: Int) {
        guard length > 0 else { return }
        for r in 0..<rows {
            let row = p + r * stride
            let top = maximum(row, count: length)
            for j in 0..<length { row[j] = exp(row[j] - top) }
            let inverse = 1 / sum(row, count: length)
            for j in 0..<length { row[j] *= inverse }
        }
    }

    /// The sum of `count` values. Written with vector accumulators: the compiler does not
    /// vectorise a floating-point reduction by itself, since that reorders the additions.
    @inline(__always)
    public static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 16 <= count {
            a += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            b += raw.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            i += 16
        }
        var total = (a + b).sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// The largest of `count` (≥ 1) values.
    @inline(__always)
    public static func maximum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var top = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            top.replace(with: v, where: v .> top)
            i += 8
        }
        var result = top.max()
        while i < count { result = Swift.max(result, p[i]); i += 1 }
        return result
    }

    /// Adds `bias` to every row of a `rows×bias.count` buffer.
    public static func addBias(_ x: inout [Float], _ bias: [Float]) {
        let cols = bias.count
        precondition(cols > 0 && x.count % cols == 0)
        x.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { b in
                for start in stride(from: 0, to: p.count, by: cols) { for j in 0..<cols { p[start + j] += b[j] } }
            }
        }
    }

    /// `x += y`, element by element.
    public static func add(_ x: inout [Float], _ y: [Float]) {
        precondition(x.count == y.count)
        x.withUnsafeMutableBufferPointer { p in
            y.withUnsafeBufferPointer { q in for i in p.indices { p[i] += q[i] } }
        }
    }

    /// Scales a vector to unit Euclidean length (a zero vector stays zero), as sentence
    /// embeddings are before cosine comparison.
    public static func normalize(_ v: inout [Float]) {
        var sum: Float = 0
        for x in v { sum += x * x }
        let norm = max(sum.squareRoot(), 1e-12)
        for i in v.indices { v[i] /= norm }
    }
}
