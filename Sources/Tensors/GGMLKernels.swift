/// The fast dot-product kernels: each computes rows of W·x for one weight type against the
/// activation quantised as ggml does, with the same integer block sums as ggml's kernels.
///
/// They are written for plain SSE2 (the x86-64 baseline Swift compiles for), in Swift SIMD types
/// whose operations LLVM maps onto it: weights are unpacked from 16-bit lanes (so nibbles and bytes
/// come out in even/odd order, which `QuantizedActivation.paired` matches), multiplied with
/// `pmullw`/`pmaddwd`, four blocks' sums are transposed into one vector, and the f16 scales of four
/// blocks are converted at once. Everything hot is in this file: SwiftPM's debug builds compile
/// files separately and would not inline helpers from another file.
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
    // swizzles are element-wise code, and with them in the loop LLVM scalarises whole
    // expressions): the raw f16 scales are copied out of the row; four blocks at a time, their
    // products with the activation's scales are formed (and for Q4_1 the m·s terms summed); then
    // each block's integer dot product, as four partial sums, is converted, scaled and added to a
    // four-lane accumulator, as ggml's AVX kernels do. Blocks are padded to a multiple of four
    // with zeros, which add nothing.

    static func q4_1(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 32, rowBytes = m.rowBytes
        let ones = UnsafeRawPointer(a.ones).load(as: SIMD8<Int16>.self)
        withBlockBuffers(blocks) { words, scales in
            for r in range {
                let row = m.base + r * rowBytes
                for b in 0..<blocks { words[b] = (row + 20 * b).loadUnaligned(as: UInt32.self) }
                var minimums = SIMD4<Float>()
                for b in stride(from: 0, to: blocks, by: 4) {
                    let dm = UnsafeRawPointer(words + b).load(as: SIMD4<UInt32>.self)
                    UnsafeMutableRawPointer(scales + b).storeBytes(of: halves(dm) * floats4(a.scales + b), as: SIMD4<Float>.self)
                    minimums += halves(dm &>> 16) * floats4(a.sums + b)
                }
                var acc0 = SIMD4<Float>(), acc1 = SIMD4<Float>()
                var b = 0
                while b + 1 < blocks {
                    let sums0 = madd(nibbleProducts(row + 20 * b + 4, a.paired + 32 * b), ones)
                    let sums1 = madd(nibbleProducts(row + 20 * b + 24, a.paired + 32 * b + 32), ones)
                    acc0 += SIMD4<Float>(sums0) * SIMD4<Float>(repeating: scales[b])
                    acc1 += SIMD4<Float>(sums1) * SIMD4<Float>(repeating: scales[b + 1])
                    b += 2
                }
                if b < blocks {
                    acc0 += SIMD4<Float>(madd(nibbleProducts(row + 20 * b + 4, a.paired + 32 * b), ones)) * SIMD4<Float>(repeating: scales[b])
                }
                y[r] = ((acc0 + acc1) + minimums).sum()
            }
        }
    }

    static func q4_0(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 32, rowBytes = m.rowBytes
        let ones = UnsafeRawPointer(a.ones).load(as: SIMD8<Int16>.self)
        withBlockBuffers(blocks) { words, scales in
            for r in range {
                let row = m.base + r * rowBytes
                for b in 0..<blocks { words[b] = UInt32((row + 18 * b).loadUnaligned(as: UInt16.self)) }
                for b in stride(from: 0, to: blocks, by: 4) {
                    let d = halves(UnsafeRawPointer(words + b).load(as: SIMD4<UInt32>.self))
                    UnsafeMutableRawPointer(scales + b).storeBytes(of: d * floats4(a.scales + b), as: SIMD4<Float>.self)
                }
                var acc = SIMD4<Float>()
                for b in 0..<blocks {
                    // Σ(n − 8)·q = Σn·q − 8·Σq, the correction taken from one lane.
                    let sums = madd(nibbleProducts(row + 18 * b + 2, a.paired + 32 * b), ones) &- SIMD4(8 &* Int32(a.sums32[b]), 0, 0, 0)
                    acc += SIMD4<Float>(sums) * SIMD4<Float>(repeating: scales[b])
                }
                y[r] = acc.sum()
            }
        }
    }

    static func q8_0(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>) {
        let blocks = m.columns / 32, rowBytes = m.rowBytes
        withBlockBuffers(blocks) { words, scales in
            for r in range {
                let row = m.base + r * rowBytes
                for b in 0..<blocks { words[b] = UInt32((row + 34 * b).loadUnaligned(as: UInt16.self)) }
                for b in stride(from: 0, to: blocks, by: 4) {
                    let d = halves(UnsafeRawPointer(words + b).load(as: SIMD4<UInt32>.self))
                    UnsafeMutableRawPointer(scales + b).storeBytes(of: d * floats4(a.scales + b), as: SIMD4<Float>.self)
                }
                var acc0 = SIMD4<Float>(), acc1 = SIMD4<Float>()
                var b = 0
                while b + 1 < blocks {
                    acc0 += SIMD4<Float>(byteDot(row + 34 * b + 2, a.natural + 32 * b)) * SIMD4<Float>(repeating: scales[b])
                    acc1 += SIMD4<Float>(byteDot(row + 34 * b + 36, a.natural + 32 * b + 32)) * SIMD4<Float>(repeating: scales[b + 1])
                    b += 2
                }
                if b < blocks { acc0 += SIMD4<Float>(byteDot(row + 34 * b + 2, a.natural + 32 * b)) * SIMD4<Float>(repeating: scales[b]) }
                y[r] = (acc0 + acc1).sum()
            }
        }
    }

    /// Per-thread buffers for `blocks` blocks (rounded up to a multiple of four, the padding
    /// zero): each block's raw scale bits, and its scale times the activation's.
    @inline(__always)
    private static func withBlockBuffers(_ blocks: Int, _ body: (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<Float>) -> Void) {
        let padded = (blocks + 3) / 4 * 4
        withUnsafeTemporaryAllocation(byteCount: 8 * padded, alignment: 16) { raw in
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
                    let lowSum = int16(v0 & low) &* x8(xl, 0) &+ int16((v0 &>> 8) & low) &* x8(xl, 16)
                        &+ int16(v1 & low) &* x8(xl, 32) &+ int16((v1 &>> 8) & low) &* x8(xl, 48)
                    let highSum = int16((v0 &>> 4) & low) &* x8(xh, 0) &+ int16(v0 &>> 12) &* x8(xh, 16)
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
                for half in 0..<2 {
                    let ql = p + 64 * half, qh = p + 128 + 32 * half
                    for c in 0..<4 {
                        let l = ql.loadUnaligned(fromByteOffset: 16 * c, as: SIMD8<UInt16>.self)
                        let h = qh.loadUnaligned(fromByteOffset: 16 * (c % 2), as: SIMD8<UInt16>.self)
                        // Quants 0..<64 (ggml's minus 32 is applied below through the sums of x);
                        // the high bits for the low nibbles sit at bit 2·(c/2) of each qh byte.
                        let hl = c < 2 ? h &<< 4 : h &<< 2, hh = c < 2 ? h : h &>> 2
                        let loEven = int16((l & low) | (hl & bits)), loOdd = int16(((l &>> 8) & low) | ((hl &>> 8) & bits))
                        let hiEven = int16(((l &>> 4) & low) | (hh & bits)), hiOdd = int16((l &>> 12) | ((hh &>> 8) & bits))
                        let xl = x + 2 * (128 * half + 16 * c), xh = xl + 128
                        let s = 8 * half + c
                        isum &+= madd(loEven &* x8(xl, 0) &+ loOdd &* x8(xl, 16), SIMD8(repeating: Int16(scales[s])))
                        isum &+= madd(hiEven &* x8(xh, 0) &+ hiOdd &* x8(xh, 16), SIMD8(repeating: Int16(scales[s + 4])))
                    }
                }
                // Σ scale·Σ(q − 32)·x = Σ scale·Σq·x − 32·Σ scale·bsum.
                let sums = UnsafeRawPointer(a.sums16 + 16 * b)
                let correction = madd(SIMD8<Int16>(truncatingIfNeeded: scales.lowHalf), sums.loadUnaligned(as: SIMD8<Int16>.self))
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
            floatRows(m, range, a, y, { halves8($0.loadUnaligned(fromByteOffset: 2 * $1, as: SIMD8<UInt16>.self)) },
                      { halves8(SIMD8(repeating: $0.loadUnaligned(fromByteOffset: 2 * $1, as: UInt16.self)))[0] })
        case .bf16:
            floatRows(m, range, a, y, { bfloats8($0.loadUnaligned(fromByteOffset: 2 * $1, as: SIMD8<UInt16>.self)) },
                      { Float(bitPattern: UInt32($0.loadUnaligned(fromByteOffset: 2 * $1, as: UInt16.self)) << 16) })
        default:
            floatRows(m, range, a, y, { $0.loadUnaligned(fromByteOffset: 4 * $1, as: SIMD8<Float>.self) },
                      { $0.loadUnaligned(fromByteOffset: 4 * $1, as: Float.self) })
        }
    }

    /// Rows of plain dot products, with `load8(row, j)` giving weights j..<j+8 as floats and
    /// `load1(row, j)` weight j.
    @inline(__always)
    private static func floatRows(_ m: QuantizedMatrix, _ range: Range<Int>, _ a: QuantizedActivation, _ y: UnsafeMutablePointer<Float>,
                                  _ load8: (UnsafeRawPointer, Int) -> SIMD8<Float>, _ load1: (UnsafeRawPointer, Int) -> Float) {
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

/// Products of eight signed 16-bit lanes, added in pairs into four 32-bit lanes (SSE2 `pmaddwd`).
@inline(__always)
private func madd(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> {
    let p = SIMD8<Int32>(truncatingIfNeeded: a) &* SIMD8<Int32>(truncatingIfNeeded: b)
    return p.evenHalf &+ p.oddHalf
}

/// The lane sums of four vectors, `[Σa, Σb, Σc, Σd]`, by two rounds of shuffles and adds.
@inline(__always)
private func laneSums(_ a: SIMD4<Int32>, _ b: SIMD4<Int32>, _ c: SIMD4<Int32>, _ d: SIMD4<Int32>) -> SIMD4<Int32> {
    let ab = SIMD4(lowHalf: a.lowHalf, highHalf: b.lowHalf) &+ SIMD4(lowHalf: a.highHalf, highHalf: b.highHalf)
    let cd = SIMD4(lowHalf: c.lowHalf, highHalf: d.lowHalf) &+ SIMD4(lowHalf: c.highHalf, highHalf: d.highHalf)
    return SIMD4(lowHalf: ab.evenHalf, highHalf: cd.evenHalf) &+ SIMD4(lowHalf: ab.oddHalf, highHalf: cd.oddHalf)
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

/// The products nibble·q of one Q4_0/Q4_1 block's 16 bytes (low nibbles are weights 0..<16,
/// high nibbles 16..<32) with its 32 paired activation quants, summed four to a 16-bit lane
/// (|sum| ≤ 4·15·127 fits).
@inline(__always)
private func nibbleProducts(_ w: UnsafeRawPointer, _ x: UnsafePointer<Int16>) -> SIMD8<Int16> {
    let v = w.loadUnaligned(as: SIMD8<UInt16>.self)
    let low = SIMD8<UInt16>(repeating: 0x0f), xr = UnsafeRawPointer(x)
    return (int16(v & low) &* x8(xr, 0) &+ int16((v &>> 8) & low) &* x8(xr, 16))
        &+ (int16((v &>> 4) & low) &* x8(xr, 32) &+ int16(v &>> 12) &* x8(xr, 48))
}

/// Σ w·q over one Q8_0 block's 32 signed bytes against its 32 activation quants in natural order
/// (bytes are sign-extended in order, by unpacking each with itself and shifting).
@inline(__always)
private func byteDot(_ w: UnsafeRawPointer, _ x: UnsafePointer<Int16>) -> SIMD4<Int32> {
    let v0 = w.loadUnaligned(as: SIMD16<Int8>.self), v1 = w.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self)
    let xr = UnsafeRawPointer(x)
    return (madd(SIMD8<Int16>(truncatingIfNeeded: v0.lowHalf), x8(xr, 0)) &+ madd(SIMD8<Int16>(truncatingIfNeeded: v0.highHalf), x8(xr, 16)))
        &+ (madd(SIMD8<Int16>(truncatingIfNeeded: v1.lowHalf), x8(xr, 32)) &+ madd(SIMD8<Int16>(truncatingIfNeeded: v1.highHalf), x8(xr, 48)))
}
