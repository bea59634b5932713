import Schema

/// A regular expression in the subset that constrained decoding can enforce, as a Thompson NFA
/// over Unicode scalars with the search semantics the `Validator` uses (`range(of:options:
/// .regularExpression)`, ICU): a branch without `^` may start anywhere, one without `$` may end
/// anywhere.
///
/// Supported: literals, `.`, classes (`[a-z_]`, `[^"]`), `\d \w \s \D \W \S`, `\t \n \r \f \e \a`,
/// `\xhh \x{h…} \uhhhh`, escaped punctuation, groups (`(…)`, `(?:…)`, `(?<name>…)`), `|`, the
/// quantifiers `* + ? {n} {n,} {n,m}` (lazy forms too), and `^`/`$` (`\A`, `\z`, `\Z`) at the ends of a
/// top-level branch. `\d` and `\w` are read as their ASCII part and `\D`, `\W` as the ASCII rest: a
/// subset of what ICU accepts, so every output still matches. Anything else (lookaround,
/// back-references, `\b`, `\p{…}`, flags, possessive quantifiers, nested classes) makes
/// `compile` answer nil and the pattern is left to the validator.
struct RegexNFA {
    typealias Ranges = [ClosedRange<UInt32>]
    /// Per state: ε-transitions, and transitions on a set of scalars.
    var epsilon: [[Int32]] = []
    var edges: [[(set: Ranges, target: Int32)]] = []
    var start: Int32 = 0
    var accept: Int32 = 0

    static let maxStates = 2000

    static func compile(_ pattern: String) -> RegexNFA? {
        var parser = RegexParser(Array(pattern.unicodeScalars.map(\.value)))
        guard let tree = parser.parse(), parser.atEnd else { return nil }
        let branches: [RegexNode] = if case .alternation(let b) = tree { b } else { [tree] }
        var anchored: [RegexNode] = []
        let anything = RegexNode.set([0...0x10FFFF])
        for branch in branches {
            var items: [RegexNode] = if case .sequence(let s) = branch { s } else { [branch] }
            var atStart = false, atEnd = false
            while case .start? = items.first { items.removeFirst(); atStart = true }
            while case .end? = items.last { items.removeLast(); atEnd = true }
            guard !items.contains(where: \.hasAnchor) else { return nil }
            if !atStart { items.insert(.repeat(anything, min: 0, max: nil), at: 0) }
            if !atEnd { items.append(.repeat(anything, min: 0, max: nil)) }
            anchored.append(.sequence(items))
        }
        var nfa = RegexNFA()
        nfa.start = nfa.newState()
        guard let end = nfa.build(.alternation(anchored), from: nfa.start) else { return nil }
        nfa.accept = end
        return nfa
    }

    private mutating func newState() -> Int32 {
        epsilon.append([])
        edges.append([])
        return Int32(epsilon.count - 1)
    }

    /// Adds the states of `node` after `from`; returns its end state, or nil when too large.
    private mutating func build(_ node: RegexNode, from: Int32) -> Int32? {
        guard epsilon.count < Self.maxStates else { return nil }
        switch node {
        case .set(let ranges):
            let s = newState()
            edges[Int(from)].append((ranges, s))
            return s
        case .sequence(let items):
            var current = from
            for item in items {
                guard let next = build(item, from: current) else { return nil }
                current = next
            }
            return current
        case .alternation(let options):
            let join = newState()
            for option in options {
                guard let end = build(option, from: from) else { return nil }
                epsilon[Int(end)].append(join)
            }
            return join
        case .repeat(let item, let low, let high):
            var current = from
            for _ in 0..<low {
                guard let next = build(item, from: current) else { return nil }
                current = next
            }
            guard let high else {
                let loop = newState()
                epsilon[Int(current)].append(loop)
                guard let end = build(item, from: loop) else { return nil }
                epsilon[Int(end)].append(loop)
                return loop
            }
            let join = newState()
            epsilon[Int(current)].append(join)
            for _ in low..<max(low, high) {
                guard let next = build(item, from: current) else { return nil }
                epsilon[Int(next)].append(join)
                current = next
            }
            return join
        case .start, .end:
            return nil
        }
    }
}

