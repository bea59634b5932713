import Store
import Testing

@testable import Assistant

@Suite struct SentenceSplitterTests {
    func pieces(_ text: String, _ splitter: SentenceSplitter = SentenceSplitter()) -> [String] {
        let s = Array(text.unicodeScalars)
        return splitter.ranges(in: text).map { String(String.UnicodeScalarView(s[$0])) }
    }

    @Test func sentencesEndAtStopsButNotAtAbbreviationsOrDecimals() {
        #expect(
            pieces("Acme Inc. signed on Jan. 5. The fee is 3.5 million! Was it paid? Yes.")
                == ["Acme Inc. signed on Jan. 5.", "The fee is 3.5 million!", "Was it paid?", "Yes."])
        #expect(pieces("Sent by J. Smith to the U.S. office (see p. 4). done") == ["Sent by J. Smith to the U.S. office (see p. 4). done"])
        #expect(pieces("He said \"stop.\" Then he left.") == ["He said \"stop.\"", "Then he left."])
    }

    @Test func lineWrapsStayInsideASentenceTablesAndHeadingsDoNot() {
        let pdf = "This Agreement shall be governed by\nthe laws of the State of Delaware.\n\nPayment Terms\nInvoices are due in\nthirty days."
        #expect(
            pieces(pdf) == [
                "This Agreement shall be governed by\nthe laws of the State of Delaware.", "Payment Terms",
                "Invoices are due in\nthirty days.",
            ])
        let table = "Revenue | 1,200 | 1,100\nCost of sales | 700 | 650\nTotal    12.00     EUR"
        #expect(pieces(table) == ["Revenue | 1,200 | 1,100", "Cost of sales | 700 | 650", "Total    12.00     EUR"])
    }

    @Test func offsetsAreCodePointsOfTheChunkAndThePage() {
        let text = "  Café 🧾 costs €5. Next one. "
        let passages = SentenceSplitter().passages(of: text, chunkID: 1, documentID: 2, path: "/p", page: 3, start: 100)
        #expect(passages.map(\.text) == ["Café 🧾 costs €5.", "Next one."])
        #expect(passages[0].location.start == 102 && passages[0].location.end == 102 + "Café 🧾 costs €5.".unicodeScalars.count)
        #expect(passages.allSatisfy { $0.location.page == 3 && $0.documentID == 2 && $0.chunkID == 1 })
    }

    @Test func longPiecesAreCutAndEmptyOnesDropped() {
        var splitter = SentenceSplitter()
        splitter.maxLength = 40
        let long = "alpha beta gamma delta; epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi"
        let cut = pieces(long, splitter)
        #expect(cut.count > 1 && cut.allSatisfy { $0.unicodeScalars.count <= 40 })
        #expect(cut.joined(separator: " ") == long)
        #expect(pieces(" --- \n\n ... ").isEmpty)
    }
}

@Suite struct QuestionTermsTests {
    @Test func contentNumbersAndNames() {
        let t = QuestionTerms("Which team did the Denver Broncos beat in Super Bowl 50's final?")
        #expect(t.content == ["team", "denver", "broncos", "beat", "super", "bowl", "50", "final"])
        #expect(t.numbers == ["50"])
        #expect(t.names == ["denver", "broncos", "super", "bowl"])
        #expect(QuestionTerms("Who won?").names.isEmpty)  // the first word is not a name for being capitalised
    }

    @Test func unanswerableWhenANumberOrEveryNameIsAbsent() {
        let rarity = counts(chunks: 10, ["revenue": 4, "2019": 3, "acme": 2, "tv": 0, "louisiana": 0, "stadium": 5])
        #expect(QuestionTerms("What was the revenue in 2009?").unanswerable(given: rarity) == "the documents never mention \"2009\"")
        #expect(QuestionTerms("What was the revenue in 2019?").unanswerable(given: rarity) == nil)
        #expect(QuestionTerms("Who runs Louisiana TV?").unanswerable(given: rarity) != nil)
        #expect(QuestionTerms("Which Louisiana Stadium hosted it?").unanswerable(given: rarity) == nil)
    }
}

@Suite struct PassageScorerTests {
    let rarity = counts(chunks: 100, ["game": 90, "levi": 2, "stadium": 20])

    @Test func rareWordsWeighMore() {
        let scorer = PassageScorer()
        let terms = QuestionTerms("Which stadium at Levi hosted the game?")
        let rare = scorer.coverage(of: terms, in: "It was played at Levi's.", rarity: rarity)
        let common = scorer.coverage(of: terms, in: "The game was close.", rarity: rarity)
        #expect(rare > common && common > 0)
        #expect(scorer.coverage(of: terms, in: "Levi stadium hosted the game", rarity: rarity) == 1)
        #expect(rarity.weight("levi") > rarity.weight("game"))
    }

    @Test func namesThatPickADocumentNeedNotBeRepeated() {
        let terms = QuestionTerms("Which law governs the Acme agreement?")
        let several = counts(chunks: 50, documents: 5, ["law": (10, 5), "governs": (5, 5), "acme": (3, 1), "agreement": (40, 5)])
        let clause = "This Agreement is governed by the law of Oregon."
        let scorer = PassageScorer()
        #expect(scorer.coverage(of: terms, in: clause, rarity: several, documentWords: ["acme"]) == 1)
        #expect(scorer.coverage(of: terms, in: clause, rarity: several) < 1)
        // In a scope of one document no word tells documents apart: no credit.
        let one = counts(chunks: 50, documents: 1, ["law": (10, 1), "governs": (5, 1), "acme": (3, 1), "agreement": (40, 1)])
        #expect(scorer.coverage(of: terms, in: clause, rarity: one, documentWords: ["acme"]) == scorer.coverage(of: terms, in: clause, rarity: one))
    }

    @Test func blendsSimilarityAndCoverage() {
        var scorer = PassageScorer()
        scorer.semanticWeight = 0.5
        #expect(abs(scorer.score(similarity: 0.8, coverage: 0.4) - 0.6) < 1e-12)
        #expect(abs(scorer.score(similarity: -0.3, coverage: 0.4) - 0.2) < 1e-12)  // a negative cosine counts as 0
        #expect(scorer.score(similarity: nil, coverage: 0.4) == 0.4)
    }

    @Test func aPassageThatOnlyRepeatsTheQuestionAddsNothing() {
        let terms = QuestionTerms("Who is the vendor of invoice LC-0042?")
        #expect(!PassageScorer().addsInformation("Invoice LC-0042", to: terms))
        #expect(PassageScorer().addsInformation("Vendor: Lindqvist Consulting", to: terms))
    }
}

/// Word counts for tests: chunk counts (each word in one document), or (chunks, documents) pairs.
func counts(chunks: Int, documents: Int = 1, _ words: [String: Int]) -> TermRarity {
    counts(chunks: chunks, documents: documents, words.mapValues { ($0, min($0, 1)) })
}

func counts(chunks: Int, documents: Int, _ words: [String: (Int, Int)]) -> TermRarity {
    var c = TermCounts()
    c.chunks = chunks
    c.documents = documents
    c.terms = words.mapValues { (chunks: $0.0, documents: $0.1) }
    return TermRarity(c)
}
