#if arch(x86_64)
    internal import _Builtin_intrinsics.intel
#endif

/// The fast dot-product kernels: each computes rows of W·x for one weight type against the
/// activation quantised as ggml does, with the same integer block sums as ggml's kernels.
///
/// They are written for plain SSE2 (the x86-64 baseline Swift compiles for) in Swift SIMD types
/// whose operations map onto it, with `pmaddwd` through its intrinsic: weights are unpacked from
/// 16-bit lanes (so nibbles come out in even/odd order, which `QuantizedActivation.paired`
/// matches), multiplied with `pmullw`/`pmaddwd` into per-block integer sums, converted and scaled
/// by the f16 scales, which are converted four at a time with integer operations. The 32-block
/// kernels work on two blocks at once in 16-lane vectors, so that compiled for AVX2 (or AVX-512)
/// they use the wide registers. Everything hot is in this file: SwiftPM's debug builds compile
/// files separately, and would not inline helpers from another file.
enum GGMLKernels {
    /// Rows `range` of `matrix`·x into `y[range]`.
    static func rows(_ matrix: QuantizedMatrix, _ range: Range<Int>, _ x: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        switch matrix.type {
        case .q4_0: q4_0(matrix, range, x, y)
        case .q4_1: q4_1(matrix, range, x, y)
        case .q8_0: q8_0(matrix, range, x, y)
        case .q4_K: q4_K(matrix, range, x, y)
        case .q6_K: q6_K(matrix, range, x, y)
        case .f32, .f16, .bf16: floats(matrix, range, x, y)
        }
    }

    // MARK: Q4_0, Q4_1, Q8_0 (blocks of 32)

    // Each row takes three loops, shaped so that LLVM keeps them in vector registers (Swift's SIMD
    // swizzles are element-wise code, and with them in a loop LLVM scalarises whole expressions):
    // the raw f16 scales are copied out of the row; four blocks at a time their products with the
    // activation's scales are formed (and for Q4_1 the m·s terms summed); then two blocks at a
    // time the integer dot products, four partial sums per block, are converted, scaled and added
    // to an eight-lane accumulator, as ggml's AVX kernels do. The two-block loop is written with
    // 16-lane vectors: two SSE2 registers on the x86-64 baseline, one AVX2 register when the
    // module is compiled for a CPU that has it.

    static func q4_1(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 32, rowBytes = m.rowBytes
        withBlockBuffers(blocks) { words, scales in
            for r in range {
                let row = m.base + r * rowBytes
                for b in 0..<blocks { words[b] = (row + 20 * b).loadUnaligned(as: UInt32.self) }
                var minimums = SIMD4<Float>()
                for b in stride(from: 0, to: blocks, by: 4) {
                    let dm = UnsafeRawPointer(words + b).load(as: SIMD4<UInt32>.self)
                    store(halves(dm) * floats4(a.scales + b), scales + b)
                    minimums += halves(dm &>> 16) * floats4(a.sums + b)
                }
                var acc = SIMD8<Float>()
                var b = 0
                while b &+ 1 < blocks {
                    let w = row + 20 * b + 4
                    let v = SIMD16(
                        lowHalf: w.loadUnaligned(as: SIMD8<UInt16>.self), highHalf: w.loadUnaligned(fromByteOffset: 20, as: SIMD8<UInt16>.self))
                    acc += SIMD8<Float>(nibbleDot(v, pairOf(a.paired, b))) * splats(scales, b)
                    b &+= 2
                }
                if b < blocks {
                    let w = row + 20 * b + 4
                    let v = SIMD16(lowHalf: w.loadUnaligned(as: SIMD8<UInt16>.self), highHalf: .zero)
                    acc += SIMD8<Float>(nibbleDot(v, pairOf(a.paired, b))) * splats(scales, b)
                }
                y[r] = (acc.lowHalf + acc.highHalf + minimums).sum()
            }
        }
    }

