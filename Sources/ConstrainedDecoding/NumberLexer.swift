import Schema

/// The lexical state of a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, no exponent, with bounded
/// digit counts. When the schema bounds the value, the digits read so far are kept as an integer
/// in units of 10^-maxFracDigits and every prefix must still be completable to a value within the
/// bounds (so a `minimum: 0` forbids `-`, and `maximum: 100` forbids a fourth digit).
struct NumberState: Hashable, Sendable {
    /// 0: nothing read; 1: after `-`; 2: integer digits; 3: after `.`; 4: fraction digits.
    var phase: UInt8 = 0
    var negative = false
    var zeroLead = false
    var intDigits: UInt8 = 0
    var fracDigits: UInt8 = 0
    /// The digits read, as an integer (kept only for bounded numbers).
    var magnitude: Int64 = 0

    var complete: Bool { phase == 2 || phase == 4 }

    /// Takes `b` if it continues the number within the spec; leaves the state unchanged otherwise.
    mutating func take(_ b: UInt8, _ spec: NumberSpec) -> Bool {
        var next = self
        let digit = Int64(b) - 0x30
        let isDigit = (0...9).contains(digit)
        switch phase {
        case 0 where b == UInt8(ascii: "-"):
            if let low = spec.low, low >= 0 { return false }
            next.phase = 1
            next.negative = true
        case 0 where isDigit, 1 where isDigit:
            next.phase = 2
            next.intDigits = 1
            next.zeroLead = digit == 0
            next.magnitude = spec.bounded ? digit : 0
        case 2 where isDigit:
            guard !zeroLead, Int(intDigits) < spec.maxIntDigits else { return false }
            next.intDigits += 1
            if spec.bounded { next.magnitude = magnitude * 10 + digit }
        case 2 where b == UInt8(ascii: "."):
            guard !spec.integer else { return false }
            next.phase = 3
        case 3 where isDigit, 4 where isDigit:
            guard Int(fracDigits) < spec.maxFracDigits else { return false }
            next.phase = 4
            next.fracDigits += 1
            if spec.bounded { next.magnitude = magnitude * 10 + digit }
        default:
            return false
        }
        guard !spec.bounded || next.feasible(spec) else { return false }
        self = next
        return true
    }

    /// The value read, in units of 10^-maxFracDigits.
    func value(_ spec: NumberSpec) -> Int64 {
        let v = magnitude * NumberSpec.power(spec.maxFracDigits - Int(fracDigits))
        return negative ? -v : v
    }

    func inRange(_ spec: NumberSpec) -> Bool {
        let v = value(spec)
        return v >= (spec.low ?? Int64.min) && v <= (spec.high ?? Int64.max)
    }

    /// Whether some completion of the digits read lies within the bounds.
    func feasible(_ spec: NumberSpec) -> Bool {
        let scale = spec.scale
        switch phase {
        case 1:
            return overlaps(0, NumberSpec.power(spec.maxIntDigits) * scale - 1, spec)
        case 2:
            if zeroLead { return overlaps(0, scale - 1, spec) }
            var p: Int64 = 1
            for _ in 0...(spec.maxIntDigits - Int(intDigits)) {
                if overlaps(magnitude * p * scale, (magnitude + 1) * p * scale - 1, spec) { return true }
                p *= 10
            }
            return false
        default:
            let unit = NumberSpec.power(spec.maxFracDigits - Int(fracDigits))
            return overlaps(magnitude * unit, (magnitude + 1) * unit - 1, spec)
        }
    }

    /// Whether the magnitudes `lo...hi`, with the sign read, meet the bounds.
    private func overlaps(_ lo: Int64, _ hi: Int64, _ spec: NumberSpec) -> Bool {
        let (a, b) = negative ? (-hi, -lo) : (lo, hi)
        return b >= (spec.low ?? Int64.min) && a <= (spec.high ?? Int64.max)
    }
}