/// The syntax tree of a supported regular expression.
indirect enum RegexNode {
    case set(RegexNFA.Ranges)
    case sequence([RegexNode])
    case alternation([RegexNode])
    case `repeat`(RegexNode, min: Int, max: Int?)
    case start
    case end

    var hasAnchor: Bool {
        switch self {
        case .start, .end: true
        case .set: false
        case .sequence(let items), .alternation(let items): items.contains(where: \.hasAnchor)
        case .repeat(let item, _, _): item.hasAnchor
        }
    }
}

/// Recursive-descent parser of the supported syntax; nil for anything outside it.
struct RegexParser {
    let text: [UInt32]
    var index = 0
    init(_ text: [UInt32]) { self.text = text }

    var atEnd: Bool { index == text.count }
    private var peek: UInt32? { index < text.count ? text[index] : nil }
    private mutating func take(_ c: Character) -> Bool {
        guard let p = peek, let v = c.unicodeScalars.first?.value, p == v else { return false }
        index += 1
        return true
    }

    mutating func parse() -> RegexNode? {
        var options: [RegexNode] = []
        repeat {
            guard let s = sequence() else { return nil }
            options.append(s)
        } while take("|")
        return options.count == 1 ? options[0] : .alternation(options)
    }

    private mutating func sequence() -> RegexNode? {
        var items: [RegexNode] = []
        while let p = peek, p != 0x7C, p != 0x29 {  // | )
            guard let a = atom(), let q = quantified(a) else { return nil }
            items.append(q)
        }
        return .sequence(items)
    }

    private mutating func quantified(_ atom: RegexNode) -> RegexNode? {
        var node = atom
        while true {
            let bounds: (Int, Int?)
            if take("*") {
                bounds = (0, nil)
            } else if take("+") {
                bounds = (1, nil)
            } else if take("?") {
                bounds = (0, 1)
            } else if peek == 0x7B {  // {
                guard let b = interval() else { return nil }
                bounds = b
            } else {
                return node
            }
            if case .start = atom { return nil }
            if case .end = atom { return nil }
            if take("+") { return nil }  // possessive: another language
            _ = take("?")  // lazy: the same language
            node = .repeat(node, min: bounds.0, max: bounds.1)
        }
    }

    private mutating func interval() -> (Int, Int?)? {
        guard take("{"), let low = number() else { return nil }
        var high: Int? = low
        if take(",") { high = number() }
        guard take("}"), low <= 1000, (high ?? low) <= 1000, (high ?? low) >= low else { return nil }
        return (low, high)
    }

    private mutating func number() -> Int? {
        var value: Int?
        while let p = peek, (0x30...0x39).contains(p) {
            value = (value ?? 0) * 10 + Int(p - 0x30)
            index += 1
            if value ?? 0 > 100_000 { return nil }
        }
        return value
    }

    private mutating func atom() -> RegexNode? {
        guard let c = peek else { return nil }
        index += 1
        switch c {
        case 0x28:  // (
            if take("?") {
                if take(":") {
                } else if take("<"), let p = peek, p != 0x3D, p != 0x21 {
                    while let q = peek, q != 0x3E { index += 1 }
                    guard take(">") else { return nil }
                } else {
                    return nil
                }
            }
            guard let inner = parse(), take(")") else { return nil }
            return inner
        case 0x5B: return characterClass()  // [
        case 0x2E: return .set(RegexSets.dot)  // .
        case 0x5E: return .start  // ^
        case 0x24: return .end  // $
        case 0x5C:  // \
            guard let e = peek else { return nil }
            index += 1
            switch e {
            case 0x41: return .start  // \A
            case 0x7A, 0x5A: return .end  // \z \Z
            default:
                guard let set = escape(e, inClass: false, negated: false) else { return nil }
                return .set(set)
            }
        case 0x2A, 0x2B, 0x3F, 0x7B, 0x29, 0x7D, 0x5D: return nil  // * + ? { ) } ]
        default: return .set([c...c])
        }
    }

