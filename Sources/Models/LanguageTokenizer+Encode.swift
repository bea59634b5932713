import Foundation

extension LanguageTokenizer {
    /// A piece of the text being tokenized: raw bytes still to split, or a special token found in it.
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int)
    }

    /// The ids of `text`, as llama.cpp's `llama_tokenize(text, add_special, parse_special)`:
    /// with `addSpecial`, `bos` first (when `addBOS`) and `eos` last (when `addEOS`); with
    /// `parseSpecial`, control tokens spelled in the text become those tokens.
    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int] {
        let raw = Array(text.utf8)
        let fragments = partition(raw, parseSpecial: parseSpecial)
        var output: [Int] = []
        output.reserveCapacity(raw.count / 3 + 2)
        if addSpecial && addBOS, let bos { output.append(bos) }
        switch model {
        case .sentencePiece(let spm):
            var afterSpecial = true  // a text fragment at the start or after a special token gets a space prefix
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    afterSpecial = true
                case .text(let range):
                    var piece: [UInt8] = []
                    piece.reserveCapacity(range.count + 3)
                    if addSpacePrefix && afterSpecial { piece += [0xE2, 0x96, 0x81] }
                    for b in raw[range] { if b == 0x20 { piece += [0xE2, 0x96, 0x81] } else { piece.append(b) } }
                    spm.encode(piece, unknown: special.unknown, into: &output)
                    afterSpecial = false
                }
            }
        case .bytePair(let bpe, let pre):
            var scratch = BPEScratch()
            raw.withUnsafeBufferPointer { bytes in
                for fragment in fragments {
                    switch fragment {
                    case .token(let id):
                        output.append(id)
                    case .text(let range):
                        let (scalars, offsets) = Self.scalars(of: bytes, range)
                        for word in pre.split(scalars) {
                            let wordBytes = UnsafeBufferPointer(rebasing: bytes[offsets[word.lowerBound]..<offsets[word.upperBound]])
                            bpe.encode(wordBytes, into: &output, scratch: &scratch)
                        }
                    }
                }
            }
        }
        if addSpecial && addEOS { output.append(eos) }
        return output
    }

    /// The code points of valid UTF-8 `bytes[range]`, and the byte offset where each starts (plus the end).
    static func scalars(of bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> ([UInt32], [Int]) {
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(range.count)
        offsets.reserveCapacity(range.count + 1)
        var i = range.lowerBound
        while i < range.upperBound {
            offsets.append(i)
            let b = UInt32(bytes[i])
            if b < 0x80 {
                scalars.append(b); i += 1
            } else if b < 0xE0 {
                scalars.append((b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)); i += 2
            } else if b < 0xF0 {
                scalars.append((b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)); i += 3
            } else {
                scalars.append((b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F));
                i += 4
            }
        }
        offsets.append(range.upperBound)
        return (scalars, offsets)
    }

    /// llama.cpp's `tokenizer_st_partition`: for each special token, longest first, split every
    /// text fragment at each of its occurrences. Control and unknown tokens take part only when
    /// `parseSpecial`; user-defined ones always.
    func partition(_ raw: [UInt8], parseSpecial: Bool) -> [Fragment] {
        guard !raw.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<raw.count)]
        raw.withUnsafeBufferPointer { bytes in
            for id in special.matchOrder {
                let attributes = vocabulary.attributes[id]
                if !parseSpecial && !attributes.isDisjoint(with: [.control, .unknown]) { continue }
                let needle = vocabulary.texts[id]
                guard needle.count <= raw.count else { continue }
                var next: [Fragment] = []
                next.reserveCapacity(fragments.count)
                for fragment in fragments {
                    guard case .text(let range) = fragment else { next.append(fragment); continue }
                    var rest = range
                    while let match = Self.find(needle, in: bytes, rest) {
                        var left = rest.lowerBound..<match
                        if attributes.contains(.lstrip) {
                            while !left.isEmpty && Self.isSpace(bytes[left.upperBound - 1]) { left = left.lowerBound..<(left.upperBound - 1) }
                        }
                        if !left.isEmpty { next.append(.text(left)) }
                        next.append(.token(id))
                        var right = (match + needle.count)..<rest.upperBound
                        if attributes.contains(.rstrip) {
                            while !right.isEmpty && Self.isSpace(bytes[right.lowerBound]) { right = (right.lowerBound + 1)..<right.upperBound }
                        }
                        rest = right
                    }
                    if !rest.isEmpty { next.append(.text(rest)) }
                }
                fragments = next
            }
        }
        return fragments
    }

    /// C's `isspace` in the C locale.
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    /// The first occurrence of `needle` in `bytes[range]`.
    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let base = bytes.baseAddress, !needle.isEmpty, needle.count <= range.count else { return nil }
        let first = Int32(needle[0])
        var start = range.lowerBound
        let lastStart = range.upperBound - needle.count
        return needle.withUnsafeBufferPointer { n -> Int? in
            guard let needleBase = n.baseAddress else { return nil }
            while start <= lastStart {
                guard let hit = memchr(base + start, first, lastStart - start + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, needleBase, n.count) == 0 { return at }
                start = at + 1
            }
            return nil
        }
    }
}