    static func q4_0(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 32, rowBytes = m.rowBytes
        let offsets = UnsafeRawPointer(a.offsets)
        withBlockBuffers(blocks) { words, scales in
            for r in range {
                let row = m.base + r * rowBytes
                for b in 0..<blocks { words[b] = UInt32((row + 18 * b).loadUnaligned(as: UInt16.self)) }
                for b in stride(from: 0, to: blocks, by: 4) {
                    store(halves(UnsafeRawPointer(words + b).load(as: SIMD4<UInt32>.self)) * floats4(a.scales + b), scales + b)
                }
                // Σ(n − 8)·q = Σn·q − 8·Σq: `offsets` holds 8·Σq in the first lane of each block.
                var acc = SIMD8<Float>()
                var b = 0
                while b &+ 1 < blocks {
                    let w = row + 18 * b + 2
                    let v = SIMD16(
                        lowHalf: w.loadUnaligned(as: SIMD8<UInt16>.self), highHalf: w.loadUnaligned(fromByteOffset: 18, as: SIMD8<UInt16>.self))
                    let sums = nibbleDot(v, pairOf(a.paired, b)) &- offsets.load(fromByteOffset: 64 * (b >> 1), as: SIMD8<Int32>.self)
                    acc += SIMD8<Float>(sums) * splats(scales, b)
                    b &+= 2
                }
                if b < blocks {
                    let w = row + 18 * b + 2
                    let v = SIMD16(lowHalf: w.loadUnaligned(as: SIMD8<UInt16>.self), highHalf: .zero)
                    let sums = nibbleDot(v, pairOf(a.paired, b)) &- offsets.load(fromByteOffset: 64 * (b >> 1), as: SIMD8<Int32>.self)
                    acc += SIMD8<Float>(sums) * splats(scales, b)
                }
                y[r] = (acc.lowHalf + acc.highHalf).sum()
            }
        }
    }

    static func q8_0(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 32, rowBytes = m.rowBytes
        let offsets = UnsafeRawPointer(a.offsets)
        withBlockBuffers(blocks) { words, scales in
            for r in range {
                let row = m.base + r * rowBytes
                for b in 0..<blocks { words[b] = UInt32((row + 34 * b).loadUnaligned(as: UInt16.self)) }
                for b in stride(from: 0, to: blocks, by: 4) {
                    store(halves(UnsafeRawPointer(words + b).load(as: SIMD4<UInt32>.self)) * floats4(a.scales + b), scales + b)
                }
                var acc = SIMD8<Float>()
                var b = 0
                while b &+ 1 < blocks {
                    let v0 = SIMD16(
                        lowHalf: (row + 34 * b + 2).loadUnaligned(as: SIMD8<UInt16>.self),
                        highHalf: (row + 34 * b + 36).loadUnaligned(as: SIMD8<UInt16>.self))
                    let v1 = SIMD16(
                        lowHalf: (row + 34 * b + 18).loadUnaligned(as: SIMD8<UInt16>.self),
                        highHalf: (row + 34 * b + 52).loadUnaligned(as: SIMD8<UInt16>.self))
                    let sums = byteDot(v0, v1, pairOf(a.paired, b)) &- offsets.load(fromByteOffset: 64 * (b >> 1) + 32, as: SIMD8<Int32>.self)
                    acc += SIMD8<Float>(sums) * splats(scales, b)
                    b &+= 2
                }
                if b < blocks {
                    let v0 = SIMD16(lowHalf: (row + 34 * b + 2).loadUnaligned(as: SIMD8<UInt16>.self), highHalf: .zero)
                    let v1 = SIMD16(lowHalf: (row + 34 * b + 18).loadUnaligned(as: SIMD8<UInt16>.self), highHalf: .zero)
                    let sums = byteDot(v0, v1, pairOf(a.paired, b)) &- offsets.load(fromByteOffset: 64 * (b >> 1) + 32, as: SIMD8<Int32>.self)
                    acc += SIMD8<Float>(sums) * splats(scales, b)
                }
                y[r] = (acc.lowHalf + acc.highHalf).sum()
            }
        }
    }

