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
            #expect(c.location.page == 3)
            #expect(c.location.start >= previousEnd && c.location.start < c.location.end && c.location.end <= scalars.count)
            #expect(c.location.end - c.location.start <= chunker.maxLength)
            #expect(c.text == String(String.UnicodeScalarView(scalars[c.location.start..<c.location.end])))
            #expect(!scalars[c.location.start].properties.isWhitespace && !scalars[c.location.end - 1].properties.isWhitespace)
            for i in c.location.start..<c.location.end { covered[i] = true }
            previousEnd = c.location.end
        }
        for (i, s) in scalars.enumerated() where !s.properties.isWhitespace { #expect(covered[i], "uncovered at \(i)") }
    }

    @Test func invariantsHoldOnVariedText() {
        var rng = SystemRandomNumberGenerator()
        let words = [
            "Invoice", "total:", "1,234.50", "Müller", "請求書", "🧾", "e\u{301}", "end.", "Net", "30.", "\n", "\n\n",
            "averyveryverylongwordwithoutanybreaks",
        ]
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0...400, using: &rng)).map { _ in words.randomElement(using: &rng)! }
                .joined(separator: Bool.random(using: &rng) ? " " : "")
            checkInvariants(text, Chunker(maxLength: Int.random(in: 20...300, using: &rng), minLength: 10))
        }
    }

    @Test func prefersParagraphsThenSentences() {
        let para1 = String(repeating: "Alpha beta gamma. ", count: 10)  // 180 code points
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
        #expect(one == [Chunk(location: Location(page: 1, start: 2, end: 19), text: "Total due: £12.50")])
    }
}

@Suite struct TokenBudgetTests {
    /// Counts words as "tokens", so budgets are easy to reason about.
    func words(_ s: String) -> Int { s.split(whereSeparator: \.isWhitespace).count }

    @Test func chunksOverTheBudgetAreSplitAndNothingIsLost() {
        let sentence = "The receiving party shall keep the information confidential. "
        let text = String(repeating: sentence, count: 40) + "\n\n" + String(repeating: "x", count: 50)
        let document = Document(kind: .text, pages: [Page(number: 1, text: text)])
        let chunker = Chunker(maxLength: 1000, minLength: 300)
        let plain = chunker.chunks(of: document)
        let fitted = chunker.chunks(of: document, tokenLimit: 20, count: words)
        #expect(plain.contains { words($0.text) > 20 })
        #expect(fitted.allSatisfy { words($0.text) <= 20 })
        #expect(fitted.count > plain.count)
        let scalars = Array(text.unicodeScalars)
        var covered = [Bool](repeating: false, count: scalars.count)
        var previousEnd = 0
        for c in fitted {
            #expect(c.location.start >= previousEnd)
            #expect(c.text == String(String.UnicodeScalarView(scalars[c.location.start..<c.location.end])))
            for i in c.location.start..<c.location.end { covered[i] = true }
            previousEnd = c.location.end
        }
        for (i, s) in scalars.enumerated() where !s.properties.isWhitespace { #expect(covered[i], "uncovered at \(i)") }
        // Cuts still prefer sentence ends.
        #expect(fitted.dropLast().filter { $0.text.hasSuffix(".") }.count >= fitted.count / 2)
    }

    @Test func chunksWithinTheBudgetAreUnchanged() {
        let document = Document(kind: .text, pages: [Page(number: 1, text: "Short page.\n\nAnother paragraph.")])
        let chunker = Chunker()
        #expect(chunker.chunks(of: document, tokenLimit: 100, count: words) == chunker.chunks(of: document))
    }

    @Test func aSingleHugeWordIsCutHard() {
        let document = Document(kind: .text, pages: [Page(number: 1, text: String(repeating: "a", count: 900))])
        let fitted = Chunker().chunks(of: document, tokenLimit: 10) { ($0.count + 99) / 100 }  // 100 characters a token
        #expect(fitted.allSatisfy { $0.text.count <= 1000 && ($0.text.count + 99) / 100 <= 10 })
        #expect(fitted.map(\.text).joined() == String(repeating: "a", count: 900))
    }
}
