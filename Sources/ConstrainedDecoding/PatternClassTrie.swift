import Foundation
import Schema

extension ConstraintVocabulary {
    /// The plain tokens (see the type's documentation) as sequences of an automaton's scalar
    /// classes, in a trie (class ids as bytes; whitespace is the class of a space). A broad
    /// pattern lets most tokens through, and walking these sequences instead of the tokens'
    /// bytes visits far fewer nodes: every lowercase word, say, is the same sequence. Built once
    /// per class partition and kept; nil when the automaton has more than 255 classes.
    func classTrie(for automaton: PatternAutomaton) -> ByteTrie? {
        guard automaton.classCount <= 255 else { return nil }
        return classTries.trie(for: automaton.bounds) {
            let sequences: [[UInt8]?] = tokens.enumerated().map { id, bytes in
                guard plainCost[id] != 255, let bytes else { return nil }
                var scanner = UTF8Scanner(bytes)
                var classes: [UInt8] = []
                classes.reserveCapacity(bytes.count)
                while let scalar = scanner.next(), let s = scalar {
                    classes.append(UInt8(PatternAutomaton.classOf(Whitespace.isUnicode(s) ? 0x20 : s, automaton.bounds)))
                }
                return classes
            }
            return ByteTrie(sequences)
        }
    }
}

/// Class tries by class partition, built on first use.
final class ClassTrieCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tries: [[UInt32]: ByteTrie] = [:]

    func trie(for bounds: [UInt32], build: () -> ByteTrie) -> ByteTrie {
        if let trie = lock.withLock({ tries[bounds] }) { return trie }
        let trie = build()
        lock.withLock { tries[bounds] = trie }
        return trie
    }
}

extension PatternAutomaton {
    /// Adds to `ids` the plain tokens that may come next in a pattern string at `state`,
    /// walking their class sequences (the same rules as `ParseState.accept` for `.pattern`).
    func walk(_ trie: ByteTrie, node: Int, state: Int32, afterSpace: Bool, scalars: Int32, ids: inout [Int32]) {
        let space = UInt8(Self.classOf(0x20, bounds))
        for e in Int(trie.edgeStart[node])..<Int(trie.edgeStart[node + 1]) {
            let c = trie.edgeByte[e]
            let isSpace = c == space
            if isSpace && afterSpace { continue }
            let next = transitions[Int(state) * classCount + Int(c)]
            guard next >= 0 else { continue }
            let n = scalars + 1
            guard isLive(next, afterSpace: isSpace, scalars: n) else { continue }
            let child = Int(trie.edgeChild[e])
            for t in Int(trie.tokenStart[child])..<Int(trie.tokenStart[child + 1]) { ids.append(trie.tokenIds[t]) }
            if trie.edgeStart[child] < trie.edgeStart[child + 1] {
                walk(trie, node: child, state: next, afterSpace: isSpace, scalars: maxLength >= 0 ? n : min(n, minLength), ids: &ids)
            }
        }
    }
}
