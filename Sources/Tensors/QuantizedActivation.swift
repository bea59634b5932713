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

    var isQuantized: Bool { blockSize > 1 }
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

/// An activation vector converted to an `ActivationFormat`, in scratch memory it does not own.
///
/// The layout is Quarry's own, made for the dot kernels rather than copying ggml's block structs,
/// but every value is the one ggml computes. For the Q8 formats:
/// - `quants`: the int8 quants in order;
/// - `paired`: the same quants as Int16 in the order the kernels unpack weights from 16-bit lanes:
///   for Q8_K each run of 16 as its 8 even-indexed then its 8 odd-indexed values; for Q8_0/Q8_1
///   (the Q4_0/Q4_1 kernels), blocks in pairs, each block as four chunks of 8: the even values of
///   its first 16, the odd values minus 256 times the even ones (see `GGMLKernels`' `nibbleDot`),
///   then the same for its second 16, with chunk k of the two blocks side by side (the kernels
///   load 16 lanes covering both blocks at once);
/// - `offsets`: for Q8_0, eight Int32 per block: 8·Σq and three zeros (the Q4_0 kernel's −8),
///   then 128·Σq over the block's even-indexed values and three zeros (the Q8_0 kernel's bias);
/// - `scales`: each block's scale as the float the dot product uses (Q8_0/Q8_1: f16-rounded d;
///   Q8_K: the float d);
/// - `sums`: Q8_1's f16-rounded `s` per block;
/// - `sums16`, `sums32`: Σq over each 16 and each 32 (Q8_K's `bsums` and their pairs; for Q8_0
///   and Q8_1, `sums32` is Σq per block).
/// For the float formats `floats` holds x rounded to the format.
struct QuantizedActivation {
    let format: ActivationFormat
    let columns: Int
    let quants: UnsafeMutablePointer<Int8>
    let paired: UnsafeMutablePointer<Int16>
    let offsets: UnsafeMutablePointer<Int32>
    let scales: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Float>
    let sums16: UnsafeMutablePointer<Int16>
    let sums32: UnsafeMutablePointer<Int16>
    let floats: UnsafeMutablePointer<Float>

    /// Byte offsets of each array in the scratch memory, and the total.
    private struct Layout {
        var quants = 0, paired = 0, offsets = 0, scales = 0, sums = 0, sums16 = 0, sums32 = 0, floats = 0, total = 0

        init(_ format: ActivationFormat, columns: Int) {
            func take(_ bytes: Int) -> Int { defer { total += (bytes + 63) / 64 * 64 }; return total }
            guard format.isQuantized else { floats = take(4 * columns); return }
            let padded = (columns + 255) / 256 * 256
            quants = take(padded)
            paired = take(2 * padded)
            offsets = take(4 * 8 * (padded / 32))
            scales = take(4 * (padded / 32))
            sums = take(4 * (padded / 16))
            sums16 = take(2 * (padded / 16))
            sums32 = take(2 * (padded / 32))
        }
    }

    /// Bytes of scratch memory `format` needs for `columns` values.
    static func byteCount(_ format: ActivationFormat, columns: Int) -> Int { Layout(format, columns: columns).total }

