import Foundation

/// The BERT WordPiece tokenizer as Hugging Face's `tokenizers` runs it for uncased BERT models:
/// special tokens are matched verbatim first; the rest is cleaned (control characters dropped,
/// whitespace made plain), CJK ideographs are spaced apart, accents are stripped (NFD, marks
/// removed) and letters lower-cased; words split at whitespace and punctuation; each word becomes
/// the longest vocabulary pieces from the left (`##` marks a continuation), or `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String: Int32]
    public let lowercase: Bool
    public let stripAccents: Bool
    public let maxCharactersPerWord: Int
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    public let paddingID: Int32
    /// Tokens matched verbatim in the input before normalisation (`[CLS]`, `[SEP]`, …).
    public let specialTokens: [String: Int32]

    public init(
        vocabulary: [String: Int32], lowercase: Bool = true, stripAccents: Bool? = nil,
        maxCharactersPerWord: Int = 100, specialTokens: [String]? = nil
    ) throws(ModelError) {
        func id(_ token: String) throws(ModelError) -> Int32 {
            guard let id = vocabulary[token] else { throw .invalidInput("the vocabulary has no \(token) token") }
            return id
        }
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        self.maxCharactersPerWord = maxCharactersPerWord
        unknownID = try id("[UNK]"); classifierID = try id("[CLS]"); separatorID = try id("[SEP]"); paddingID = try id("[PAD]")
        var specials: [String: Int32] = [:]
        for token in specialTokens ?? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] { specials[token] = vocabulary[token] }
        self.specialTokens = specials
    }

    /// Reads `tokenizer.json` (Hugging Face format, WordPiece model with a BERT normaliser).
    public init(tokenizerJSON path: String) throws(ModelError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missing(model: "tokenizer", path: path) }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let model = root["model"] as? [String: Any], let vocab = model["vocab"] as? [String: Int]
        else {
            throw .malformed(path: path, reason: "no WordPiece model.vocab object")
        }
        if let type = model["type"] as? String, type != "WordPiece" {
            throw .malformed(path: path, reason: "model type is \(type), not WordPiece")
        }
        let normalizer = root["normalizer"] as? [String: Any] ?? [:]
        let lowercase = normalizer["lowercase"] as? Bool ?? true
        let specials = (root["added_tokens"] as? [[String: Any]] ?? [])
            .filter { $0["special"] as? Bool == true }.compactMap { $0["content"] as? String }
        try self.init(
            vocabulary: vocab.mapValues { Int32($0) }, lowercase: lowercase,
            stripAccents: normalizer["strip_accents"] as? Bool,
            maxCharactersPerWord: model["max_input_chars_per_word"] as? Int ?? 100,
            specialTokens: specials.isEmpty ? nil : specials)
    }

    /// Reads a `vocab.txt`: one token per line, the line number is the id.
    public init(vocabularyFile path: String, lowercase: Bool = true) throws(ModelError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missing(model: "tokenizer", path: path) }
        var vocabulary: [String: Int32] = [:]
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty && vocabulary[String(line)] == nil {
            vocabulary[String(line)] = Int32(i)
        }
        try self.init(vocabulary: vocabulary, lowercase: lowercase)
    }

    /// The ids of `text` as the model sees it: `[CLS]`, at most `maxLength - 2` tokens, `[SEP]`.
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        let body = tokenize(text)
        return [classifierID] + body.prefix(max(0, maxLength - 2)) + [separatorID]
    }

    /// The ids of `text` without special tokens or truncation.
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var pending = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        outer: while i < scalars.count {
            if scalars[i] == "[" {
                for (token, id) in specialTokens where matches(token, scalars, at: i) {
                    appendWords(of: String(pending), to: &ids); pending.removeAll()
                    ids.append(id)
                    i += token.unicodeScalars.count
                    continue outer
                }
            }
            pending.append(scalars[i]); i += 1
        }
        appendWords(of: String(pending), to: &ids)
        return ids
    }

    private func matches(_ token: String, _ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i
        for s in token.unicodeScalars {
            guard j < scalars.count, scalars[j] == s else { return false }
            j += 1
        }
        return true
    }

    private func appendWords(of text: String, to ids: inout [Int32]) {
        guard !text.isEmpty else { return }
        for word in words(of: normalize(text)) { appendPieces(of: word, to: &ids) }
    }

    /// Cleaning, CJK spacing, accent stripping and lower-casing, in the order `tokenizers` applies them.
    func normalize(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) { cleaned.append(" "); continue }
            if Self.isCJK(s) { cleaned.append(" "); cleaned.append(s); cleaned.append(" ") } else { cleaned.append(s) }
        }
        var result = String(cleaned)
        if stripAccents {
            var kept = String.UnicodeScalarView()
            for s in result.decomposedStringWithCanonicalMapping.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
                kept.append(s)
            }
            result = String(kept)
        }
        if lowercase {
            var lowered = String.UnicodeScalarView()
            for s in result.unicodeScalars {
                if s.value < 0x80 {
                    lowered.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
                } else {
                    lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                }
            }
            result = String(lowered)
        }
        return result
    }

    /// Splits at whitespace (dropped) and punctuation (kept as words of its own).
    func words(of text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in text.unicodeScalars {
            if s.properties.isWhitespace {
                if !current.isEmpty { words.append(current); current = [] }
            } else if Self.isPunctuation(s) {
                if !current.isEmpty { words.append(current); current = [] }
                words.append([s])
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Greedy longest-match-first WordPiece; a word with any unmatched part is `[UNK]`.
    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        guard word.count <= maxCharactersPerWord else { ids.append(unknownID); return }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while end > start {
                var piece = start > 0 ? "##" : ""
                piece.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[piece] { found = id; break }
                end -= 1
            }
            guard let found else { ids.append(unknownID); return }
            pieces.append(found)
            start = end
        }
        ids.append(contentsOf: pieces)
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
            0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
