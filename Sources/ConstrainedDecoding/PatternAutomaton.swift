import Schema

/// The patterns a free-text string must match (its schema `pattern`, and the validator's email
/// expression for `format: email`), as one deterministic automaton over classes of Unicode
/// scalars, with what the string rules add: whitespace is read as a space (the `Normalizer` turns
/// it into one before the validator matches), and a string neither starts nor ends with it nor
/// doubles it. `isLive` tells whether a value can still be finished within its length bounds, so
/// that the constraint never lets decoding into a dead end.
struct PatternAutomaton: Sendable {
    /// Sorted starts of the scalar intervals; interval i is `bounds[i]..<bounds[i + 1]`.
    let bounds: [UInt32]
    let classCount: Int
    /// `state * classCount + class` → next state, or -1.
    let transitions: [Int32]
    let accepting: [Bool]
    let minLength: Int32
    let maxLength: Int32
    /// Number of (state, after-space) pairs: paths longer than this add no new lengths.
    let pumping: Int32
    /// Per (state, after-space) pair, a bitset of the remaining lengths that can end the value.
    private let finishing: [UInt64]
    private let words: Int

    static let maxStates = 256
    static let startState: Int32 = 0

    /// nil when a pattern is outside the supported subset, the automaton is too large, or no
    /// value at all can satisfy it (the patterns are then left to the validator).
    init?(patterns: [String], minLength: Int32, maxLength: Int32) {
        var nfas: [RegexNFA] = []
        for p in patterns {
            guard let nfa = RegexNFA.compile(p) else { return nil }
            nfas.append(nfa)
        }
        guard !nfas.isEmpty else { return nil }
        // Scalar intervals on which every set of every automaton is constant.
        var cuts: Set<UInt32> = [0, 0x20, 0x21]
        for nfa in nfas {
            for list in nfa.edges { for edge in list { for r in edge.set { cuts.insert(r.lowerBound); cuts.insert(r.upperBound &+ 1) } } }
        }
        let bounds = cuts.filter { $0 <= 0x10FFFF }.sorted()
        let classCount = bounds.count
        // Subset construction over the product of the automata.
        func closure(_ nfa: RegexNFA, _ states: [Int32]) -> [Int32] {
            var seen = Set(states), stack = states
            while let s = stack.popLast() { for t in nfa.epsilon[Int(s)] where seen.insert(t).inserted { stack.append(t) } }
            return seen.sorted()
        }
        let start = nfas.map { closure($0, [$0.start]) }
        var index: [[[Int32]]: Int32] = [start: 0]
        var states = [start]
        var transitions: [Int32] = []
        var next = 0
        while next < states.count {
            let current = states[next]
            next += 1
            for c in 0..<classCount {
                let symbol = bounds[c]
                var target: [[Int32]] = []
                for (k, nfa) in nfas.enumerated() {
                    var moved: [Int32] = []
                    for s in current[k] {
                        for edge in nfa.edges[Int(s)] where edge.set.contains(where: { $0.contains(symbol) }) { moved.append(edge.target) }
                    }
                    if moved.isEmpty { target = []; break }
                    target.append(closure(nfa, moved))
                }
                if target.isEmpty { transitions.append(-1); continue }
                if let id = index[target] { transitions.append(id); continue }
                guard states.count < Self.maxStates else { return nil }
                index[target] = Int32(states.count)
                transitions.append(Int32(states.count))
                states.append(target)
            }
        }
        let accepting = states.map { set in zip(set, nfas).allSatisfy { $0.contains($1.accept) } }
        self.bounds = bounds
        self.classCount = classCount
        self.transitions = transitions
        self.accepting = accepting
        self.minLength = minLength
        self.maxLength = maxLength
        let pairs = states.count * 2
        pumping = Int32(pairs)
        // finishing[k] of (q, space): some k-scalar continuation ends in an accepting state, not
        // after whitespace, never doubling it. Lengths up to minLength + pumping are enough.
        let horizon = Int(minLength) + pairs
        words = horizon / 64 + 1
        var bits = [UInt64](repeating: 0, count: pairs * words)
        let spaceClass = Self.classOf(0x20, bounds)
        let hasText = (0..<classCount).map { Self.hasText(bounds, $0) }
        for q in 0..<states.count where accepting[q] { bits[(q * 2) * words] |= 1 }
        for k in 1...max(1, horizon) {
            let w = k / 64, b = UInt64(1) << UInt64(k % 64)
            let pw = (k - 1) / 64, pb = UInt64(1) << UInt64((k - 1) % 64)
            for q in 0..<states.count {
                for c in 0..<classCount {
                    let t = Int(transitions[q * classCount + c])
                    guard t >= 0 else { continue }
                    if hasText[c] && bits[(t * 2) * words + pw] & pb != 0 {
                        bits[(q * 2) * words + w] |= b
                        bits[(q * 2 + 1) * words + w] |= b
                    }
                    if c == spaceClass && bits[(t * 2 + 1) * words + pw] & pb != 0 {
                        bits[(q * 2) * words + w] |= b  // a space only after text
                    }
                }
            }
        }
        finishing = bits
        guard isLive(Self.startState, afterSpace: true, scalars: 0) else { return nil }
    }

