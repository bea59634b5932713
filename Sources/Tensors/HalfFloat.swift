/// Conversions between `Float` and the 16-bit float formats GGML stores (IEEE half and bfloat16),
/// written with integer operations so that hot loops need no library calls (without F16C, Swift's
/// `Float(Float16)` is a call into the runtime).
enum HalfFloat {
    /// The IEEE half with bits `h` as a `Float`, exactly (subnormals, infinities and NaNs included).
    @inline(__always)
    static func float(fromHalf h: UInt16) -> Float {
        let magnitude = UInt32(h & 0x7fff)
        let sign = UInt32(h & 0x8000) << 16
        let exponent = magnitude >> 10
        let bits: UInt32
        if exponent == 0 {
            // Subnormal (or zero): mantissa · 2⁻²⁴, exact as a float.
            bits = (Float(magnitude) * 0x1p-24).bitPattern
        } else if exponent == 31 {
            bits = (magnitude << 13) | 0x7f80_0000  // infinity or NaN, payload kept
        } else {
            bits = (magnitude << 13) &+ (112 << 23)  // rebias the exponent from 15 to 127
        }
        return Float(bitPattern: bits | sign)
    }

    /// The IEEE half nearest to `value` (ties to even), as F16C's `vcvtps2ph` and `Float16(_:)` round.
    @inline(__always)
    static func half(from value: Float) -> UInt16 { Float16(value).bitPattern }

    /// `value` rounded to the nearest IEEE half and back.
    @inline(__always)
    static func roundedToHalf(_ value: Float) -> Float { Float(Float16(value)) }

    /// The bfloat16 with bits `b` as a `Float`: the high half of the float's bits.
    @inline(__always)
    static func float(fromBFloat b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

    /// `value` as bfloat16, rounded to nearest with ties to even as ggml's
    /// `ggml_compute_fp32_to_bf16` does (NaNs are kept and made quiet).
    @inline(__always)
    static func bfloat(from value: Float) -> UInt16 {
        let u = value.bitPattern
        if u & 0x7fff_ffff > 0x7f80_0000 { return UInt16(truncatingIfNeeded: u >> 16) | 64 }
        return UInt16(truncatingIfNeeded: (u &+ (0x7fff &+ ((u >> 16) & 1))) >> 16)
    }
}
