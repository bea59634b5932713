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

    /// Layer normalisation of each row of a `rows×cols` buffer: zero mean, unit variance (biased,
    /// with `epsilon`), then scaled by `gamma` and shifted by `beta`.
    public static func layerNorm(_ x: inout [Float], cols: Int, gamma: [Float], beta: [Float], epsilon: Float) {
        precondition(gamma.count == cols && beta.count == cols && x.count % max(cols, 1) == 0)
        guard cols > 0 else { return }
        x.withUnsafeMutableBufferPointer { p in
            gamma.withUnsafeBufferPointer { g in
                beta.withUnsafeBufferPointer { b in
                    for start in stride(from: 0, to: p.count, by: cols) {
                        var mean: Float = 0
                        for j in 0..<cols { mean += p[start + j] }
                        mean /= Float(cols)
                        var variance: Float = 0
                        for j in 0..<cols { let d = p[start + j] - mean; variance += d * d }
                        let scale = 1 / (variance / Float(cols) + epsilon).squareRoot()
                        for j in 0..<cols { p[start + j] = (p[start + j] - mean) * scale * g[j] + b[j] }
                    }
                }
            }
        }
    }

    /// Softmax over the first `length` values of each of `rows` rows (stride `stride`), in place.
    /// Values from `length` to `stride` are left alone: callers use them for padding.
    public static func softmax(_ p: UnsafeMutablePointer<Float>, rows: Int, length: Int, stride: Int) {
        guard length > 0 else { return }
        for r in 0..<rows {
            let row = p + r * stride
            var top = -Float.infinity
            for j in 0..<length { top = max(top, row[j]) }
            var sum: Float = 0
            for j in 0..<length { let e = Foundation.exp(row[j] - top); row[j] = e; sum += e }
            let inverse = 1 / sum
            for j in 0..<length { row[j] *= inverse }
        }
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