    /// The class of a scalar (whitespace must be mapped to a space first).
    @inline(__always)
    static func classOf(_ c: UInt32, _ bounds: [UInt32]) -> Int {
        var lo = 0, hi = bounds.count
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if bounds[mid] <= c { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// Whether class `c` holds a scalar a string may contain that is not whitespace.
    static func hasText(_ bounds: [UInt32], _ c: Int) -> Bool {
        let lo = bounds[c], hi = c + 1 < bounds.count ? bounds[c + 1] - 1 : 0x10FFFF
        return textIn(lo...hi)
    }

    /// Whether a range holds a scalar that is neither whitespace, a control character, nor a surrogate.
    static func textIn(_ r: ClosedRange<UInt32>) -> Bool {
        if r.upperBound - r.lowerBound > 40 { return true }
        return r.contains { $0 >= 0x20 && !Whitespace.isUnicode($0) && !(0xD800...0xDFFF).contains($0) }
    }

    func step(_ state: Int32, _ c: UInt32) -> Int32 {
        transitions[Int(state) * classCount + Self.classOf(Whitespace.isUnicode(c) ? 0x20 : c, bounds)]
    }

    /// Whether a value in `state`, `afterSpace`, with `scalars` read, can still be finished.
    func isLive(_ state: Int32, afterSpace: Bool, scalars: Int32) -> Bool {
        guard state >= 0 else { return false }
        let low = max(0, minLength - scalars)
        var high = maxLength >= 0 ? maxLength - scalars : Int32.max
        guard high >= low else { return false }
        high = min(high, low + pumping)
        let base = (Int(state) * 2 + (afterSpace ? 1 : 0)) * words
        for k in Int(low)...Int(high) where finishing[base + k / 64] & (UInt64(1) << UInt64(k % 64)) != 0 { return true }
        return false
    }

    /// Whether some scalar in `range` can come next.
    func mayAccept(_ state: Int32, afterSpace: Bool, scalars: Int32, in range: ClosedRange<UInt32>) -> Bool {
        if maxLength >= 0 && scalars + 1 > maxLength { return false }
        if !afterSpace, RegexSets.space.contains(where: { $0.overlaps(range) }),
            isLive(step(state, 0x20), afterSpace: true, scalars: scalars + 1)
        {
            return true
        }
        var c = Self.classOf(range.lowerBound, bounds)
        while c < classCount && bounds[c] <= range.upperBound {
            let lo = max(bounds[c], range.lowerBound)
            let hi = min(c + 1 < classCount ? bounds[c + 1] - 1 : 0x10FFFF, range.upperBound)
            if Self.textIn(lo...hi), isLive(transitions[Int(state) * classCount + c], afterSpace: false, scalars: scalars + 1) { return true }
            c += 1
        }
        return false
    }
}