    /// Per-thread buffers for `blocks` blocks (rounded up to a multiple of four, the padding
    /// zero): each block's raw scale bits, and its scale times the activation's.
    @inline(__always)
    private static func withBlockBuffers(_ blocks: Int, _ body: (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<Float>) -> Void) {
        let padded = (blocks + 3) / 4 * 4
        withUnsafeTemporaryAllocation(byteCount: 8 * padded, alignment: 64) { raw in
            guard let base = raw.baseAddress else { return }
            base.initializeMemory(as: UInt8.self, repeating: 0, count: 8 * padded)
            body(base.assumingMemoryBound(to: UInt32.self), (base + 4 * padded).assumingMemoryBound(to: Float.self))
        }
    }

    // MARK: Q4_K, Q6_K (blocks of 256)

    static func q4_K(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 256, rowBytes = m.rowBytes
        let low = SIMD8<UInt16>(repeating: 0x0f)
        for r in range {
            let row = m.base + r * rowBytes
            var sum: Float = 0
            for b in 0..<blocks {
                let p = row + 144 * b, qs = p + 16, x = UnsafeRawPointer(a.paired + 256 * b)
                // get_scale_min_k4 for all eight sub-blocks at once, as ggml unpacks them.
                let u0 = (p + 4).loadUnaligned(as: UInt32.self), u1 = (p + 8).loadUnaligned(as: UInt32.self)
                let u2 = (p + 12).loadUnaligned(as: UInt32.self)
                let scales0 = u0 & 0x3f3f_3f3f, scales1 = (u2 & 0x0f0f_0f0f) | (((u0 >> 6) & 0x0303_0303) << 4)
                let mins0 = u1 & 0x3f3f_3f3f, mins1 = ((u2 >> 4) & 0x0f0f_0f0f) | (((u1 >> 6) & 0x0303_0303) << 4)
                var isum = SIMD4<Int32>()
                for pair in 0..<4 {
                    let v0 = (qs + 32 * pair).loadUnaligned(as: SIMD8<UInt16>.self)
                    let v1 = (qs + 32 * pair + 16).loadUnaligned(as: SIMD8<UInt16>.self)
                    let xl = x + 128 * pair, xh = xl + 64
                    // Sub-block 2·pair: the low nibbles of 32 bytes; 2·pair + 1: the high nibbles.
                    let lowSum =
                        int16(v0 & low) &* x8(xl, 0) &+ int16((v0 &>> 8) & low) &* x8(xl, 16)
                        &+ int16(v1 & low) &* x8(xl, 32) &+ int16((v1 &>> 8) & low) &* x8(xl, 48)
                    let highSum =
                        int16((v0 &>> 4) & low) &* x8(xh, 0) &+ int16(v0 &>> 12) &* x8(xh, 16)
                        &+ int16((v1 &>> 4) & low) &* x8(xh, 32) &+ int16(v1 &>> 12) &* x8(xh, 48)
                    let scales = pair < 2 ? scales0 : scales1, shift = UInt32(16 * (pair % 2))
                    isum &+= madd(lowSum, SIMD8(repeating: Int16(truncatingIfNeeded: (scales >> shift) & 0xff)))
                    isum &+= madd(highSum, SIMD8(repeating: Int16(truncatingIfNeeded: (scales >> (shift + 8)) & 0xff)))
                }
                let mins = SIMD8<Int16>(truncatingIfNeeded: unsafeBitCast(SIMD2<UInt32>(mins0, mins1), to: SIMD8<UInt8>.self))
                let msum = madd(mins, UnsafeRawPointer(a.sums32 + 8 * b).loadUnaligned(as: SIMD8<Int16>.self)).wrappedSum()
                let dy = a.scales[b]
                sum += half(p) * dy * Float(isum.wrappedSum()) - half(p + 2) * dy * Float(msum)
            }
            y[r] = sum
        }
    }

