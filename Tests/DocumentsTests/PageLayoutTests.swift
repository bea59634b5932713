import Testing

@testable import Documents

@Suite struct PageLayoutTests {
    /// Boxes for a line of 10-point glyphs, 6 points wide, starting at the given x positions.
    func boxes(_ xs: [Float], y: Float = 100) -> [Box] { xs.map { Box(x0: $0, y0: y, x1: $0 + 6, y1: y + 10) } }

    @Test func adjacentGlyphsStayOneWord() {
        let layout = PageLayout(text: "Total", charBoxes: boxes([0, 6, 12, 18, 24]))
        #expect(layout.text == "Total")
        #expect(layout.words == [WordBox(start: 0, end: 5, box: Box(x0: 0, y0: 100, x1: 30, y1: 110))])
    }

    @Test func aGapBetweenColumnsBecomesASpace() {
        // "By:" then "/s/" drawn 40 points to the right, with no space in poppler's text.
        let layout = PageLayout(text: "By:/s/", charBoxes: boxes([0, 6, 12, 58, 64, 70]))
        #expect(layout.text == "By: /s/")
        #expect(layout.words.map { [$0.start, $0.end] } == [[0, 3], [4, 7]])
        #expect(layout.words[1].box.x0 == 58)
    }

    @Test func bidiControlsWithoutBoxesAreAligned() {
        let text = "\u{202B}ab\u{202C} c"
        let layout = PageLayout(text: text, charBoxes: boxes([0, 6, 12, 18]))
        #expect(layout.text == text)
        #expect(layout.words.map { [$0.start, $0.end] } == [[1, 3], [5, 6]])
    }

    @Test func misalignedBoxesGiveNoWordsAndKeepText() {
        let layout = PageLayout(text: "abc", charBoxes: boxes([0]))
        #expect(layout.text == "abc")
        #expect(layout.words.isEmpty)
    }

    @Test func pageBoxCoversOverlappingWords() {
        let page = Page(number: 1, text: "By: /s/", words: PageLayout(text: "By:/s/", charBoxes: boxes([0, 6, 12, 58, 64, 70])).words)
        #expect(page.box(covering: 0..<2) == Box(x0: 0, y0: 100, x1: 18, y1: 110))
        #expect(page.box(covering: 0..<7) == Box(x0: 0, y0: 100, x1: 76, y1: 110))
        #expect(page.box(covering: 3..<4) == nil)
    }
}

@Test func fastWhitespaceAgreesWithUnicode() {
    for value in UInt32(0)...0x3100 {
        guard let scalar = Unicode.Scalar(value) else { continue }
        #expect(scalar.isSpace == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
    }
}
