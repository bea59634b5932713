/// Turns poppler's page text and per-character boxes into the page text Quarry stores and its
/// word boxes.
///
/// Poppler gives one box per code point of the text, except for the bidi controls it inserts
/// around right-to-left runs. Its text joins words that sit in separate columns or cells without
/// a space ("Name:Nassib", "MCCMERCHANT"); a space is inserted wherever two adjacent characters
/// are drawn apart by more than a fifth of the font size, so words stay words. If the boxes cannot
/// be aligned with the text, the text is kept as poppler gave it, without word boxes.
struct PageLayout {
    private(set) var text: String
    private(set) var words: [WordBox] = []

    /// Gap between two glyphs, as a share of the font size, above which they are separate words.
    static let wordGap: Float = 0.2

    init(text raw: String, charBoxes: [Box]) {
        let scalars = Array(raw.unicodeScalars)
        text = raw
        let skipsBidi = scalars.count != charBoxes.count
        if skipsBidi, scalars.count(where: { !Self.isBidiControl($0) }) != charBoxes.count { return }

        var out = String.UnicodeScalarView()
        var boxes: [Box?] = []  // one per scalar of `out`
        var next = 0
        var previous: Box?  // box of the last visible character, reset by whitespace
        for scalar in scalars {
            if skipsBidi, Self.isBidiControl(scalar) { out.append(scalar); boxes.append(nil); continue }
            let box = charBoxes[next]
            next += 1
            if scalar.isSpace {
                previous = nil
            } else {
                if let previous, Self.apart(previous, box) { out.append(" "); boxes.append(nil) }
                previous = box
            }
            out.append(scalar)
            boxes.append(scalar.isSpace ? nil : box)
        }
        text = String(out)
        words = Self.words(Array(out), boxes)
    }

    /// Whether two glyphs drawn one after the other are separated by a visible gap.
    static func apart(_ a: Box, _ b: Box) -> Bool {
        let size = max(a.x1 - a.x0, a.y1 - a.y0, b.x1 - b.x0, b.y1 - b.y0)
        guard size > 0 else { return false }
        let gapX = max(0, b.x0 - a.x1, a.x0 - b.x1)
        let gapY = max(0, b.y0 - a.y1, a.y0 - b.y1)
        return max(gapX, gapY) > wordGap * size
    }

    /// Runs of characters with boxes, separated by whitespace, with the union of their boxes.
    private static func words(_ scalars: [Unicode.Scalar], _ boxes: [Box?]) -> [WordBox] {
        var words: [WordBox] = []
        var current: WordBox?
        for (i, scalar) in scalars.enumerated() {
            if scalar.isSpace {
                if let w = current { words.append(w); current = nil }
            } else if let box = boxes[i] {
                if var w = current { w.end = i + 1; w.box = w.box.union(box); current = w } else { current = WordBox(start: i, end: i + 1, box: box) }
            }
        }
        if let w = current { words.append(w) }
        return words
    }

    static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) || s.value == 0x200E || s.value == 0x200F
    }
}
