/// ggml's generic (scalar) `ggml_vec_dot_*` kernels, one weight row against a quantised activation:
/// the definition the fast kernels are tested against. Integer parts are exact; the float
/// combination follows ggml's generic code.
enum GGMLDotReference {
    static func dot(_ type: GGMLType, row: UnsafeRawPointer, _ x: QuantizedActivation) -> Float {
        let blocks = x.columns / type.blockSize
        var sum: Float = 0
        switch type {
        case .f32:
            let w = row.assumingMemoryBound(to: Float.self)
            for j in 0..<blocks { sum += w[j] * x.floats[j] }
        case .f16:
            for j in 0..<blocks { sum += GGMLDequantize.half(row, 2 * j) * x.floats[j] }
        case .bf16:
            for j in 0..<blocks {
                sum += HalfFloat.float(fromBFloat: row.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self)) * x.floats[j]
            }
        case .q4_0:
            for b in 0..<blocks {
                let block = row + 18 * b, qs = (block + 2).assumingMemoryBound(to: UInt8.self), q8 = x.quants + 32 * b
                var sumi: Int32 = 0
                for j in 0..<16 {
                    sumi += (Int32(qs[j] & 0xf) - 8) * Int32(q8[j]) + (Int32(qs[j] >> 4) - 8) * Int32(q8[j + 16])
                }
                sum += Float(sumi) * GGMLDequantize.half(block, 0) * x.scales[b]
            }
        case .q4_1:
            for b in 0..<blocks {
                let block = row + 20 * b, qs = (block + 4).assumingMemoryBound(to: UInt8.self), q8 = x.quants + 32 * b
                var sumi: Int32 = 0
                for j in 0..<16 { sumi += Int32(qs[j] & 0xf) * Int32(q8[j]) + Int32(qs[j] >> 4) * Int32(q8[j + 16]) }
                sum += GGMLDequantize.half(block, 0) * x.scales[b] * Float(sumi) + GGMLDequantize.half(block, 2) * x.sums[b]
            }
        case .q8_0:
            for b in 0..<blocks {
                let block = row + 34 * b, qs = (block + 2).assumingMemoryBound(to: Int8.self), q8 = x.quants + 32 * b
                var sumi: Int32 = 0
                for j in 0..<32 { sumi += Int32(qs[j]) * Int32(q8[j]) }
                sum += Float(sumi) * (GGMLDequantize.half(block, 0) * x.scales[b])
            }
        case .q4_K:
            for b in 0..<blocks {
                let block = row + 144 * b, q8 = x.quants + 256 * b
                let scales = (block + 4).assumingMemoryBound(to: UInt8.self)
                let qs = (block + 16).assumingMemoryBound(to: UInt8.self)
                var sumi: Int32 = 0, summ: Int32 = 0
                for sub in 0..<8 {
                    let (scale, min) = GGMLDequantize.scaleMinK4(sub, scales)
                    let q = qs + 32 * (sub / 2), shift: UInt8 = sub % 2 == 0 ? 0 : 4
                    var s: Int32 = 0
                    for l in 0..<32 { s += Int32((q[l] >> shift) & 0xf) * Int32(q8[32 * sub + l]) }
                    sumi += Int32(scale) * s
                    summ += Int32(min) * Int32(x.sums[16 * b + 2 * sub] + x.sums[16 * b + 2 * sub + 1])
                }
                let d = GGMLDequantize.half(block, 0) * x.scales[b], dmin = GGMLDequantize.half(block, 2) * x.scales[b]
                sum += d * Float(sumi) - dmin * Float(summ)
            }
        case .q6_K:
            for b in 0..<blocks {
                let block = row + 210 * b, q8 = x.quants + 256 * b
                let sc = (block + 192).assumingMemoryBound(to: Int8.self)
                var sumi: Int32 = 0
                for sub in 0..<16 {
                    var s: Int32 = 0
                    for l in 0..<16 { s += Int32(q6K(block, 16 * sub + l)) * Int32(q8[16 * sub + l]) }
                    sumi += Int32(sc[sub]) * s
                }
                sum += GGMLDequantize.half(block, 208) * x.scales[b] * Float(sumi)
            }
        }
        return sum
    }

    /// The signed 6-bit quant (−32..<32) of weight `i` (0..<256) of a Q6_K block.
    @inline(__always)
    static func q6K(_ block: UnsafeRawPointer, _ i: Int) -> Int8 {
        let half = i / 128, r = i % 128, quarter = r / 32, l = r % 32
        let ql = (block + 64 * half).assumingMemoryBound(to: UInt8.self)
        let qh = (block + 128 + 32 * half).assumingMemoryBound(to: UInt8.self)
        let lowNibble = quarter < 2 ? ql[l + 32 * quarter] & 0xf : ql[l + 32 * (quarter - 2)] >> 4
        let high = (qh[l] >> (2 * UInt8(quarter))) & 3
        return Int8(lowNibble | (high << 4)) - 32
    }
}