    /// Converts `x` (`columns` floats, a multiple of the format's block size) into `format`, in
    /// `scratch` (64-byte aligned, at least `byteCount(format, columns:)` bytes).
    init(_ format: ActivationFormat, _ x: UnsafePointer<Float>, columns: Int, scratch: UnsafeMutableRawPointer) {
        self.format = format
        self.columns = columns
        let layout = Layout(format, columns: columns)
        quants = (scratch + layout.quants).assumingMemoryBound(to: Int8.self)
        paired = (scratch + layout.paired).assumingMemoryBound(to: Int16.self)
        offsets = (scratch + layout.offsets).assumingMemoryBound(to: Int32.self)
        scales = (scratch + layout.scales).assumingMemoryBound(to: Float.self)
        sums = (scratch + layout.sums).assumingMemoryBound(to: Float.self)
        sums16 = (scratch + layout.sums16).assumingMemoryBound(to: Int16.self)
        sums32 = (scratch + layout.sums32).assumingMemoryBound(to: Int16.self)
        floats = (scratch + layout.floats).assumingMemoryBound(to: Float.self)
        switch format {
        case .f32: floats.update(from: x, count: columns)
        case .f16: for j in 0..<columns { floats[j] = roundedToHalf(x[j]) }
        case .bf16:
            for j in 0..<columns {
                let u = x[j].bitPattern
                let b = u & 0x7fff_ffff > 0x7f80_0000 ? (u >> 16) | 64 : (u &+ (0x7fff &+ ((u >> 16) & 1))) >> 16
                floats[j] = Float(bitPattern: b << 16)
            }
        case .q8_0, .q8_1: for b in 0..<columns / 32 { quantizeQ8(x + 32 * b, block: b) }
        case .q8_K: for b in 0..<columns / 256 { quantizeQ8K(x + 256 * b, block: b) }
        }
        if format.isQuantized {
            let padded = (columns + 255) / 256 * 256
            if padded > columns {
                (quants + columns).update(repeating: 0, count: padded - columns)
                (scales + columns / 32).update(repeating: 0, count: (padded - columns) / 32)
                (sums + columns / 32).update(repeating: 0, count: (padded - columns) / 32)
                (sums32 + columns / 32).update(repeating: 0, count: (padded - columns) / 32)
            }
            paired.update(repeating: 0, count: padded)
            offsets.update(repeating: 0, count: 8 * (padded / 32))
            pair()
        }
    }

    /// `quantize_row_q8_0_ref` / `quantize_row_q8_1_ref` for one block of 32: d = amax/127,
    /// q = roundf(x·(1/d)), d stored as f16, s = f16(d·Σq).
    private func quantizeQ8(_ x: UnsafePointer<Float>, block b: Int) {
        let raw = UnsafeRawPointer(x)
        let v0 = raw.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
        let v1 = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        let v2 = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
        let v3 = raw.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
        let amax = largestMagnitude(maximum(maximum(magnitudeBits(v0), magnitudeBits(v1)), maximum(magnitudeBits(v2), magnitudeBits(v3))))
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        let r0 = roundAwayFromZero(v0 * id), r1 = roundAwayFromZero(v1 * id)
        let r2 = roundAwayFromZero(v2 * id), r3 = roundAwayFromZero(v3 * id)
        let q = UnsafeMutableRawPointer(quants + 32 * b)
        q.storeBytes(of: SIMD8<Int8>(truncatingIfNeeded: r0), toByteOffset: 0, as: SIMD8<Int8>.self)
        q.storeBytes(of: SIMD8<Int8>(truncatingIfNeeded: r1), toByteOffset: 8, as: SIMD8<Int8>.self)
        q.storeBytes(of: SIMD8<Int8>(truncatingIfNeeded: r2), toByteOffset: 16, as: SIMD8<Int8>.self)
        q.storeBytes(of: SIMD8<Int8>(truncatingIfNeeded: r3), toByteOffset: 24, as: SIMD8<Int8>.self)
        let sum = ((r0 &+ r1) &+ (r2 &+ r3)).wrappedSum()
        scales[b] = roundedToHalf(d)
        sums[b] = roundedToHalf(Float(sum) * d)
        sums32[b] = Int16(truncatingIfNeeded: sum)
    }

