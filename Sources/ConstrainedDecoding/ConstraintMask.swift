import Foundation
import Schema

/// The tokens allowed in one parser state: every plain token whose cost (see `ConstraintVocabulary`)
/// is at most `threshold` in the chosen cost table, plus the listed ids.
struct TokenMask: Sendable {
    enum Plain: UInt8, Sendable { case none, any, noLeadingSpace }
    var plain = Plain.none
    var threshold: UInt8 = 0
    var ids: [Int32] = []
    /// The same as a dense mask (used instead of `ids` when they are many).
    var dense: [Bool]?

    /// Switches to a dense mask when the ids are more than an eighth of the vocabulary.
    mutating func compact(_ count: Int) {
        guard plain == .none, ids.count > count / 8 else { return }
        var mask = [Bool](repeating: false, count: count)
        for id in ids where Int(id) < count { mask[Int(id)] = true }
        dense = mask
        ids = []
    }

    /// Clears `allowed[id]` for every token not in the mask (entries already false stay false).
    func apply(to allowed: inout [Bool], vocabulary v: ConstraintVocabulary, saved: inout [Bool]) {
        if saved.count < ids.count { saved = [Bool](repeating: false, count: ids.count) }
        allowed.withUnsafeMutableBufferPointer { out in
            let n = out.count
            saved.withUnsafeMutableBufferPointer { keep in
                for (j, id) in ids.enumerated() where Int(id) < n { keep[j] = out[Int(id)] }
            }
            out.withMemoryRebound(to: UInt8.self) { bytes in
                if let dense {
                    dense.withUnsafeBytes { d in
                        let m = min(n, d.count)
                        for i in 0..<m { bytes[i] &= d[i] }
                        for i in m..<n { bytes[i] = 0 }
                    }
                    return
                }
                switch plain {
                case .none:
                    bytes.update(repeating: 0)
                case .any, .noLeadingSpace:
                    let costs = plain == .any ? v.plainCost : v.plainCostNoLeadingSpace
                    let t = threshold
                    costs.withUnsafeBufferPointer { c in
                        let m = min(n, c.count)
                        for i in 0..<m { bytes[i] &= c[i] <= t ? 1 : 0 }
                        for i in m..<n { bytes[i] = 0 }
                    }
                }
            }
            saved.withUnsafeBufferPointer { keep in
                for (j, id) in ids.enumerated() where Int(id) < n { out[Int(id)] = keep[j] }
            }
        }
    }
}

/// Finds the allowed tokens of a state by walking a vocabulary trie with copies of the state,
/// pruning every subtree whose prefix the parser rejects.
struct TrieWalker {
    let machine: ParseMachine
    let trie: ByteTrie
    var ids: [Int32] = []
    /// Whether some step read grounded content (the result then depends on the document).
    var usedDocument = false

    init(machine: ParseMachine, trie: ByteTrie) {
        self.machine = machine
        self.trie = trie
    }

    mutating func walk(_ node: Int, _ state: ParseState) {
        let start = Int(trie.edgeStart[node]), end = Int(trie.edgeStart[node + 1])
        for e in start..<end {
            var s = state
            guard s.step(trie.edgeByte[e], machine) else { continue }
            if s.string.grounded { usedDocument = true }
            let child = Int(trie.edgeChild[e])
            for t in Int(trie.tokenStart[child])..<Int(trie.tokenStart[child + 1]) { ids.append(trie.tokenIds[t]) }
            if trie.edgeStart[child] < trie.edgeStart[child + 1] { walk(child, s) }
        }
    }
}

extension ParseState {
    /// For a state inside free text with no escape or character pending, the plain-token class
    /// that is allowed wholesale.
    func plainClass(_ m: ParseMachine) -> (TokenMask.Plain, UInt8)? {
        guard phase == .string, string.idle,
            let spec = m.program.scalars[Int(m.program.ops[Int(pc)].a)].string, spec.kind == .free
        else { return nil }
        let room = spec.maxLength < 0 ? 254 : min(254, Int(spec.maxLength - string.scalars))
        return (string.afterSpace ? .noLeadingSpace : .any, UInt8(max(0, room)))
    }

    /// The allowed tokens, and whether they depend on the document.
    func mask(_ m: ParseMachine, vocabulary: ConstraintVocabulary, endOfSequence: Int) -> (TokenMask, usedDocument: Bool) {
        var mask = TokenMask()
        var walker: TrieWalker
        var patternTokens: (PatternAutomaton, ByteTrie)?
        if let (plain, threshold) = plainClass(m) {
            mask.plain = plain
            mask.threshold = threshold
            walker = TrieWalker(machine: m, trie: vocabulary.specialTrie)
        } else if phase == .string, string.idle, let spec = m.program.scalars[Int(m.program.ops[Int(pc)].a)].string,
            spec.kind == .pattern, let trie = vocabulary.classTrie(for: m.program.patterns[Int(spec.pattern)])
        {
            patternTokens = (m.program.patterns[Int(spec.pattern)], trie)
            walker = TrieWalker(machine: m, trie: vocabulary.specialTrie)
        } else {
            walker = TrieWalker(machine: m, trie: vocabulary.fullTrie)
        }
        walker.usedDocument = string.grounded
        walker.walk(0, self)
        if let (automaton, trie) = patternTokens {
            automaton.walk(trie, node: 0, state: string.node, afterSpace: string.afterSpace, scalars: string.scalars, ids: &walker.ids)
        }
        mask.ids = walker.ids
        if isComplete(m) && endOfSequence >= 0 { mask.ids.append(Int32(endOfSequence)) }
        mask.compact(vocabulary.count)
        return (mask, walker.usedDocument)
    }
}

/// Masks by parser state, bounded: when it holds too many token ids it starts afresh.
final class MaskCache: @unchecked Sendable {
    private let lock = NSLock()
    private var masks: [ParseState: TokenMask] = [:]
    private var stored = 0
    private let limit: Int

    init(limit: Int = 8_000_000) { self.limit = limit }

    func mask(_ state: ParseState) -> TokenMask? { lock.withLock { masks[state] } }

    func store(_ mask: TokenMask, for state: ParseState) {
        lock.withLock {
            if stored + mask.ids.count + 16 > limit { masks.removeAll(keepingCapacity: true); stored = 0 }
            masks[state] = mask
            stored += mask.ids.count + 16
        }
    }
}

/// The shared mask caches of a vocabulary, one per compiled schema.
final class MaskCacheRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var caches: [String: MaskCache] = [:]

    func cache(for fingerprint: String) -> MaskCache {
        lock.withLock {
            if let cache = caches[fingerprint] { return cache }
            let cache = MaskCache()
            caches[fingerprint] = cache
            return cache
        }
    }
}
