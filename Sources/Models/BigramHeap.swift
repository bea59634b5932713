/// A candidate merge of two adjacent symbols, as llama.cpp's tokenizers queue them.
struct Bigram {
    /// Lower is merged first: the BPE merge rank, or minus the SentencePiece score.
    var priority: Float
    var left: Int32
    var right: Int32
    /// Byte length of the merged text when queued; a merge whose symbols changed since is stale.
    var size: Int32
    /// The id of the merged token.
    var token: Int32

    /// llama.cpp's order: best priority first, then the leftmost.
    @inline(__always) static func precedes(_ a: Bigram, _ b: Bigram) -> Bool {
        a.priority < b.priority || (a.priority == b.priority && a.left < b.left)
    }
}

/// A binary min-heap of bigrams.
struct BigramHeap {
    private(set) var items: [Bigram] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ bigram: Bigram) {
        items.append(bigram)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Bigram.precedes(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Bigram? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < items.count && Bigram.precedes(items[l], items[best]) { best = l }
            if r < items.count && Bigram.precedes(items[r], items[best]) { best = r }
            if best == i { break }
            items.swapAt(i, best)
            i = best
        }
        return top
    }
}
