import Testing
@testable import Documents

@Suite struct ChunkerTests {
    /// Every chunk is exactly its slice of the page, in order, without overlap, within the limit,
    /// trimmed, and together they cover every non-whitespace character.
    func checkInvariants(_ text: String, _ chunker: Chunker) {
        let page = Page(number: 3, text: text)
        let scalars = Array(text.unicodeScalars)
        let chunks = chunker.chunks(of: page)
        var covered = [Bool](repeating: false, count: scalars.count)
        var previousEnd = 0
        for c in chunks {
            #expect(c.pageNumber == 3)
            #expect(c.start >= previousEnd && c.start < c.end && c.end <= scalars.count)
            #expect(c.end - c.start <= chunker.maxLength)
            #expect(c.text == String(String.UnicodeScalarView(scalars[c.start..<c.end])))
            #expect(!scalars[c.start].properties.isWhitespace && !scalars[c.end - 1].properties.isWhitespace)
            for i in c.start..<c.end { covered[i] = true }
            previousEnd = c.end
        }
        for (i, s) in scalars.enumerated() where !s.properties.isWhitespace { #expect(covered[i], "uncovered at \(i)") }
    }

    @Test func invariantsHoldOnVariedText() {
        var rng = SystemRandomNumberGenerator()
        let words = ["Invoice", "total:", "1,234.50", "Müller", "請求書", "🧾", "e\u{301}", "end.", "Net", "30.", "\n", "\n\n", "averyveryverylongwordwithoutanybreaks"]
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0...400, using: &rng)).map { _ in words.randomElement(using: &rng)! }
                .joined(separator: Bool.random(using: &rng) ? " " : "")
            checkInvariants(text, Chunker(maxLength: Int.random(in: 20...300, using: &rng), minLength: 10))
        }
    }

    @Test func prefersParagraphsThenSentences() {
        let para1 = String(repeating: "Alpha beta gamma. ", count: 10)   // 180 code points
        let text = para1 + "\n\n" + String(repeating: "Delta epsilon. ", count: 10)
        let chunks = Chunker(maxLength: 250, minLength: 100).chunks(of: Page(number: 1, text: text))
        #expect(chunks.count == 2)
        #expect(chunks[0].text == para1.trimmingCharacters(in: .whitespaces))
        let sentences = Chunker(maxLength: 50, minLength: 20).chunks(of: Page(number: 1, text: para1))
        #expect(sentences.allSatisfy { $0.text.hasSuffix(".") })
    }

    @Test func blankPagesGiveNoChunksAndShortPagesOne() {
        #expect(Chunker().chunks(of: Page(number: 1, text: " \n\t ")).isEmpty)
        let one = Chunker().chunks(of: Page(number: 1, text: "  Total due: £12.50\n"))
        #expect(one == [Chunk(pageNumber: 1, start: 2, end: 19, text: "Total due: £12.50")])
    }
}
