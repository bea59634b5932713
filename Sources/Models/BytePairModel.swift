/// Byte-level BPE as llama.cpp's `llm_tokenizer_bpe_session` runs it on one pre-tokenized word:
/// start from one symbol per byte, repeatedly merge the adjacent pair with the lowest merge rank
/// (leftmost first), then look each symbol up; a symbol that is no token falls back to the
/// tokens of the single bytes of its byte-level spelling.
///
/// Everything is keyed on raw bytes (token texts are decoded through `ByteLevel` once), which
/// is equivalent to llama.cpp's lookups on the byte-level spelling because that map is one to one.
struct BytePairModel: Sendable {
    /// Raw bytes → id; ids from `vocabularySize` up are merge parts that are not tokens.
    private var pieces: ByteStringTable
    private let vocabularySize: Int
    /// (left id, right id) → rank.
    private var ranks: [UInt64: Int32] = [:]
    /// rank → id of the merged piece.
    private var merged: [Int32] = []
    private var byteIDs = [Int32](repeating: -1, count: 256)
    /// Single-byte texts of the vocabulary (for llama.cpp's byte fallback), by byte.
    private var literalByteIDs = [Int32](repeating: -1, count: 256)
    let ignoreMerges: Bool

    /// `texts` are the vocabulary's token texts (UTF-8 of the byte-level spelling) and `merges`
    /// the `tokenizer.ggml.merges` strings ("left right", earlier is preferred).
    init(texts: [[UInt8]], merges: [[UInt8]], ignoreMerges: Bool) {
        vocabularySize = texts.count
        self.ignoreMerges = ignoreMerges
        pieces = ByteStringTable(capacity: texts.count + merges.count / 4)
        for (id, text) in texts.enumerated() {
            if let raw = ByteLevel.decode(text) { pieces.insert(raw, Int32(id)) }
            if text.count == 1 { literalByteIDs[Int(text[0])] = Int32(id) }
        }
        var nextID = Int32(texts.count)
        func id(_ raw: [UInt8]) -> Int32 {
            if let id = pieces.find(raw) { return id }
            pieces.insert(raw, nextID)
            nextID += 1
            return nextID - 1
        }
        ranks.reserveCapacity(merges.count)
        merged.reserveCapacity(merges.count)
        for merge in merges {
            // llama.cpp splits at the first space after the first byte.
            let rank = Int32(merged.count)
            guard let space = merge.dropFirst().firstIndex(of: 0x20),
                let left = ByteLevel.decode(Array(merge[..<space])),
                let right = ByteLevel.decode(Array(merge[(space + 1)...]))
            else {
                merged.append(-1)
                continue
            }
            let key = UInt64(UInt32(bitPattern: id(left))) << 32 | UInt64(UInt32(bitPattern: id(right)))
            if ranks[key] == nil { ranks[key] = rank }  // the first of duplicate merges wins
            merged.append(id(left + right))
        }
        for b in 0..<256 { byteIDs[b] = pieces.find([UInt8(b)]) ?? -1 }
    }

    /// Appends the tokens of one word (raw bytes) to `output`.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout BPEScratch) {
        guard !word.isEmpty else { return }
        if ignoreMerges, let id = pieces.find(word), Int(id) < vocabularySize {
            output.append(Int(id))
            return
        }
        var symbols = scratch.symbols
        var queue = scratch.queue
        symbols.removeAll(keepingCapacity: true)
        queue.removeAll()
        for (i, b) in word.enumerated() {
            symbols.append(
                BPESymbol(start: Int32(i), length: 1, prev: Int32(i - 1), next: i + 1 == word.count ? -1 : Int32(i + 1), id: byteIDs[Int(b)]))
        }
        func addBigram(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let l = symbols[Int(left)], r = symbols[Int(right)]
            guard l.id >= 0, r.id >= 0,
                let rank = ranks[UInt64(UInt32(bitPattern: l.id)) << 32 | UInt64(UInt32(bitPattern: r.id))]
            else { return }
            queue.push(Bigram(priority: Float(rank), left: left, right: right, size: l.length + r.length, token: merged[Int(rank)]))
        }
        for i in 1..<symbols.count { addBigram(Int32(i - 1), Int32(i)) }
        while let bigram = queue.pop() {
            let l = Int(bigram.left), r = Int(bigram.right)
            guard symbols[l].length > 0, symbols[r].length > 0, symbols[l].length + symbols[r].length == bigram.size else { continue }
            symbols[l].length += symbols[r].length
            symbols[l].id = bigram.token
            symbols[r].length = 0
            symbols[l].next = symbols[r].next
            if symbols[r].next >= 0 { symbols[Int(symbols[r].next)].prev = bigram.left }
            addBigram(symbols[l].prev, bigram.left)
            addBigram(bigram.left, symbols[l].next)
        }
        for symbol in symbols where symbol.length > 0 {
            if symbol.id >= 0 && Int(symbol.id) < vocabularySize {
                output.append(Int(symbol.id))
                continue
            }
            // Not a token: the tokens of the single bytes of its byte-level spelling, if any.
            let raw = word[Int(symbol.start)..<Int(symbol.start + symbol.length)]
            for byte in ByteLevel.encode(raw) where literalByteIDs[Int(byte)] >= 0 {
                output.append(Int(literalByteIDs[Int(byte)]))
            }
        }
        scratch.symbols = symbols
        scratch.queue = queue
    }
}

/// One symbol of a word being merged: a byte range, its neighbours, and its piece id (-1: none).
struct BPESymbol {
    var start: Int32
    var length: Int32
    var prev: Int32
    var next: Int32
    var id: Int32
}

/// Buffers `BytePairModel.encode` reuses from word to word.
struct BPEScratch {
    var symbols: [BPESymbol] = []
    var queue = BigramHeap()
}
