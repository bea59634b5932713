/// SentencePiece (BPE with scores) as llama.cpp's `llm_tokenizer_spm_session` runs it: start from
/// one symbol per UTF-8 character, repeatedly merge the adjacent pair whose concatenation is the
/// token with the highest score (leftmost first), then emit each symbol's token, or the byte
/// tokens `<0xNN>` of a symbol that is none. The text arrives with spaces already made `▁`.
struct SentencePieceModel: Sendable {
    /// Token text → id, and each token's score.
    let literal: ByteStringTable
    let scores: [Float]

    init(vocabulary: TokenVocabulary) {
        literal = vocabulary.literal
        scores = vocabulary.scores
    }

    /// The token of byte `b`: `<0xNN>`, else the one-byte text, else the unknown token.
    private func byteToken(_ b: UInt8, unknown: Int?) -> Int? {
        let hex = Array("0123456789ABCDEF".utf8)
        if let id = literal.find([0x3C, 0x30, 0x78, hex[Int(b >> 4)], hex[Int(b & 15)], 0x3E]) { return Int(id) }
        if let id = literal.find([b]) { return Int(id) }
        return unknown
    }

    /// Appends the tokens of `text` to `output`.
    func encode(_ text: [UInt8], unknown: Int?, into output: inout [Int]) {
        guard !text.isEmpty else { return }
        var symbols: [BPESymbol] = []
        var offset = 0
        while offset < text.count {
            let lead = text[offset]
            let length = min(lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4, text.count - offset)
            let index = symbols.count
            offset += length
            symbols.append(
                BPESymbol(
                    start: Int32(offset - length), length: Int32(length), prev: Int32(index - 1),
                    next: offset == text.count ? -1 : Int32(index + 1), id: -1))
        }
        var queue = BigramHeap()
        text.withUnsafeBufferPointer { bytes in
            func addBigram(_ left: Int32, _ right: Int32) {
                guard left >= 0, right >= 0 else { return }
                let l = symbols[Int(left)], r = symbols[Int(right)]
                let size = l.length + r.length
                let piece = UnsafeBufferPointer(rebasing: bytes[Int(l.start)..<Int(l.start + size)])
                guard let token = literal.find(piece) else { return }
                queue.push(Bigram(priority: -scores[Int(token)], left: left, right: right, size: size, token: token))
            }
            for i in 1..<symbols.count { addBigram(Int32(i - 1), Int32(i)) }
            while let bigram = queue.pop() {
                let l = Int(bigram.left), r = Int(bigram.right)
                guard symbols[l].length > 0, symbols[r].length > 0, symbols[l].length + symbols[r].length == bigram.size else { continue }
                symbols[l].length += symbols[r].length
                symbols[r].length = 0
                symbols[l].next = symbols[r].next
                if symbols[r].next >= 0 { symbols[Int(symbols[r].next)].prev = bigram.left }
                addBigram(symbols[l].prev, bigram.left)
                addBigram(bigram.left, symbols[l].next)
            }
            var i = 0
            while i != -1 {
                let symbol = symbols[i]
                let piece = UnsafeBufferPointer(rebasing: bytes[Int(symbol.start)..<Int(symbol.start + symbol.length)])
                if let token = literal.find(piece) {
                    output.append(Int(token))
                } else {
                    for b in piece { if let id = byteToken(b, unknown: unknown) { output.append(id) } }
                }
                i = Int(symbol.next)
            }
        }
    }
}