    static func q6_K(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 256, rowBytes = m.rowBytes
        let low = SIMD8<UInt16>(repeating: 0x0f), bits = SIMD8<UInt16>(repeating: 0x30)
        for r in range {
            let row = m.base + r * rowBytes
            var sum: Float = 0
            for b in 0..<blocks {
                let p = row + 210 * b, x = UnsafeRawPointer(a.paired + 256 * b)
                let scales = UnsafeRawPointer(p + 192).loadUnaligned(as: SIMD16<Int8>.self)
                var isum = SIMD4<Int32>()
                for part in 0..<2 {
                    let ql = p + 64 * part, qh = p + 128 + 32 * part
                    for c in 0..<4 {
                        let l = ql.loadUnaligned(fromByteOffset: 16 * c, as: SIMD8<UInt16>.self)
                        let h = qh.loadUnaligned(fromByteOffset: 16 * (c % 2), as: SIMD8<UInt16>.self)
                        // Quants 0..<64 (ggml's minus 32 is applied below through the sums of x);
                        // the high bits for the low nibbles sit at bit 2·(c/2) of each qh byte.
                        let hl = c < 2 ? h &<< 4 : h &<< 2, hh = c < 2 ? h : h &>> 2
                        let loEven = int16((l & low) | (hl & bits)), loOdd = int16(((l &>> 8) & low) | ((hl &>> 8) & bits))
                        let hiEven = int16(((l &>> 4) & low) | (hh & bits)), hiOdd = int16((l &>> 12) | ((hh &>> 8) & bits))
                        let xl = x + 2 * (128 * part + 16 * c), xh = xl + 128
                        let s = 8 * part + c
                        isum &+= madd(loEven &* x8(xl, 0) &+ loOdd &* x8(xl, 16), SIMD8(repeating: Int16(scales[s])))
                        isum &+= madd(hiEven &* x8(xh, 0) &+ hiOdd &* x8(xh, 16), SIMD8(repeating: Int16(scales[s + 4])))
                    }
                }
                // Σ scale·Σ(q − 32)·x = Σ scale·Σq·x − 32·Σ scale·bsum.
                let sums = UnsafeRawPointer(a.sums16 + 16 * b)
                let correction =
                    madd(SIMD8<Int16>(truncatingIfNeeded: scales.lowHalf), sums.loadUnaligned(as: SIMD8<Int16>.self))
                    &+ madd(SIMD8<Int16>(truncatingIfNeeded: scales.highHalf), sums.loadUnaligned(fromByteOffset: 16, as: SIMD8<Int16>.self))
                sum += half(p + 208) * a.scales[b] * Float((isum &- 32 &* correction).wrappedSum())
            }
            y[r] = sum
        }
    }

    // MARK: F32, F16, BF16

    static func floats(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        switch m.type {
        case .f16:
            floatRows(
                m, range, a, y, { halves8($0.loadUnaligned(fromByteOffset: 2 * $1, as: SIMD8<UInt16>.self)) },
                { halves8(SIMD8(repeating: $0.loadUnaligned(fromByteOffset: 2 * $1, as: UInt16.self)))[0] })
        case .bf16:
            floatRows(
                m, range, a, y, { bfloats8($0.loadUnaligned(fromByteOffset: 2 * $1, as: SIMD8<UInt16>.self)) },
                { Float(bitPattern: UInt32($0.loadUnaligned(fromByteOffset: 2 * $1, as: UInt16.self)) << 16) })
        default:
            floatRows(
                m, range, a, y, { $0.loadUnaligned(fromByteOffset: 4 * $1, as: SIMD8<Float>.self) },
                { $0.loadUnaligned(fromByteOffset: 4 * $1, as: Float.self) })
        }
    }

