import Documents

/// A stretch of one page's text that can be quoted: a sentence, or a line of a table, of a
/// retrieved chunk. `start`/`end` are code points into the page text (0-based, end exclusive),
/// so `text` is exactly that slice of the page.
public struct Passage: Sendable, Equatable, Hashable {
    public let chunkID: Int64
    public let documentID: Int64
    public let path: String
    public let location: Location
    public let text: String

    public init(chunkID: Int64, documentID: Int64, path: String, location: Location, text: String) {
        self.chunkID = chunkID; self.documentID = documentID; self.path = path; self.location = location; self.text = text
    }
}

/// Cuts text into sentences and table lines, keeping each piece's code-point range.
///
/// A sentence ends at `.`, `!` or `?` (closing quotes and brackets included) followed by space
/// and a character that can start a sentence, unless the word before the stop is an
/// abbreviation (`Inc.`, `U.S.`, `e.g.`). A blank line always ends a piece. A single line break
/// ends one when either line looks like a table row (cells set apart by `|`, tabs or wide gaps)
/// or when the line before is short and unpunctuated and the next begins with a capital or a
/// digit (a heading, a label). Any other line break
/// is a wrap inside a sentence, as PDF text has them. A piece longer than `maxLength` is cut
/// again at `;`, then at a line break, then at a space.
public struct SentenceSplitter: Sendable {
    public var maxLength = 600
    /// A line shorter than this without final punctuation ends its piece (a heading).
    public var headingLength = 60

    public init() {}

    /// The code-point ranges of the pieces of `text`, trimmed, in order; pieces without a letter
    /// or digit are left out.
    public func ranges(in text: String) -> [Range<Int>] {
        let s = Array(text.unicodeScalars)
        var cuts: [Int] = [0]
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "\n" {
                if isParagraphBreak(s, at: i) || lineEndsPiece(s, newlineAt: i) { cuts.append(i + 1) }
            } else if Self.stops.contains(c), endsSentence(s, stopAt: i) {
                var j = i + 1
                while j < s.count, Self.closers.contains(s[j]) { j += 1 }
                cuts.append(j)
                i = j
                continue
            }
            i += 1
        }
        cuts.append(s.count)
        var result: [Range<Int>] = []
        for (a, b) in zip(cuts, cuts.dropFirst()) where a < b {
            for piece in shortened(trimmed(a..<b, s), s)
            where s[piece].contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
                result.append(piece)
            }
        }
        return result
    }

    /// The passages of a chunk whose text starts at `start` of its page.
    public func passages(
        of chunkText: String, chunkID: Int64, documentID: Int64, path: String,
        page: Int, start: Int
    ) -> [Passage] {
        let s = Array(chunkText.unicodeScalars)
        return ranges(in: chunkText).map { r in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: s[r])
            return Passage(
                chunkID: chunkID, documentID: documentID, path: path,
                location: Location(page: page, start: start + r.lowerBound, end: start + r.upperBound), text: String(view))
        }
    }

    // MARK: boundaries

    private static let stops: Set<Unicode.Scalar> = [".", "!", "?", "。", "！", "？"]
    private static let closers: Set<Unicode.Scalar> = ["\"", "'", ")", "]", "”", "’", "»"]
    /// Words after which a full stop does not end a sentence (lower case, without the stop).
    private static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "inc", "co", "corp", "ltd", "llc", "no", "nos", "vs", "etc",
        "e.g", "i.e", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "fig", "sec", "art", "approx", "dept", "est", "gov", "p", "pp", "vol",
    ]

    private func endsSentence(_ s: [Unicode.Scalar], stopAt i: Int) -> Bool {
        var j = i + 1
        while j < s.count, Self.closers.contains(s[j]) { j += 1 }
        guard j < s.count else { return true }
        guard s[j].isSpace else { return false }  // 3.5, U.S.A
        while j < s.count, s[j].isSpace { j += 1 }
        guard j < s.count else { return true }
        let next = s[j]
        if next.properties.isLowercase { return false }
        guard s[i] == "." else { return true }
        var k = i
        while k > 0, !s[k - 1].isSpace { k -= 1 }
        let word = String(String.UnicodeScalarView(s[k..<i])).lowercased().filter { $0 != "(" && $0 != "\"" }
        if Self.abbreviations.contains(word) { return false }
        return !(word.count == 1 && word.first!.isLetter && next.properties.isUppercase)  // initials: "J. Smith"
    }

    private func isParagraphBreak(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i + 1
        while j < s.count, s[j] != "\n", s[j].isSpace { j += 1 }
        return j < s.count && s[j] == "\n"
    }

    private func lineEndsPiece(_ s: [Unicode.Scalar], newlineAt i: Int) -> Bool {
        var a = i
        while a > 0, s[a - 1] != "\n" { a -= 1 }
        var b = i + 1
        while b < s.count, s[b] != "\n" { b += 1 }
        let before = s[a..<i], after = s[(i + 1)..<b]
        if Self.isTableRow(before) || Self.isTableRow(after) { return true }
        let line = before.drop { $0.isSpace }
        guard let last = line.last(where: { !$0.isSpace }),
            let next = after.first(where: { !$0.isSpace })
        else { return false }
        return line.count < headingLength && !Self.stops.contains(last) && !",;:-(&".unicodeScalars.contains(last)
            && (next.properties.isUppercase || next.properties.numericType != nil)
    }

    /// Cells set apart by `|`, a tab, or two gaps of three or more spaces.
    static func isTableRow(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
        if line.contains("|") || line.contains("\t") { return true }
        var gaps = 0, run = 0
        for c in line {
            if c == " " { run += 1 } else { if run >= 3 { gaps += 1 }; run = 0 }
        }
        return gaps >= 2
    }

    private func trimmed(_ r: Range<Int>, _ s: [Unicode.Scalar]) -> Range<Int> {
        var a = r.lowerBound, b = r.upperBound
        while a < b, s[a].isSpace { a += 1 }
        while b > a, s[b - 1].isSpace { b -= 1 }
        return a..<b
    }

    /// A piece cut into pieces of at most `maxLength`, at `;`, a line break or a space.
    private func shortened(_ r: Range<Int>, _ s: [Unicode.Scalar]) -> [Range<Int>] {
        guard r.count > maxLength else { return r.isEmpty ? [] : [r] }
        let limit = r.lowerBound + maxLength, floor = r.lowerBound + maxLength / 3
        var cut: Int?
        for wanted in [";", "\n", " "] as [Unicode.Scalar] {
            if let k = (floor..<limit).last(where: { s[$0] == wanted }) { cut = k + 1; break }
        }
        let at = cut ?? limit
        return shortened(trimmed(r.lowerBound..<at, s), s) + shortened(trimmed(at..<r.upperBound, s), s)
    }
}
