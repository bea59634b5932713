import Schema

/// The lexical state inside a JSON string, in three layers: JSON escapes (`\n`, `\u00e9`,
/// surrogate pairs), UTF-8 decoding of raw bytes, and the content check that every decoded
/// Unicode scalar goes through (free text, an enum literal, a date, or a substring of the document).
///
/// A layer never lets a byte through unless the content can still accept some scalar the
/// partial character or escape may become (`mayAccept`), and the content accepts a scalar only if
/// the string can still be finished afterwards, so that no allowed prefix is a dead end.
struct StringState: Hashable, Sendable {
    /// 0: none; 1: after `\`; 2...5: `\u` and that many hex digits minus 2; 6: after a high
    /// surrogate, expecting `\`; 7: expecting `u`; 8...11: the low surrogate's digits.
    var escape: UInt8 = 0
    /// Hex digits so far; during the low surrogate, the high surrogate in the upper 16 bits.
    var escapeValue: UInt32 = 0
    var utfNeed: UInt8 = 0
    var utfLength: UInt8 = 0
    var utfValue: UInt32 = 0
    /// Content: enum-trie node, date position, or suffix-automaton state.
    var node: Int32 = 0
    /// Content: scalars so far (capped where the exact count no longer matters).
    var scalars: Int32 = 0
    /// The last scalar was whitespace (true at the start, so that none may lead).
    var afterSpace = false
    var grounded = false
    /// Date content: year, month and the pending first digit.
    var dateValue: UInt32 = 0

    init() {}

    init(start spec: StringSpec) {
        afterSpace = true
        grounded = spec.kind == .grounded
        if spec.kind == .enumeration { node = spec.enumRoot }
    }

    var partial: UTF8Partial { UTF8Partial(need: Int(utfNeed), length: Int(utfLength), value: utfValue) }
    var idle: Bool { escape == 0 && utfNeed == 0 }
}

extension ParseState {
    /// One byte inside a string (the closing quote finishes the value).
    mutating func stringByte(_ b: UInt8, _ m: ParseMachine) -> Bool {
        guard let spec = m.program.scalars[Int(m.program.ops[Int(pc)].a)].string else { return false }
        if string.escape != 0 { return escapeByte(b, spec, m) }
        if string.utfNeed > 0 {
            var p = string.partial
            guard p.add(b), let range = p.range else { return false }
            if p.need == 0 {
                guard accept(p.value, spec, m) else { return false }
                string.utfNeed = 0; string.utfLength = 0; string.utfValue = 0
                return true
            }
            guard mayAccept(range, spec, m) else { return false }
            string.utfNeed = UInt8(p.need); string.utfValue = p.value
            return true
        }
        switch b {
        case UInt8(ascii: "\""):
            guard canClose(spec, m) else { return false }
            finishValue(m.program)
            return true
        case UInt8(ascii: "\\"):
            guard mayAccept(0...0x10FFFF, spec, m) else { return false }
            string.escape = 1
            return true
        case 0..<0x20:
            return false
        case 0..<0x80:
            return accept(UInt32(b), spec, m)
        default:
            guard let (need, bits) = UTF8Partial.lead(b) else { return false }
            let p = UTF8Partial(need: need, length: need + 1, value: bits)
            guard let range = p.range, mayAccept(range, spec, m) else { return false }
            string.utfNeed = UInt8(need); string.utfLength = UInt8(need + 1); string.utfValue = bits
            return true
        }
    }

