import Schema

/// The document text that grounded string values must be copied from, as a suffix automaton over
/// its UTF-8 bytes: every substring of the document is a path from the root, so following one more
/// byte of a value is one transition (O(token length) per token). Built once per document in
/// O(n) states and transitions; shared by every constraint that decodes that document.
public final class GroundingText: Sendable {
    /// The document text.
    public let text: String
    /// Per state, the start of its transitions in `edgeByte`/`edgeTarget` (sorted by byte).
    let edgeStart: [Int32]
    let edgeByte: [UInt8]
    let edgeTarget: [Int32]
    /// Per state, the fewest Unicode scalars a value must still copy to end after a character
    /// that is not ASCII whitespace (0 is never stored: `Int32.max` when there is no such ending).
    let scalarsToEnd: [Int32]

    /// Builds the automaton of `text`.
    public init(_ text: String) {
        self.text = text
        var builder = SuffixAutomatonBuilder()
        for b in text.utf8 { builder.extend(b) }
        (edgeStart, edgeByte, edgeTarget) = builder.frozenEdges()
        scalarsToEnd = Self.scalarsToEnd(edgeStart: edgeStart, edgeByte: edgeByte, edgeTarget: edgeTarget, length: builder.length)
    }

    /// The state reached from `state` by byte `b`, or -1.
    @inline(__always)
    func next(_ state: Int32, _ b: UInt8) -> Int32 {
        var lo = Int(edgeStart[Int(state)]), hi = Int(edgeStart[Int(state) + 1])
        while lo < hi {
            let mid = (lo + hi) >> 1
            let m = edgeByte[mid]
            if m == b { return edgeTarget[mid] }
            if m < b { lo = mid + 1 } else { hi = mid }
        }
        return -1
    }

    /// Whether `value` occurs in the document (as bytes).
    public func contains(_ value: String) -> Bool {
        var state: Int32 = 0
        for b in value.utf8 {
            state = next(state, b)
            if state < 0 { return false }
        }
        return true
    }

    /// True when the document holds a character other than ASCII whitespace (else no grounded
    /// string can be written).
    var hasText: Bool { scalarsToEnd[0] != Int32.max }

    /// Dynamic programming in decreasing `len` order (every transition goes to a longer state).
    private static func scalarsToEnd(edgeStart: [Int32], edgeByte: [UInt8], edgeTarget: [Int32], length: [Int32]) -> [Int32] {
        let states = length.count
        let maxLength = Int(length.max() ?? 0)
        var bucket = [Int32](repeating: 0, count: maxLength + 2)
        for l in length { bucket[Int(l) + 1] += 1 }
        for i in 0..<maxLength + 1 { bucket[i + 1] += bucket[i] }
        var order = [Int32](repeating: 0, count: states)
        for s in 0..<states {
            order[Int(bucket[Int(length[s])])] = Int32(s)
            bucket[Int(length[s])] += 1
        }
        // A state sits between characters when none of its transitions is a continuation byte.
        var boundary = [Bool](repeating: true, count: states)
        for s in 0..<states {
            for e in Int(edgeStart[s])..<Int(edgeStart[s + 1]) where edgeByte[e] & 0xC0 == 0x80 { boundary[s] = false }
        }
        var best = [Int32](repeating: Int32.max, count: states)
        for s in order.reversed().map(Int.init) {
            var m = Int32.max
            for e in Int(edgeStart[s])..<Int(edgeStart[s + 1]) {
                let b = edgeByte[e], t = Int(edgeTarget[e])
                let weight: Int32 = b & 0xC0 == 0x80 ? 0 : 1
                let endsHere = b < 0x80 ? !Whitespace.isASCII(UInt32(b)) : (b & 0xC0 == 0x80 && boundary[t])
                if endsHere { m = min(m, weight) }
                if best[t] != Int32.max { m = min(m, weight + best[t]) }
            }
            best[s] = m
        }
        return best
    }
}

/// The classic online suffix automaton construction, with transitions in linked lists.
struct SuffixAutomatonBuilder {
    var length: [Int32] = [0]
    var link: [Int32] = [-1]
    var firstEdge: [Int32] = [-1]
    var edgeByte: [UInt8] = []
    var edgeTarget: [Int32] = []
    var edgeNext: [Int32] = []
    /// The root's transitions, dense: it has one per distinct byte of the text.
    var rootEdge = [Int32](repeating: -1, count: 256)
    var last: Int32 = 0

    func find(_ s: Int32, _ b: UInt8) -> Int32 {
        if s == 0 { return rootEdge[Int(b)] }
        var e = firstEdge[Int(s)]
        while e >= 0 {
            if edgeByte[Int(e)] == b { return e }
            e = edgeNext[Int(e)]
        }
        return -1
    }

    mutating func add(_ s: Int32, _ b: UInt8, _ target: Int32) {
        edgeByte.append(b)
        edgeTarget.append(target)
        edgeNext.append(firstEdge[Int(s)])
        firstEdge[Int(s)] = Int32(edgeByte.count - 1)
        if s == 0 { rootEdge[Int(b)] = Int32(edgeByte.count - 1) }
    }

    mutating func newState(length l: Int32, link k: Int32) -> Int32 {
        length.append(l)
        link.append(k)
        firstEdge.append(-1)
        return Int32(length.count - 1)
    }

    mutating func extend(_ b: UInt8) {
        let current = newState(length: length[Int(last)] + 1, link: 0)
        var p = last
        while p >= 0 && find(p, b) < 0 {
            add(p, b, current)
            p = link[Int(p)]
        }
        if p >= 0 {
            let q = edgeTarget[Int(find(p, b))]
            if length[Int(p)] + 1 == length[Int(q)] {
                link[Int(current)] = q
            } else {
                let clone = newState(length: length[Int(p)] + 1, link: link[Int(q)])
                var e = firstEdge[Int(q)]
                while e >= 0 {
                    add(clone, edgeByte[Int(e)], edgeTarget[Int(e)])
                    e = edgeNext[Int(e)]
                }
                while p >= 0 {
                    let edge = find(p, b)
                    guard edge >= 0, edgeTarget[Int(edge)] == q else { break }
                    edgeTarget[Int(edge)] = clone
                    p = link[Int(p)]
                }
                link[Int(q)] = clone
                link[Int(current)] = clone
            }
        }
        last = current
    }

    /// Transitions as sorted arrays: state → [start, end) in bytes/targets.
    func frozenEdges() -> ([Int32], [UInt8], [Int32]) {
        let states = length.count
        var start = [Int32](repeating: 0, count: states + 1)
        var bytes: [UInt8] = []
        var targets: [Int32] = []
        bytes.reserveCapacity(edgeByte.count)
        targets.reserveCapacity(edgeByte.count)
        var scratch: [(UInt8, Int32)] = []
        for s in 0..<states {
            scratch.removeAll(keepingCapacity: true)
            var e = firstEdge[s]
            while e >= 0 {
                scratch.append((edgeByte[Int(e)], edgeTarget[Int(e)]))
                e = edgeNext[Int(e)]
            }
            scratch.sort { $0.0 < $1.0 }
            for (b, t) in scratch { bytes.append(b); targets.append(t) }
            start[s + 1] = Int32(bytes.count)
        }
        return (start, bytes, targets)
    }
}
