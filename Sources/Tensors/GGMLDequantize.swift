/// ggml's `dequantize_row_*` for the types Quarry reads, operation for operation, so that the floats
/// are bit-identical (products and sums in the same order, no fused multiply-adds).
enum GGMLDequantize {
    /// Dequantises `blocks` blocks of `type` starting at `source` into `output`.
    static func row(_ type: GGMLType, _ source: UnsafeRawPointer, blocks: Int, into output: UnsafeMutablePointer<Float>) {
        switch type {
        case .f32: output.update(from: source.assumingMemoryBound(to: Float.self), count: blocks)
        case .f16: for i in 0..<blocks { output[i] = HalfFloat.float(fromHalf: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .bf16: for i in 0..<blocks { output[i] = HalfFloat.float(fromBFloat: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .q4_0: for b in 0..<blocks { q4_0(source + 18 * b, output + 32 * b) }
        case .q4_1: for b in 0..<blocks { q4_1(source + 20 * b, output + 32 * b) }
        case .q8_0: for b in 0..<blocks { q8_0(source + 34 * b, output + 32 * b) }
        case .q4_K: for b in 0..<blocks { q4_K(source + 144 * b, output + 256 * b) }
        case .q6_K: for b in 0..<blocks { q6_K(source + 210 * b, output + 256 * b) }
        }
    }

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfFloat.float(fromHalf: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Q4_0: f16 d, 16 bytes; weight j is (low nibble of byte j − 8)·d, weight j+16 the high nibble.
    @inline(__always)
    static func q4_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        let qs = (block + 2).assumingMemoryBound(to: UInt8.self)
        for j in 0..<16 {
            y[j] = Float(Int32(qs[j] & 0x0f) - 8) * d
            y[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
        }
    }

    /// Q4_1: f16 d, f16 m, 16 bytes; weight = nibble·d + m.
    @inline(__always)
    static func q4_1(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), m = half(block, 2)
        let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
        for j in 0..<16 {
            y[j] = Float(qs[j] & 0x0f) * d + m
            y[j + 16] = Float(qs[j] >> 4) * d + m
        }
    }

    /// Q8_0: f16 d, 32 signed bytes; weight = q·d.
    @inline(__always)
    static func q8_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        let qs = (block + 2).assumingMemoryBound(to: Int8.self)
        for j in 0..<32 { y[j] = Float(qs[j]) * d }
    }

    /// The 6-bit scale and minimum of sub-block `j` (0..<8) from Q4_K's 12 packed bytes (`get_scale_min_k4`).
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ q: UnsafePointer<UInt8>) -> (scale: UInt8, min: UInt8) {
        if j < 4 { return (q[j] & 63, q[j + 4] & 63) }
        return ((q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
    }

    /// Q4_K: f16 d, f16 dmin, 12 bytes of scales/mins, 128 bytes; eight sub-blocks of 32,
    /// weight = (d·scale)·nibble − dmin·min, the low nibbles of 32 bytes then their high nibbles.
    @inline(__always)
    static func q4_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), dmin = half(block, 2)
        let scales = (block + 4).assumingMemoryBound(to: UInt8.self)
        let qs = (block + 16).assumingMemoryBound(to: UInt8.self)
        for pair in 0..<4 {
            let (s1, m1) = scaleMinK4(2 * pair, scales), (s2, m2) = scaleMinK4(2 * pair + 1, scales)
            let d1 = d * Float(s1), min1 = dmin * Float(m1)
            let d2 = d * Float(s2), min2 = dmin * Float(m2)
            let q = qs + 32 * pair, out = y + 64 * pair
            for l in 0..<32 { out[l] = d1 * Float(q[l] & 0xf) - min1 }
            for l in 0..<32 { out[32 + l] = d2 * Float(q[l] >> 4) - min2 }
        }
    }

    /// Q6_K: 128 bytes of low nibbles, 64 bytes of high bit pairs, 16 signed scales, f16 d; sixteen
    /// sub-blocks of 16, weight = (d·scale)·(q − 32).
    @inline(__always)
    static func q6_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 208)
        for half in 0..<2 {
            let ql = (block + 64 * half).assumingMemoryBound(to: UInt8.self)
            let qh = (block + 128 + 32 * half).assumingMemoryBound(to: UInt8.self)
            let sc = (block + 192 + 8 * half).assumingMemoryBound(to: Int8.self)
            let out = y + 128 * half
            for l in 0..<32 {
                let s = l / 16
                let q1 = Int32((ql[l] & 0xf) | ((qh[l] & 3) << 4)) - 32
                let q2 = Int32((ql[l + 32] & 0xf) | (((qh[l] >> 2) & 3) << 4)) - 32
                let q3 = Int32((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32
                let q4 = Int32((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32
                out[l] = d * Float(sc[s]) * Float(q1)
                out[l + 32] = d * Float(sc[s + 2]) * Float(q2)
                out[l + 64] = d * Float(sc[s + 4]) * Float(q3)
                out[l + 96] = d * Float(sc[s + 6]) * Float(q4)
            }
        }
    }
}