    /// `quantize_row_q8_K_ref` for one block of 256: iscale = −127/max for the first value of
    /// largest magnitude, q = min(127, nearest_int(iscale·x)) (ties to even), d = 1/iscale.
    private func quantizeQ8K(_ x: UnsafePointer<Float>, block b: Int) {
        let raw = UnsafeRawPointer(x)
        var bits = SIMD8<Int32>()
        for i in 0..<32 { bits = maximum(bits, magnitudeBits(raw.loadUnaligned(fromByteOffset: 32 * i, as: SIMD8<Float>.self))) }
        let largest = largestMagnitude(bits)
        let q = quants + 256 * b
        guard largest != 0 else {
            q.update(repeating: 0, count: 256)
            scales[b] = 0
            for j in 0..<16 { sums16[16 * b + j] = 0; sums[16 * b + j] = 0 }
            for j in 0..<8 { sums32[8 * b + j] = 0 }
            return
        }
        var signedMax = largest
        for j in 0..<256 where abs(x[j]) == largest { signedMax = x[j]; break }
        let iscale = -127 / signedMax
        for i in 0..<32 {
            let v = raw.loadUnaligned(fromByteOffset: 32 * i, as: SIMD8<Float>.self) * iscale
            // nearest_int: adding 1.5·2²³ rounds to an integer (ties to even) in the low mantissa bits.
            let n = unsafeBitCast(v + 12_582_912, to: SIMD8<Int32>.self) & 0x007f_ffff &- 0x0040_0000
            let capped = minimum(n, SIMD8(repeating: 127))
            UnsafeMutableRawPointer(q).storeBytes(of: SIMD8<Int8>(truncatingIfNeeded: capped), toByteOffset: 8 * i, as: SIMD8<Int8>.self)
        }
        for j in 0..<16 {
            var sum: Int32 = 0
            for l in 0..<16 { sum &+= Int32(q[16 * j + l]) }
            sums16[16 * b + j] = Int16(truncatingIfNeeded: sum)
            sums[16 * b + j] = Float(sum)
        }
        for j in 0..<8 { sums32[8 * b + j] = sums16[16 * b + 2 * j] &+ sums16[16 * b + 2 * j + 1] }
        scales[b] = 1 / iscale
    }

