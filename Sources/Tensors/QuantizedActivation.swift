/// The format ggml's CPU backend converts the activation vector to before taking dot products with
/// rows of a weight type (its `vec_dot_type`).
enum ActivationFormat: Int, CaseIterable, Sendable {
    /// Plain floats (F32 weights).
    case f32
    /// Floats rounded to IEEE half (F16 weights).
    case f16
    /// Floats rounded to bfloat16 (BF16 weights).
    case bf16
    /// Blocks of 32 int8 with an f16 scale (Q4_0 and Q8_0 weights): `quantize_row_q8_0_ref`.
    case q8_0
    /// Q8_0 plus the f16 `s = d·Σq` of each block (Q4_1 weights): `quantize_row_q8_1_ref`.
    case q8_1
    /// Blocks of 256 int8 with a float scale and sums of each 16 (K-quant weights): `quantize_row_q8_K_ref`.
    case q8_K

    /// Weights per block of the activation's scale.
    var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q8_0, .q8_1: 32
        case .q8_K: 256
        }
    }
}

extension GGMLType {
    /// ggml's `vec_dot_type` for this weight type.
    var activationFormat: ActivationFormat {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .q4_0, .q8_0: .q8_0
        case .q4_1: .q8_1
        case .q4_K, .q6_K: .q8_K
        }
    }
}

/// An activation vector converted to an `ActivationFormat`, in memory it does not own.
///
/// The layout is Quarry's own, laid out for the dot kernels rather than as ggml's block structs,
/// but every value is the one ggml computes: `quants` holds the int8 quants (padded to a multiple of
/// 64), `scales` each block's scale as the float the dot product uses (f16-rounded for Q8_0/Q8_1),
/// `sums` Q8_1's f16-rounded `s` per block or Q8_K's `bsums` (as floats, which hold them exactly),
/// and `floats` the rounded values of the float formats.
struct QuantizedActivation {
    let format: ActivationFormat
    let columns: Int
    let quants: UnsafeMutablePointer<Int8>
    let scales: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Float>
    let floats: UnsafeMutablePointer<Float>

    /// Bytes of scratch memory `format` needs for `columns` values (a multiple of 64).
    static func byteCount(_ format: ActivationFormat, columns: Int) -> Int {
        let blocks = (columns + format.blockSize - 1) / format.blockSize
        let quantBytes = (columns + 63) / 64 * 64
        switch format {
        case .f32, .f16, .bf16: return (columns * 4 + 63) / 64 * 64
        case .q8_0: return quantBytes + (blocks * 4 + 63) / 64 * 64
        case .q8_1: return quantBytes + 2 * ((blocks * 4 + 63) / 64 * 64)
        case .q8_K: return quantBytes + (blocks * 4 + 63) / 64 * 64 + (columns / 16 * 4 + 63) / 64 * 64
        }
    }

    /// Converts `x` (`columns` floats) into `format`, in `scratch` (64-byte aligned, at least
    /// `byteCount(format, columns:)` bytes).
    init(_ format: ActivationFormat, _ x: UnsafePointer<Float>, columns: Int, scratch: UnsafeMutableRawPointer) {
        self.format = format
        self.columns = columns
        let blocks = (columns + format.blockSize - 1) / format.blockSize
        let quantBytes = (columns + 63) / 64 * 64
        let scaleBytes = (blocks * 4 + 63) / 64 * 64
        switch format {
        case .f32, .f16, .bf16:
            floats = scratch.bindMemory(to: Float.self, capacity: columns)
            quants = UnsafeMutableRawPointer(floats).assumingMemoryBound(to: Int8.self)
            scales = floats; sums = floats
        case .q8_0, .q8_1, .q8_K:
            quants = scratch.bindMemory(to: Int8.self, capacity: quantBytes)
            scales = (scratch + quantBytes).bindMemory(to: Float.self, capacity: blocks)
            sums = (scratch + quantBytes + scaleBytes).bindMemory(to: Float.self, capacity: max(blocks, columns / 16))
            floats = scales
            quants.update(repeating: 0, count: quantBytes)
        }
        switch format {
        case .f32: floats.update(from: x, count: columns)
        case .f16: for j in 0..<columns { floats[j] = HalfFloat.roundedToHalf(x[j]) }
        case .bf16: for j in 0..<columns { floats[j] = HalfFloat.float(fromBFloat: HalfFloat.bfloat(from: x[j])) }
        case .q8_0: for b in 0..<blocks { quantizeQ8(x + 32 * b, block: b, withSum: false) }
        case .q8_1: for b in 0..<blocks { quantizeQ8(x + 32 * b, block: b, withSum: true) }
        case .q8_K: for b in 0..<blocks { quantizeQ8K(x + 256 * b, block: b) }
        }
    }

    /// `quantize_row_q8_0_ref` / `quantize_row_q8_1_ref` for one block of 32.
    private func quantizeQ8(_ x: UnsafePointer<Float>, block b: Int, withSum: Bool) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        let q = quants + 32 * b
        var sum: Int32 = 0
        for j in 0..<32 {
            let v = roundedToInt8(x[j] * id)
            q[j] = v
            sum &+= Int32(v)
        }
        scales[b] = HalfFloat.roundedToHalf(d)
        if withSum { sums[b] = HalfFloat.roundedToHalf(Float(sum) * d) }
    }

    /// `quantize_row_q8_K_ref` for one block of 256: iscale = -127/max for the signed value of
    /// largest magnitude, quants by `nearest_int` (ties to even) capped at 127.
    private func quantizeQ8K(_ x: UnsafePointer<Float>, block b: Int) {
        var amax: Float = 0, signedMax: Float = 0
        for j in 0..<256 {
            let ax = abs(x[j])
            if ax > amax { amax = ax; signedMax = x[j] }
        }
        let q = quants + 256 * b
        guard amax != 0 else {
            scales[b] = 0
            for j in 0..<16 { sums[16 * b + j] = 0 }
            return
        }
        let iscale = -127 / signedMax
        for j in 0..<256 { q[j] = Int8(clamping: nearestInt(iscale * x[j])) }
        for j in 0..<16 {
            var sum: Int32 = 0
            for l in 0..<16 { sum &+= Int32(q[16 * j + l]) }
            sums[16 * b + j] = Float(sum)
        }
        scales[b] = 1 / iscale
    }
}

/// ggml's `nearest_int`: round to nearest, ties to even, by adding 1.5·2²³ (valid for |x| < 2²²).
@inline(__always)
func nearestInt(_ x: Float) -> Int32 {
    let shifted = x + 12_582_912
    return Int32(bitPattern: shifted.bitPattern & 0x007f_ffff) &- 0x0040_0000
}

/// `roundf(x)` (ties away from zero) as an int8, as ggml stores it; NaN becomes 0 instead of trapping.
@inline(__always)
func roundedToInt8(_ x: Float) -> Int8 {
    let r = x.rounded(.toNearestOrAwayFromZero)
    return r.isNaN ? 0 : Int8(Swift.max(-128, Swift.min(127, r)))
}