    private mutating func characterClass() -> RegexNode? {
        let negated = take("^")
        var ranges: RegexNFA.Ranges = []
        var first = true
        while let c = peek, c != 0x5D || first {
            if c == 0x5D || c == 0x5B { return nil }  // "[]…]" and nested classes
            if c == 0x26, index + 1 < text.count, text[index + 1] == 0x26 { return nil }  // &&
            first = false
            index += 1
            var low: UInt32
            if c == 0x5C {
                guard let e = peek else { return nil }
                index += 1
                guard let set = escape(e, inClass: true, negated: negated) else { return nil }
                guard set.count == 1, set[0].lowerBound == set[0].upperBound else { ranges += set; continue }
                low = set[0].lowerBound
            } else {
                low = c
            }
            if peek == 0x2D, index + 1 < text.count, text[index + 1] != 0x5D {  // a range
                index += 1
                guard let h = peek else { return nil }
                index += 1
                var high = h
                if h == 0x5C {
                    guard let e = peek else { return nil }
                    index += 1
                    guard let set = escape(e, inClass: true, negated: negated), set.count == 1,
                        set[0].lowerBound == set[0].upperBound
                    else { return nil }
                    high = set[0].lowerBound
                }
                guard high >= low else { return nil }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        guard take("]") else { return nil }
        let set = RegexSets.normalized(ranges)
        return .set(negated ? RegexSets.complement(set) : set)
    }

    /// The scalars an escape stands for; nil when unsupported (or unsound inside a negated class).
    private mutating func escape(_ e: UInt32, inClass: Bool, negated: Bool) -> RegexNFA.Ranges? {
        switch e {
        case 0x64: return negated ? nil : RegexSets.digit  // \d
        case 0x44: return negated ? nil : RegexSets.nonDigitASCII  // \D
        case 0x77: return negated ? nil : RegexSets.word  // \w
        case 0x57: return negated ? nil : RegexSets.nonWordASCII  // \W
        case 0x73: return RegexSets.space  // \s
        case 0x53: return RegexSets.complement(RegexSets.space)  // \S
        case 0x74: return [0x09...0x09]
        case 0x6E: return [0x0A...0x0A]
        case 0x72: return [0x0D...0x0D]
        case 0x66: return [0x0C...0x0C]
        case 0x65: return [0x1B...0x1B]
        case 0x61: return [0x07...0x07]
        case 0x78:  // \xhh, \x{…}
            let braced = take("{")
            guard let v = hex(maxDigits: braced ? 6 : 2, exact: !braced), !braced || take("}"), v <= 0x10FFFF else { return nil }
            return [v...v]
        case 0x75:  // \uhhhh
            guard let v = hex(maxDigits: 4, exact: true) else { return nil }
            return [v...v]
        default:
            // Escaped punctuation is itself; letters and digits have meanings not supported here.
            let isAlnum = (0x30...0x39).contains(e) || (0x41...0x5A).contains(e) || (0x61...0x7A).contains(e)
            return isAlnum || e > 0x7F ? nil : [e...e]
        }
    }

    private mutating func hex(maxDigits: Int, exact: Bool) -> UInt32? {
        var value: UInt32 = 0
        var digits = 0
        while digits < maxDigits, let p = peek {
            let d: UInt32
            switch p {
            case 0x30...0x39: d = p - 0x30
            case 0x41...0x46: d = p - 0x41 + 10
            case 0x61...0x66: d = p - 0x61 + 10
            default: return exact ? nil : (digits > 0 ? value : nil)
            }
            value = value << 4 | d
            digits += 1
            index += 1
        }
        return digits > 0 && (!exact || digits == maxDigits) ? value : nil
    }
}

/// Scalar sets used by the regex subset.
enum RegexSets {
    static let all: RegexNFA.Ranges = [0...0xD7FF, 0xE000...0x10FFFF]
    static let digit: RegexNFA.Ranges = [0x30...0x39]
    static let nonDigitASCII: RegexNFA.Ranges = [0...0x2F, 0x3A...0x7F]
    static let word: RegexNFA.Ranges = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let nonWordASCII: RegexNFA.Ranges = [0...0x2F, 0x3A...0x40, 0x5B...0x5E, 0x60...0x60, 0x7B...0x7F]
    static let space: RegexNFA.Ranges = [
        0x09...0x0D, 0x20...0x20, 0x85...0x85, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000,
    ]
    /// `.`: anything but line terminators.
    static let dot = complement([0x0A...0x0D, 0x85...0x85, 0x2028...0x2029])

    static func normalized(_ ranges: RegexNFA.Ranges) -> RegexNFA.Ranges {
        var out: RegexNFA.Ranges = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound &+ 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    static func complement(_ ranges: RegexNFA.Ranges) -> RegexNFA.Ranges {
        var out: RegexNFA.Ranges = []
        var next: UInt32 = 0
        for r in normalized(ranges) {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound &+ 1
        }
        if next <= 0x10FFFF { out.append(next...0x10FFFF) }
        return out
    }
}