    /// Fills `paired` (and `offsets`) from `quants`.
    private func pair() {
        if format == .q8_K {
            // Per run of 16: its 8 even-indexed values, then its 8 odd-indexed ones.
            for group in 0..<columns / 16 {
                let q = UnsafeRawPointer(quants + 16 * group).load(as: SIMD16<Int8>.self)
                let p = UnsafeMutableRawPointer(paired + 16 * group)
                p.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: q.evenHalf), as: SIMD8<Int16>.self)
                p.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: q.oddHalf), toByteOffset: 16, as: SIMD8<Int16>.self)
            }
            return
        }
        // Blocks of 32 in pairs: chunk k (0..<4) of each block of a pair side by side, block 2p's
        // chunk k at Int16 offset 64p + 16k and block 2p+1's at 64p + 16k + 8.
        for b in 0..<columns / 32 {
            let base = 64 * (b >> 1) + 8 * (b & 1)
            let q0 = UnsafeRawPointer(quants + 32 * b).load(as: SIMD16<Int8>.self)
            let q1 = UnsafeRawPointer(quants + 32 * b + 16).load(as: SIMD16<Int8>.self)
            // `paired`: even values of the first 16, odd values minus 256 times the even ones, then
            // the same for the second 16.
            let p = UnsafeMutableRawPointer(paired + base)
            let e0 = SIMD8<Int16>(truncatingIfNeeded: q0.evenHalf), e1 = SIMD8<Int16>(truncatingIfNeeded: q1.evenHalf)
            p.storeBytes(of: e0, as: SIMD8<Int16>.self)
            p.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: q0.oddHalf) &- 256 &* e0, toByteOffset: 32, as: SIMD8<Int16>.self)
            p.storeBytes(of: e1, toByteOffset: 64, as: SIMD8<Int16>.self)
            p.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: q1.oddHalf) &- 256 &* e1, toByteOffset: 96, as: SIMD8<Int16>.self)
            // Blocks' offsets in pairs too: block b's at Int32 offset 16·(b/2) + 4·(b%2), the Q4_0
            // offsets of a pair, then its Q8_0 offsets.
            let o = 16 * (b >> 1) + 4 * (b & 1)
            offsets[o] = 8 &* Int32(sums32[b])
            offsets[o + 8] = 128 &* (SIMD8<Int32>(truncatingIfNeeded: e0) &+ SIMD8<Int32>(truncatingIfNeeded: e1)).wrappedSum()
        }
    }

    // Helpers built from integer SIMD operations only: the generic ones (`pointwiseMax`, `max()`,
    // `replacing(with:where:)`, float-to-integer conversion) do not inline into vector code.

    /// The bits of |v| (as integers they order like the magnitudes, NaNs above infinity).
    @inline(__always)
    private func magnitudeBits(_ v: SIMD8<Float>) -> SIMD8<Int32> { unsafeBitCast(v, to: SIMD8<Int32>.self) & 0x7fff_ffff }

    /// Lane-wise maximum of values in 0..<2³¹.
    @inline(__always)
    private func maximum(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> { a ^ ((a ^ b) & ((a &- b) &>> 31)) }

    /// Lane-wise minimum of values whose difference fits in 32 bits.
    @inline(__always)
    private func minimum(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> { b ^ ((a ^ b) & ((a &- b) &>> 31)) }

    /// The largest of eight magnitudes given by their bits, as a float.
    @inline(__always)
    private func largestMagnitude(_ bits: SIMD8<Int32>) -> Float {
        var m: Int32 = 0
        for i in 0..<8 { m = Swift.max(m, bits[i]) }
        return Float(bitPattern: UInt32(m))
    }

    /// `roundf` (ties away from zero) of values in [-2²², 2²²] as Int32: round to nearest even by
    /// adding 1.5·2²³, then move exact ties that went towards zero one step away from it. The
    /// difference v − n is exact, so a tie is exactly ±½. NaNs give garbage, not a trap.
    @inline(__always)
    private func roundAwayFromZero(_ v: SIMD8<Float>) -> SIMD8<Int32> {
        let n = unsafeBitCast(v + 12_582_912, to: SIMD8<Int32>.self) & 0x007f_ffff &- 0x0040_0000
        let difference = unsafeBitCast(v - SIMD8<Float>(n), to: SIMD8<Int32>.self)
        return n &+ isZero(difference ^ 0x3f00_0000) &- isZero(difference ^ Int32(bitPattern: 0xbf00_0000))
    }

    /// `value` rounded to the nearest IEEE half (ties to even), as a float: what `Float(Float16(value))`
    /// gives, without its two runtime calls (SSE2 has no conversion instructions). Adding and
    /// subtracting 1.5·2^(e+13), where 2^e ≤ |value| (e ≥ −14, the subnormal halves' spacing), rounds
    /// to the half's 11 significant bits with the float adder's own ties-to-even.
    @inline(__always)
    func roundedToHalf(_ value: Float) -> Float {
        let magnitude = abs(value)
        guard magnitude < 65504 else { return Float(Float16(value)) }  // overflow, infinity, NaN
        let exponent = Swift.max(Int32(bitPattern: magnitude.bitPattern >> 23), 127 - 14)
        let magic = Float(bitPattern: UInt32(exponent + 13) << 23 | 0x0040_0000)
        let rounded = (magnitude + magic) - magic
        return value.sign == .minus ? -rounded : rounded
    }

    /// 1 where a lane is 0, else 0.
    @inline(__always)
    private func isZero(_ v: SIMD8<Int32>) -> SIMD8<Int32> {
        (unsafeBitCast(v | (0 &- v), to: SIMD8<UInt32>.self) &>> 31).truncatingToInt32 ^ 1
    }
}

extension SIMD8 where Scalar == UInt32 {
    fileprivate var truncatingToInt32: SIMD8<Int32> { unsafeBitCast(self, to: SIMD8<Int32>.self) }
}