    private mutating func escapeByte(_ b: UInt8, _ spec: StringSpec, _ m: ParseMachine) -> Bool {
        switch string.escape {
        case 1:
            let scalar: UInt32
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalar = UInt32(b)
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "u"):
                string.escape = 2
                return true
            default: return false
            }
            guard accept(scalar, spec, m) else { return false }
            string.escape = 0
            return true
        case 2...5:
            guard let h = Self.hex(b) else { return false }
            let value = string.escapeValue << 4 | h
            let digits = UInt32(string.escape - 1)
            if digits < 4 {
                let shift = 4 * (4 - digits)
                let lo = value << shift
                guard escapeFeasible(lo...(lo | (1 << shift - 1)), spec, m) else { return false }
                string.escape += 1; string.escapeValue = value
                return true
            }
            switch value {
            case 0xD800...0xDBFF:
                guard mayAccept(Self.supplementary(value)...(Self.supplementary(value) + 0x3FF), spec, m) else { return false }
                string.escape = 6; string.escapeValue = value
                return true
            case 0xDC00...0xDFFF:
                return false
            default:
                guard accept(value, spec, m) else { return false }
                string.escape = 0; string.escapeValue = 0
                return true
            }
        case 6:
            guard b == UInt8(ascii: "\\") else { return false }
            string.escape = 7
            return true
        case 7:
            guard b == UInt8(ascii: "u") else { return false }
            string.escape = 8
            string.escapeValue <<= 16
            return true
        default:
            guard let h = Self.hex(b) else { return false }
            let high = string.escapeValue >> 16
            let low = (string.escapeValue & 0xFFFF) << 4 | h
            let digits = UInt32(string.escape - 7)
            let shift = 4 * (4 - digits)
            let lo = max(low << shift, 0xDC00), hi = min(low << shift | (1 << shift - 1), 0xDFFF)
            guard lo <= hi else { return false }
            let base = Self.supplementary(high) - 0xDC00
            if digits == 4 {
                guard accept(base + low, spec, m) else { return false }
                string.escape = 0; string.escapeValue = 0
                return true
            }
            guard mayAccept((base + lo)...(base + hi), spec, m) else { return false }
            string.escape += 1; string.escapeValue = high << 16 | low
            return true
        }
    }

    /// Whether some scalar that `\u` with hex digits in `range` can still write (directly, or as a
    /// surrogate pair) may come next.
    private func escapeFeasible(_ range: ClosedRange<UInt32>, _ spec: StringSpec, _ m: ParseMachine) -> Bool {
        if range.lowerBound <= 0xD7FF && mayAccept(range.lowerBound...min(range.upperBound, 0xD7FF), spec, m) { return true }
        let a = max(range.lowerBound, 0xD800), b = min(range.upperBound, 0xDBFF)
        if a <= b && mayAccept(Self.supplementary(a)...(Self.supplementary(b) + 0x3FF), spec, m) { return true }
        return range.upperBound >= 0xE000 && mayAccept(max(range.lowerBound, 0xE000)...range.upperBound, spec, m)
    }

    private static func supplementary(_ high: UInt32) -> UInt32 { 0x10000 + (high - 0xD800) << 10 }

    private static func hex(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: - Content

    /// Takes one decoded scalar into the content; false if it may not come next.
    mutating func accept(_ c: UInt32, _ spec: StringSpec, _ m: ParseMachine) -> Bool {
        switch spec.kind {
        case .free:
            if c < 0x20 && !Whitespace.isUnicode(c) { return false }
            let space = Whitespace.isUnicode(c)
            if space && string.afterSpace { return false }
            let n = string.scalars + 1
            if spec.maxLength >= 0 && n + (space ? 1 : 0) > spec.maxLength { return false }
            string.scalars = spec.maxLength >= 0 ? n : min(n, spec.minLength)
            string.afterSpace = space
            return true
        case .enumeration:
            let next = m.program.enums.child(string.node, c)
            guard next >= 0 else { return false }
            string.node = next
            return true
        case .date, .dateTime:
            return DateTemplate.take(c, position: &string.node, value: &string.dateValue, withTime: spec.kind == .dateTime)
        case .pattern:
            if c < 0x20 && !Whitespace.isUnicode(c) { return false }
            let space = Whitespace.isUnicode(c)
            if space && string.afterSpace { return false }
            let automaton = m.program.patterns[Int(spec.pattern)]
            let next = automaton.step(string.node, c)
            let n = string.scalars + 1
            guard automaton.isLive(next, afterSpace: space, scalars: n) else { return false }
            string.node = next
            string.scalars = spec.maxLength >= 0 ? n : min(n, spec.minLength)
            string.afterSpace = space
            return true
        case .grounded:
            guard let g = m.grounding else { return false }
            var state = string.node
            var bytes = UTF8Bytes(c)
            while let b = bytes.next() {
                state = g.next(state, b)
                if state < 0 { return false }
            }
            guard g.isLive(state, after: c, scalars: string.scalars, maxLength: spec.maxLength) else { return false }
            string.node = state
            string.scalars = spec.maxLength >= 0 ? string.scalars + 1 : 1
            string.afterSpace = Whitespace.isASCII(c)
            return true
        }
    }

    /// Whether some scalar in `range` may come next.
    func mayAccept(_ range: ClosedRange<UInt32>, _ spec: StringSpec, _ m: ParseMachine) -> Bool {
        switch spec.kind {
        case .free:
            if spec.maxLength >= 0 && string.scalars + 1 > spec.maxLength { return false }
            if range.upperBound - range.lowerBound > 40 { return true }  // longer than any run of spaces and controls
            let roomForSpace = !string.afterSpace && (spec.maxLength < 0 || string.scalars + 2 <= spec.maxLength)
            for c in range {
                let space = Whitespace.isUnicode(c)
                if space ? roomForSpace : c >= 0x20 { return true }
            }
            return false
        case .enumeration:
            return m.program.enums.hasChild(string.node, in: range)
        case .date, .dateTime:
            let lo = max(range.lowerBound, 0x2B), hi = min(range.upperBound, 0x5A)  // from "+" to "Z"
            guard lo <= hi else { return false }
            for c in lo...hi {
                var position = string.node, value = string.dateValue
                if DateTemplate.take(c, position: &position, value: &value, withTime: spec.kind == .dateTime) { return true }
            }
            return false
        case .pattern:
            return m.program.patterns[Int(spec.pattern)].mayAccept(string.node, afterSpace: string.afterSpace, scalars: string.scalars, in: range)
        case .grounded:
            guard let g = m.grounding else { return false }
            if spec.maxLength >= 0 && string.scalars + 1 > spec.maxLength { return false }
            return g.canContinue(string.node, scalars: string.scalars, maxLength: spec.maxLength, with: range)
        }
    }

    /// Whether the closing quote may come now.
    func canClose(_ spec: StringSpec, _ m: ParseMachine) -> Bool {
        guard string.idle else { return false }
        switch spec.kind {
        case .free:
            return string.scalars >= spec.minLength && (!string.afterSpace || string.scalars == 0)
        case .enumeration:
            return m.program.enums.terminal[Int(string.node)]
        case .date:
            return string.node == DateTemplate.dateEnd
        case .dateTime:
            return string.node == DateTemplate.dateTimeEnd
        case .grounded:
            return string.scalars > 0 && !string.afterSpace
        case .pattern:
            return m.program.patterns[Int(spec.pattern)].accepting[Int(string.node)] && !string.afterSpace && string.scalars >= spec.minLength
        }
    }
}

/// The UTF-8 bytes of a scalar, without allocating.
struct UTF8Bytes {
    private var bytes: UInt32 = 0
    private var count = 0
    private var index = 0

    init(_ c: UInt32) {
        switch c {
        case 0..<0x80: bytes = c; count = 1
        case 0x80..<0x800: bytes = (0xC0 | c >> 6) | (0x80 | c & 0x3F) << 8; count = 2
        case 0x800..<0x10000:
            bytes = (0xE0 | c >> 12) | (0x80 | c >> 6 & 0x3F) << 8 | (0x80 | c & 0x3F) << 16; count = 3
        default:
            bytes = (0xF0 | c >> 18) | (0x80 | c >> 12 & 0x3F) << 8 | (0x80 | c >> 6 & 0x3F) << 16 | (0x80 | c & 0x3F) << 24
            count = 4
        }
    }

    mutating func next() -> UInt8? {
        guard index < count else { return nil }
        defer { index += 1 }
        return UInt8(truncatingIfNeeded: bytes >> (8 * UInt32(index)))
    }
}
