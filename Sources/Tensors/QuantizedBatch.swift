/// Matrix products of a quantised matrix with a batch of vectors on BLAS, numerically what
/// ggml's quantised products give (prompt prefill).
///
/// ggml converts each activation vector to the weight type's `vec_dot_type` (Q8_0, Q8_1, Q8_K,
/// or half/bfloat floats) before its integer dot products. Those products equal float products of
/// the dequantised weights with the activation rounded the same way, so the batch is rounded
/// exactly as ggml rounds it, then multiplied by the dequantised weights with one sgemm. One term
/// differs: Q4_1·Q8_1 adds `m · s` with Q8_1's `s = f16(d·Σq)` where the float product gives
/// `m · d·Σq`; a second, 32 times smaller product adds the difference.
extension QuantizedMatrix {
    /// `y` (`n × rows`) = `x` (`n × columns`) · Wᵀ. `weights` must hold `rows × columns` floats
    /// and `activations` `n × columns`; both are overwritten.
    public func multiply(
        batch x: UnsafePointer<Float>, count n: Int, into y: UnsafeMutablePointer<Float>,
        weights: UnsafeMutablePointer<Float>, activations: UnsafeMutablePointer<Float>,
        pool: ComputePool = .shared
    ) {
        guard n > 0, rows > 0 else { return }
        dequantize(rows: 0..<rows, into: weights, pool: pool)
        let format = type.activationFormat
        let blocks = columns / 32
        // Q8_1's half-precision sum, less the exact one, per vector and block (Q4_1 only).
        let correction = UnsafeMutablePointer<Float>.allocate(capacity: type == .q4_1 ? n * blocks : 0)
        defer { correction.deallocate() }
        let scratchBytes = QuantizedActivation.byteCount(format, columns: columns)
        pool.parallelFor(n) { vectors in
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
            defer { scratch.deallocate() }
            for i in vectors {
                let a = QuantizedActivation(format, x + i * columns, columns: columns, scratch: scratch)
                let out = activations + i * columns
                switch format {
                case .f32, .f16, .bf16:
                    out.update(from: a.floats, count: columns)
                case .q8_0, .q8_1:
                    for b in 0..<blocks {
                        let d = a.scales[b]
                        for j in (32 * b)..<(32 * b + 32) { out[j] = d * Float(a.quants[j]) }
                    }
                    if format == .q8_1 {
                        for b in 0..<blocks { correction[i * blocks + b] = a.sums[b] - a.scales[b] * Float(a.sums32[b]) }
                    }
                case .q8_K:
                    for b in 0..<(columns / 256) {
                        let d = a.scales[b]
                        for j in (256 * b)..<(256 * b + 256) { out[j] = d * Float(a.quants[j]) }
                    }
                }
            }
        }
        BLAS.gemm(
            transposeB: true, m: n, n: rows, k: columns, a: activations, lda: columns,
            b: weights, ldb: columns, c: y, ldc: rows)
        guard type == .q4_1 else { return }
        // y += correction (n × blocks) · minimumsᵀ (blocks × rows), the blocks' m values.
        var minimums = [Float](repeating: 0, count: rows * blocks)
        for r in 0..<rows {
            let row = base + r * rowBytes
            for b in 0..<blocks {
                minimums[r * blocks + b] = HalfFloat.float(fromHalf: row.loadUnaligned(fromByteOffset: b * 20 + 2, as: UInt16.self).littleEndian)
            }
        }
        minimums.withUnsafeBufferPointer { m in
            BLAS.gemm(
                transposeB: true, m: n, n: rows, k: blocks, a: correction, lda: blocks,
                b: m.baseAddress!, ldb: blocks, beta: 1, c: y, ldc: rows)
        }
    }
}
