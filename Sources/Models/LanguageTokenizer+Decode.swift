extension LanguageTokenizer {
    /// The text of `ids` as llama.cpp's `llama_detokenize(…, remove_special: false, unparse_special:
    /// renderSpecial)`: control tokens are dropped unless `renderSpecial`; the first token loses
    /// one leading space when the model adds a space prefix; some models tidy spaces before
    /// punctuation. Bytes that are not valid UTF-8 become U+FFFD.
    public func decode(_ ids: [Int], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// `decode` before UTF-8 decoding.
    public func decodeBytes(_ ids: [Int], renderSpecial: Bool = false) -> [UInt8] {
        var text: [UInt8] = []
        var removeSpace = addSpacePrefix
        for id in ids {
            var piece = renderSpecial ? (id >= 0 && id < count ? pieces[id][...] : []) : bytes(of: id)[...]
            if removeSpace && piece.first == 0x20 { piece = piece.dropFirst() }
            removeSpace = false
            text += piece
        }
        if cleanSpaces { Self.cleanSpaces(&text) }
        return text
    }

    /// The bytes token `id` adds to the output text (llama.cpp's `token_to_piece` without special
    /// tokens): the byte-level or `▁` spelling decoded, the byte of a `<0xNN>` token, the text of a
    /// user-defined token; empty for control and unknown tokens and for ids out of range.
    public func bytes(of id: Int) -> [UInt8] {
        id >= 0 && id < count ? tokenBytes[id] : []
    }

    /// llama.cpp's `token_to_piece(token, special: true)`, computed once per token.
    static func piece(of id: Int, in vocabulary: TokenVocabulary, byteLevel: Bool) -> [UInt8] {
        let text = vocabulary.texts[id]
        let attributes = vocabulary.attributes[id]
        if !attributes.isDisjoint(with: [.control, .unknown, .userDefined]) { return text }
        if attributes.contains(.normal) {
            return byteLevel ? byteLevelDecoded(text) : unescapeSpaces(text)
        }
        if attributes.contains(.byte) { return [hexByte(text)] }
        return []
    }

    /// `▁` (E2 96 81) → space.
    static func unescapeSpaces(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81 {
                out.append(0x20); i += 3
            } else {
                out.append(text[i]); i += 1
            }
        }
        return out
    }

    /// llama.cpp's `llama_decode_text`: each character of a byte-level text back to its byte; a
    /// character that stands for no byte becomes `[UNK_BYTE_0x…]`.
    static func byteLevelDecoded(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            if let b = ByteLevel.byte(of: scalar.value) {
                out.append(b)
            } else {
                let utf8 = Array(String(scalar).utf8)
                out += Array("[UNK_BYTE_0x".utf8)
                out += Array(utf8.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined().utf8)
                out += text + [0x5D]
            }
        }
        return out
    }

    /// The byte of a `<0xNN>` token (C's `strtol` on the two characters after `<0x`).
    static func hexByte(_ text: [UInt8]) -> UInt8 {
        var value = 0
        for c in text.dropFirst(3).prefix(2) {
            guard let digit = Int(String(UnicodeScalar(c)), radix: 16) else { break }
            value = value * 16 + digit
        }
        return UInt8(truncatingIfNeeded: value)
    }

    /// The three passes of `llama_detokenize` for models that clean up tokenization spaces, ported
    /// literally (in place, as the C code runs them).
    static func cleanSpaces(_ text: inout [UInt8]) {
        let space: UInt8 = 0x20, quote: UInt8 = 0x27
        // " ?", " !", " .", " ," lose the space.
        var total = text.count
        var n = total
        total = n > 0 ? 1 : 0
        var i = 1
        while i < n {
            let x = text[i]
            if text[i - 1] == space && (x == 0x3F || x == 0x21 || x == 0x2E || x == 0x2C) { total -= 1 }
            text[total] = x; total += 1
            i += 1
        }
        // " ' " loses both spaces.
        n = total
        total = n > 0 ? 1 : 0
        i = 1
        while i < n {
            let x = text[i]
            if x == quote && i + 1 < n && text[i - 1] == space && text[i + 1] == space {
                total -= 1
                i += 1
                text[i] = 0
            }
            text[total] = x; total += 1
            i += 1
        }
        // " 's", " 'm", " 're", " 've" lose the space.
        n = total
        total = n > 0 ? 1 : 0
        i = 1
        while i < n {
            let x = text[i]
            if text[i - 1] == space && x == quote && i + 1 < n {
                let x1 = text[i + 1]
                if x1 == 0x74 || x1 == 0x64 {
                } else if x1 == 0x73 || x1 == 0x6D {
                    total -= 1
                } else if i + 2 < n {
                    let x2 = text[i + 2]
                    if (x1 == 0x72 && x2 == 0x65) || (x1 == 0x76 && x2 == 0x65) { total -= 1 }
                }
            }
            text[total] = x; total += 1
            i += 1
        }
        text.removeLast(text.count - total)
    }
}
