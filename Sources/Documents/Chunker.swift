/// A piece of one page's text. `start`/`end` are code-point offsets into that page's text
/// (0-based, end exclusive), so `text` is always exactly that slice of the page.
public struct Chunk: Sendable, Equatable {
    public let location: Location
    public let text: String

    public init(location: Location, text: String) {
        self.location = location; self.text = text
    }
}

/// Splits pages into chunks of at most `maxLength` code points, never across a page, preferring
/// to cut at paragraph breaks, then sentence ends, then line breaks, then spaces. Leading and
/// trailing whitespace is left out of every chunk; a page with no text gives no chunks.
public struct Chunker: Sendable {
    public let maxLength: Int
    /// Chunks shorter than this are avoided when a later boundary fits.
    public let minLength: Int

    public init(maxLength: Int = 1000, minLength: Int = 300) {
        precondition(maxLength > 0 && minLength <= maxLength, "Chunker needs 0 < minLength <= maxLength")
        self.maxLength = maxLength; self.minLength = minLength
    }

    public func chunks(of document: Document) -> [Chunk] {
        document.pages.flatMap { chunks(of: $0) }
    }

    public func chunks(of page: Page) -> [Chunk] {
        let scalars = Array(page.text.unicodeScalars)
        return spans(of: scalars).map { range in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            return Chunk(location: Location(page: page.number, start: range.lowerBound, end: range.upperBound), text: String(view))
        }
    }

    /// Chunks of the document's pages that also fit a token budget: a chunk of more than `limit`
    /// tokens (as `count` measures them) is split again, at the same kinds of boundaries, until
    /// every piece fits, so an encoder with a fixed input length never silently drops text.
    public func chunks(of document: Document, tokenLimit limit: Int, count: (String) -> Int) -> [Chunk] {
        document.pages.flatMap { page in
            let scalars = Array(page.text.unicodeScalars)
            return spans(of: scalars).flatMap { fitted($0, of: scalars, limit: limit, count: count) }.map { range in
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[range])
                return Chunk(location: Location(page: page.number, start: range.lowerBound, end: range.upperBound), text: String(view))
            }
        }
    }

    private func fitted(_ range: Range<Int>, of s: [Unicode.Scalar], limit: Int, count: (String) -> Int) -> [Range<Int>] {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[range])
        let tokens = count(String(view))
        guard tokens > limit, range.count > 1 else { return [range] }
        // Aim a little under the budget; a piece that still does not fit is split again.
        let length = max(1, min(range.count - 1, range.count * limit * 9 / (tokens * 10)))
        let smaller = Chunker(maxLength: length, minLength: min(minLength, length / 3))
        return smaller.spans(of: s, in: range).flatMap { smaller.fitted($0, of: s, limit: limit, count: count) }
    }

    /// The chunk ranges of a text (or of `range` of it), in order, without overlap.
    func spans(of s: [Unicode.Scalar], in range: Range<Int>? = nil) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range?.lowerBound ?? 0
        let stop = range?.upperBound ?? s.count
        while true {
            while start < stop, s[start].isSpace { start += 1 }
            guard start < stop else { break }
            var end = stop
            if end - start > maxLength { end = bestCut(s, from: start) }
            var trimmed = end
            while trimmed > start, s[trimmed - 1].isSpace { trimmed -= 1 }
            result.append(start..<trimmed)
            start = end
        }
        return result
    }

    /// Where to end a chunk starting at `start` when the rest is too long: the latest boundary of
    /// the strongest kind found between `minLength` and `maxLength`, else a hard cut.
    private func bestCut(_ s: [Unicode.Scalar], from start: Int) -> Int {
        let limit = start + maxLength
        var best = [Int?](repeating: nil, count: 4)  // paragraph, sentence, line, space
        var i = start + 1
        while i < limit {
            let c = s[i]
            if c == "\n" {
                let paragraph = s[i - 1] == "\n"
                best[paragraph ? 0 : 2] = i
                if Self.sentenceEnders.contains(s[i - 1]) { best[1] = i }
            } else if c.isSpace {
                best[3] = i
                if Self.sentenceEnders.contains(s[i - 1]) { best[1] = i }
            }
            i += 1
        }
        let floor = start + minLength
        for cut in best { if let cut, cut >= floor { return cut } }
        for cut in best { if let cut { return cut } }
        return limit
    }

    private static let sentenceEnders: Set<Unicode.Scalar> = [".", "!", "?", ";", ":", "。", "！", "？"]
}
