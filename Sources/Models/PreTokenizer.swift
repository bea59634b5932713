/// How llama.cpp splits text into words before byte-level BPE, for the `tokenizer.ggml.pre`
/// families Quarry supports. Each is a chain of regular expressions that llama.cpp applies one
/// after the other, every one splitting the pieces the previous left (matches and the text
/// between them both become pieces). They are written here as scanners over code points that
/// follow llama.cpp's own (`unicode.cpp`: `unicode_regex_split_custom_gpt2`, `…_llama3`,
/// `…_qwen2`, and `std::regex` over its category-collapsed text for the others).
enum PreTokenizer: Sendable, Equatable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)` (GPT-2, MPT, OLMo …).
    case gpt2
    /// `\p{N}` (every digit alone), then GPT-2's (SmolLM, StarCoder, Command-R …).
    case digitsThenGPT2
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` (Llama 3).
    case llama3
    /// Llama 3's with `\p{N}` instead of `\p{N}{1,3}` (Qwen 2, StableLM 2 …).
    case qwen2
    /// llama.cpp's fallback: `[\p{P}\$\+<=>\^~\|]+`, GPT-2's, `\p{N}+`, `[0-9][0-9][0-9]`.
    case fallback

    /// The words of `scalars` as ranges of indices, in order, covering every code point.
    func split(_ scalars: [UInt32]) -> [Range<Int>] {
        guard !scalars.isEmpty else { return [] }
        var scanner = WordScanner(scalars: scalars)
        var pieces = [0..<scalars.count]
        switch self {
        case .gpt2:
            pieces = scanner.each(pieces) { s, r in s.gpt2(r) }
        case .digitsThenGPT2:
            pieces = scanner.each(pieces) { s, r in s.runs(of: r, .number, longest: 1) }
            pieces = scanner.each(pieces) { s, r in s.gpt2(r) }
        case .llama3:
            pieces = scanner.each(pieces) { s, r in s.llama3(r, digitGroup: 3) }
        case .qwen2:
            pieces = scanner.each(pieces) { s, r in s.llama3(r, digitGroup: 1) }
        case .fallback:
            pieces = scanner.each(pieces) { s, r in s.runs(of: r, .punctuation, longest: .max) }
            pieces = scanner.each(pieces) { s, r in s.gpt2(r) }
            pieces = scanner.each(pieces) { s, r in s.runs(of: r, .number, longest: .max) }
            pieces = scanner.each(pieces) { s, r in s.threeDigits(r) }
        }
        return pieces
    }
}

/// The state the pre-tokenizer scanners share: the code points and their llama.cpp flags.
struct WordScanner {
    let scalars: [UInt32]
    let flags: [UnicodeFlags]
    var out: [Range<Int>] = []

    init(scalars: [UInt32]) {
        self.scalars = scalars
        flags = scalars.map(UnicodeFlags.init)
        out.reserveCapacity(scalars.count / 3 + 1)
    }

    /// Applies `split` to every piece, collecting what it emits.
    mutating func each(_ pieces: [Range<Int>], _ split: (inout WordScanner, Range<Int>) -> Void) -> [Range<Int>] {
        out.removeAll(keepingCapacity: true)
        for piece in pieces { split(&self, piece) }
        return out
    }

    /// The character classes of the std::regex stages: `\p{N}`, and `[\p{P}\$\+<=>\^~\|]`.
    enum RunClass { case number, punctuation }

    /// `[class]` (longest 1) or `[class]+` as std::regex splits: matches and gaps become pieces.
    mutating func runs(of r: Range<Int>, _ runClass: RunClass, longest: Int) {
        func member(_ i: Int) -> Bool {
            switch runClass {
            case .number: flags[i].contains(.number)
            case .punctuation: isFallbackPunctuation(i)
            }
        }
        var gapStart = r.lowerBound
        var i = r.lowerBound
        while i < r.upperBound {
            guard member(i) else { i += 1; continue }
            if gapStart < i { out.append(gapStart..<i) }
            let start = i
            while i < r.upperBound, i - start < longest, member(i) { i += 1 }
            out.append(start..<i)
            gapStart = i
        }
        if gapStart < r.upperBound { out.append(gapStart..<r.upperBound) }
    }

    /// `[0-9][0-9][0-9]`: the leftmost three ASCII digits, repeatedly.
    mutating func threeDigits(_ r: Range<Int>) {
        func digit(_ i: Int) -> Bool { i < r.upperBound && scalars[i] >= 0x30 && scalars[i] <= 0x39 }
        var gapStart = r.lowerBound
        var i = r.lowerBound
        while i < r.upperBound {
            if digit(i) && digit(i + 1) && digit(i + 2) {
                if gapStart < i { out.append(gapStart..<i) }
                out.append(i..<(i + 3))
                i += 3
                gapStart = i
            } else {
                i += 1
            }
        }
        if gapStart < r.upperBound { out.append(gapStart..<r.upperBound) }
    }

