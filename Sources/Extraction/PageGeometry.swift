import Documents
import Schema

/// A page seen as positioned text: its words with boxes and the segments they form (runs of words
/// on one visual row without a wide gap: a label, a value, a table cell, a line of prose).
///
/// PDF pages use poppler's word boxes. Text pages get boxes from the character grid (column,
/// line), so the same layout reasoning (label to the left, header above) works for both; those
/// synthetic boxes are never reported as evidence.
struct PageGeometry: Sendable {
    let pageIndex: Int
    let page: Page
    let scalars: [Unicode.Scalar]
    let words: [WordBox]
    let segments: [Segment]
    /// Whether `words` are real boxes on the page (PDF) rather than grid positions.
    let hasRealBoxes: Bool
    /// The extent of the words, for relative positions.
    let extent: Box

    /// A run of consecutive words of the text on one row.
    struct Segment: Sendable {
        let words: Range<Int>
        let start: Int
        let end: Int
        let box: Box
        let text: String
        var height: Float { box.y1 - box.y0 }
        /// A segment of rule characters only (`|`, `---`), which labels nothing.
        var isRule: Bool { text.allSatisfy { "|¦-–—_=:+*".contains($0) || $0.isWhitespace } }
    }

    init(page: Page, index: Int) {
        pageIndex = index
        self.page = page
        scalars = Array(page.text.unicodeScalars)
        if page.words.isEmpty {
            words = Self.gridWords(scalars)
            hasRealBoxes = false
        } else {
            words = page.words
            hasRealBoxes = true
        }
        extent = words.map(\.box).reduce(nil) { $0?.union($1) ?? $1 } ?? Box(x0: 0, y0: 0, x1: 1, y1: 1)
        var segments: [Segment] = []
        var first = 0
        for i in words.indices.dropFirst() where Self.breaks(words[i - 1], words[i], scalars: scalars, grid: !hasRealBoxes) {
            segments.append(Self.segment(first..<i, words, scalars))
            first = i
        }
        if !words.isEmpty { segments.append(Self.segment(first..<words.count, words, scalars)) }
        self.segments = segments
    }

    /// The text of a code-point range.
    func text(_ start: Int, _ end: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<end])
        return String(s)
    }

    /// The box of a range of the text, from the words it overlaps.
    func box(_ start: Int, _ end: Int, within segment: Segment) -> Box {
        words[segment.words].lazy.filter { $0.start < end && $0.end > start }.map(\.box)
            .reduce(nil) { $0?.union($1) ?? $1 } ?? segment.box
    }

    /// The nearest segment to the left of `box` on the same row, if any.
    func leftNeighbour(of box: Box, excluding index: Int) -> Segment? {
        leftNeighbourIndex(of: box, excluding: index).map { segments[$0] }
    }

    func leftNeighbourIndex(of box: Box, excluding index: Int) -> Int? {
        var best: Int?
        for (j, s) in segments.enumerated() where j != index && s.box.x1 <= box.x0 + 0.5 && Self.sameRow(s.box, box) && !s.isRule {
            if best == nil || s.box.x1 > segments[best!].box.x1 { best = j }
        }
        return best
    }

    /// The nearest segment above `box` that overlaps it horizontally, within a few line heights.
    func segmentAbove(_ box: Box) -> Segment? {
        let height = max(box.y1 - box.y0, 0.5)
        var best: Segment?
        var bestDistance = Float.infinity
        for s in segments where s.box.y1 <= box.y0 + 0.25 * height && s.box.x0 < box.x1 && s.box.x1 > box.x0 && !s.isRule {
            let distance = box.y0 - s.box.y1
            if distance < 3 * height, distance < bestDistance { best = s; bestDistance = distance }
        }
        return best
    }

    /// Whether two boxes share a row: they overlap vertically by half the smaller height.
    static func sameRow(_ a: Box, _ b: Box) -> Bool {
        let overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
        return overlap > 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)
    }

    /// Whether a segment ends between two consecutive words: a new row, a step back, or a gap wider
    /// than one and a half times the text height (two spaces on the character grid).
    private static func breaks(_ a: WordBox, _ b: WordBox, scalars: [Unicode.Scalar], grid: Bool) -> Bool {
        if grid, scalars[a.end..<b.start].contains("\n") { return true }
        // Table rules in text (`| a | b |`) separate cells.
        if isRule(a, scalars) || isRule(b, scalars) { return true }
        guard sameRow(a.box, b.box) else { return true }
        let height = max(a.box.y1 - a.box.y0, b.box.y1 - b.box.y0)
        let gap = b.box.x0 - a.box.x1
        return gap < -0.5 * height || gap > 1.5 * height
    }

    private static func isRule(_ w: WordBox, _ scalars: [Unicode.Scalar]) -> Bool {
        scalars[w.start..<w.end].allSatisfy { $0 == "|" || $0 == "¦" }
    }

    private static func segment(_ range: Range<Int>, _ words: [WordBox], _ scalars: [Unicode.Scalar]) -> Segment {
        let start = words[range.lowerBound].start, end = words[range.upperBound - 1].end
        let box = words[range].map(\.box).dropFirst().reduce(words[range.lowerBound].box) { $0.union($1) }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<end])
        return Segment(words: range, start: start, end: end, box: box, text: String(s))
    }

    /// Words of a text page with boxes on the character grid: x in columns, y in lines.
    static func gridWords(_ scalars: [Unicode.Scalar]) -> [WordBox] {
        var words: [WordBox] = []
        var line = 0, column = 0, wordStart: Int?, wordColumn = 0
        func close(_ end: Int) {
            if let s = wordStart {
                words.append(
                    WordBox(
                        start: s, end: end,
                        box: Box(
                            x0: Float(wordColumn), y0: Float(line),
                            x1: Float(wordColumn + end - s), y1: Float(line) + 0.8)))
                wordStart = nil
            }
        }
        for (i, scalar) in scalars.enumerated() {
            if scalar.isSpace {
                close(i)
                if scalar == "\n" { line += 1; column = 0 } else { column += 1 }
            } else {
                if wordStart == nil { wordStart = i; wordColumn = column }
                column += 1
            }
        }
        close(scalars.count)
        return words
    }
}