    /// Rows of plain dot products, with `load8(row, j)` giving weights j..<j+8 as floats and
    /// `load1(row, j)` weight j.
    @inline(__always)
    private static func floatRows(
        _ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>,
        _ load8: (UnsafeRawPointer, Int) -> SIMD8<Float>, _ load1: (UnsafeRawPointer, Int) -> Float
    ) {
        let n = m.columns, whole = n / 16 * 16, rowBytes = m.rowBytes
        let x = UnsafeRawPointer(a.floats)
        for r in range {
            let row = m.base + r * rowBytes
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var j = 0
            while j < whole {
                acc0 += load8(row, j) * x.load(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
                acc1 += load8(row, j + 8) * x.load(fromByteOffset: 4 * j + 32, as: SIMD8<Float>.self)
                j += 16
            }
            var sum = (acc0 + acc1).sum()
            while j < n { sum += load1(row, j) * a.floats[j]; j += 1 }
            y[r] = sum
        }
    }
}

// MARK: Helpers (fileprivate so that they inline; see the type's comment)

@inline(__always) private func floatBits(_ v: SIMD4<UInt32>) -> SIMD4<Float> { unsafeBitCast(v, to: SIMD4<Float>.self) }
@inline(__always) private func floatBits(_ v: SIMD8<UInt32>) -> SIMD8<Float> { unsafeBitCast(v, to: SIMD8<Float>.self) }
@inline(__always) private func uintBits(_ v: SIMD4<Float>) -> SIMD4<UInt32> { unsafeBitCast(v, to: SIMD4<UInt32>.self) }
@inline(__always) private func uintBits(_ v: SIMD8<Float>) -> SIMD8<UInt32> { unsafeBitCast(v, to: SIMD8<UInt32>.self) }

/// Products of eight signed 16-bit lanes, added in pairs into four 32-bit lanes: SSE2's `pmaddwd`,
/// called through its intrinsic on x86-64 (written as Swift vector arithmetic, LLVM matches it only
/// in some contexts and elsewhere expands it into a dozen shuffles and 32-bit multiplies).
@inline(__always)
private func madd(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> {
    #if arch(x86_64)
        unsafeBitCast(_mm_madd_epi16(unsafeBitCast(a, to: __m128i.self), unsafeBitCast(b, to: __m128i.self)), to: SIMD4<Int32>.self)
    #else
        let p = SIMD8<Int32>(truncatingIfNeeded: a) &* SIMD8<Int32>(truncatingIfNeeded: b)
        return p.evenHalf &+ p.oddHalf
    #endif
}

/// The IEEE halves in the low 16 bits of four lanes, as floats: the magnitude's bits moved into a
/// float and scaled by 2¹¹², which is exact for normals, subnormals and zeros (not for infinities
/// and NaNs, which no valid scale is).
@inline(__always)
private func halves(_ h: SIMD4<UInt32>) -> SIMD4<Float> {
    let magnitude = floatBits((h & 0x7fff) &<< 13) * 0x1p112
    return floatBits(uintBits(magnitude) | ((h & 0x8000) &<< 16))
}

/// Eight IEEE halves as floats, exactly (infinities and NaNs included).
@inline(__always)
private func halves8(_ h16: SIMD8<UInt16>) -> SIMD8<Float> {
    let h = SIMD8<UInt32>(truncatingIfNeeded: h16)
    let bits = (h & 0x7fff) &<< 13
    let magnitude = uintBits(floatBits(bits) * 0x1p112)
    // Exponent 31 (infinity, NaN) must become the float's all-ones exponent instead.
    let special = 0 &- (((h & 0x7c00) &+ 0x0400) &>> 15)
    let value = magnitude ^ ((magnitude ^ (bits | 0x7f80_0000)) & special)
    return floatBits(value | ((h & 0x8000) &<< 16))
}

/// Eight bfloat16 as floats: each the high half of a float's bits.
@inline(__always)
private func bfloats8(_ b: SIMD8<UInt16>) -> SIMD8<Float> { floatBits(SIMD8<UInt32>(truncatingIfNeeded: b) &<< 16) }

/// The IEEE half at `p`.
@inline(__always)
private func half(_ p: UnsafeRawPointer) -> Float { halves(SIMD4(repeating: UInt32(p.loadUnaligned(as: UInt16.self))))[0] }

@inline(__always)
private func floats4(_ p: UnsafePointer<Float>) -> SIMD4<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self) }

@inline(__always)
private func int16(_ v: SIMD8<UInt16>) -> SIMD8<Int16> { SIMD8<Int16>(truncatingIfNeeded: v) }