    /// `[\p{P}\$\+<=>\^~\|]` over llama.cpp's collapsed text: its ASCII punctuation set, or \p{P}.
    func isFallbackPunctuation(_ i: Int) -> Bool {
        let c = scalars[i]
        guard c < 0x80 else { return flags[i].contains(.punctuation) && !flags[i].contains(.whitespace) }
        switch c {
        case 0x21...0x2F: return true  // ! " # $ % & ' ( ) * + , - . /
        case 0x3A...0x40: return true  // : ; < = > ? @
        case 0x5B...0x5F: return true  // [ \ ] ^ _
        case 0x7B...0x7E: return true  // { | } ~
        default: return false
        }
    }

    /// GPT-2's regex, as `unicode_regex_split_custom_gpt2`.
    mutating func gpt2(_ r: Range<Int>) {
        let end = r.upperBound
        func cpt(_ i: Int) -> UInt32 { i < end ? scalars[i] : .max }
        func flag(_ i: Int) -> UnicodeFlags { i < end ? flags[i] : [] }
        let other: UnicodeFlags = [.whitespace, .letter, .number]
        var pos = r.lowerBound
        while pos < end {
            let start = pos
            let c = scalars[pos]
            if c == 0x27, pos + 1 < end {  // 's 't 'm 'd 're 've 'll
                let n = scalars[pos + 1]
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { out.append(pos..<(pos + 2)); pos += 2; continue }
                if pos + 2 < end {
                    let nn = scalars[pos + 2]
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {
                        out.append(pos..<(pos + 3)); pos += 3; continue
                    }
                }
            }
            let f2 = c == 0x20 ? flag(pos + 1) : flags[pos]
            if f2.contains(.letter) || f2.contains(.number) || (f2.isDisjoint(with: other) && !f2.isEmpty) {
                let kind: (UnicodeFlags) -> Bool =
                    f2.contains(.letter)
                    ? { $0.contains(.letter) }
                    : f2.contains(.number) ? { $0.contains(.number) } : { $0.isDisjoint(with: other) && !$0.isEmpty }
                if c == 0x20 { pos += 1 }
                while kind(flag(pos)) { pos += 1 }
                out.append(start..<pos)
                continue
            }
            var spaces = 0
            while flag(pos + spaces).contains(.whitespace) { spaces += 1 }
            if spaces > 1 && cpt(pos + spaces) != .max {  // \s+(?!\S)
                pos += spaces - 1
            } else if spaces > 0 {  // \s+
                pos += spaces
            } else {
                pos += 1
            }
            out.append(start..<pos)
        }
    }

    /// Llama 3's regex (`digitGroup` 3) or Qwen 2's (`digitGroup` 1), as llama.cpp's custom splitters.
    mutating func llama3(_ r: Range<Int>, digitGroup: Int) {
        let end = r.upperBound
        func cpt(_ i: Int) -> UInt32 { i < end ? scalars[i] : .max }
        func flag(_ i: Int) -> UnicodeFlags { i < end ? flags[i] : [] }
        func lower(_ c: UInt32) -> UInt32 { c >= 0x41 && c <= 0x5A ? c + 32 : c }
        let other: UnicodeFlags = [.whitespace, .letter, .number]
        var pos = r.lowerBound
        while pos < end {
            let start = pos
            let c = scalars[pos]
            let f = flags[pos]
            if c == 0x27, pos + 1 < end {  // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                let n = lower(scalars[pos + 1])
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { out.append(pos..<(pos + 2)); pos += 2; continue }
                if pos + 2 < end {
                    let nn = lower(scalars[pos + 2])
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {
                        out.append(pos..<(pos + 3)); pos += 3; continue
                    }
                }
            }
            if !(c == 0x0D || c == 0x0A || f.contains(.number)), f.contains(.letter) || flag(pos + 1).contains(.letter) {
                pos += 1  // [^\r\n\p{L}\p{N}]?\p{L}+
                while flag(pos).contains(.letter) { pos += 1 }
                out.append(start..<pos)
                continue
            }
            if f.contains(.number) {  // \p{N}{1,3} or \p{N}
                var groupStart = pos
                while flag(pos).contains(.number) {
                    pos += 1
                    if pos - groupStart >= digitGroup { out.append(groupStart..<pos); groupStart = pos }
                }
                if groupStart < pos { out.append(groupStart..<pos) }
                continue
            }
            let f2 = c == 0x20 ? flag(pos + 1) : f  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            if f2.isDisjoint(with: other) && !f.isEmpty {
                if c == 0x20 { pos += 1 }
                while flag(pos).isDisjoint(with: other) && !flag(pos).isEmpty { pos += 1 }
                while cpt(pos) == 0x0D || cpt(pos) == 0x0A { pos += 1 }
                out.append(start..<pos)
                continue
            }
            var spaces = 0
            var lastNewline = 0
            while flag(pos + spaces).contains(.whitespace) {
                let c2 = cpt(pos + spaces)
                if c2 == 0x0D || c2 == 0x0A { lastNewline = pos + spaces + 1 }
                spaces += 1
            }
            if lastNewline > 0 {  // \s*[\r\n]+
                pos = lastNewline
            } else if spaces > 1 && cpt(pos + spaces) != .max {  // \s+(?!\S)
                pos += spaces - 1
            } else if spaces > 0 {  // \s+
                pos += spaces
            } else {
                pos += 1
            }
            out.append(start..<pos)
        }
    }
}