/// Eight Int16 of the paired activation at a 16-byte aligned offset.
@inline(__always)
private func x8(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD8<Int16> { p.load(fromByteOffset: offset, as: SIMD8<Int16>.self) }

/// Σ nibble·q for two Q4_0/Q4_1 blocks' 16 bytes each (`v`; a block's low nibbles are its
/// weights 0..<16, its high nibbles 16..<32) against their activation quants at `x` (a pair's
/// 128 Int16, see `pairOf`), as four partial sums per block.
///
/// Each 16-bit lane holds two bytes, so `v & 0x0f0f` is n₀ + 256·n₁ for the low nibbles of an even
/// and an odd weight. Multiplied by the even weight's quant q₀ it gives n₀q₀ + 256·n₁q₀, and the
/// activation stores the odd weight's quant as q₁ − 256·q₀, so that n₁·(q₁ − 256·q₀) cancels the
/// excess: two `pmaddwd` per 16 bytes and no masking of single bytes. (|q₁ − 256·q₀| ≤ 32 639 and
/// n₀ + 256·n₁ ≤ 3855 fit in 16 bits; their products in 32.)
@inline(__always)
private func nibbleDot(_ v: SIMD16<UInt16>, _ x: UnsafeRawPointer) -> SIMD8<Int32> {
    let mask = SIMD16<UInt16>(repeating: 0x0f0f)
    let low = v & mask, high = (v &>> 4) & mask
    return (madd(int16(low), x16(x, 0)) &+ madd(int16(low &>> 8), x16(x, 32)))
        &+ (madd(int16(high), x16(x, 64)) &+ madd(int16(high &>> 8), x16(x, 96)))
}

/// Σ w·q + 128·Σ q_even for two Q8_0 blocks against their paired activation quants at `x` (a
/// pair's 128 Int16): `v0` holds the blocks' first 16 bytes each, `v1` their second 16.
///
/// As in `nibbleDot`, each 16-bit lane is used whole: with the low byte's sign bit flipped it is
/// (w₀ + 128) + 256·w₁ for an even and an odd weight, which times q₀ plus w₁·(q₁ − 256·q₀) (w₁ by
/// an arithmetic shift) leaves w₀q₀ + w₁q₁ + 128·q₀; the kernel subtracts the 128·Σq₀ of each block.
@inline(__always)
private func byteDot(_ v0: SIMD16<UInt16>, _ v1: SIMD16<UInt16>, _ x: UnsafeRawPointer) -> SIMD8<Int32> {
    let flip = SIMD16<UInt16>(repeating: 0x0080)
    let a = int16(v0 ^ flip), b = int16(v1 ^ flip)
    return (madd(a, x16(x, 0)) &+ madd(a &>> 8, x16(x, 32))) &+ (madd(b, x16(x, 64)) &+ madd(b &>> 8, x16(x, 96)))
}

/// `pmaddwd` on sixteen lanes (two SSE2 instructions, or one AVX2 instruction).
@inline(__always)
private func madd(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
    SIMD8(lowHalf: madd(a.lowHalf, b.lowHalf), highHalf: madd(a.highHalf, b.highHalf))
}

@inline(__always)
private func int16(_ v: SIMD16<UInt16>) -> SIMD16<Int16> { SIMD16<Int16>(truncatingIfNeeded: v) }

/// Sixteen Int16 of an activation pair at a 32-byte aligned offset.
@inline(__always)
private func x16(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD16<Int16> { p.load(fromByteOffset: offset, as: SIMD16<Int16>.self) }

/// The activation quants of the pair of 32-blocks that block `b` belongs to (see
/// `QuantizedActivation`'s pair-interleaved layouts); for an odd block the partner's slots are
/// the second 8 of each 16.
@inline(__always)
private func pairOf(_ p: UnsafeMutablePointer<Int16>, _ b: Int) -> UnsafeRawPointer { UnsafeRawPointer(p + 64 * (b >> 1)) }

/// `[s[b] ×4, s[b+1] ×4]`: the scales of a pair of blocks, for their eight partial sums. (Kept as
/// scalars until here: extracting lanes of a vector to build these makes LLVM scalarise the whole
/// computation of the vector.)
@inline(__always)
private func splats(_ s: UnsafeMutablePointer<Float>, _ b: Int) -> SIMD8<Float> {
    SIMD8(lowHalf: SIMD4(repeating: s[b]), highHalf: SIMD4(repeating: s[b + 1]))
}

@inline(__always)
private func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self) }
