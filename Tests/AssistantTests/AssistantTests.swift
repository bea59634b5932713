import Documents
import Foundation
import QuarryTestSupport
import Store
import Testing

@testable import Assistant

/// The assistant over a small store, without the encoder (lexical retrieval, coverage scores).
@Suite struct AssistantTests {
    let store: Store

    static let lease = """
        Lease Agreement

        This lease is made between Harbor Holdings LLC and Nimbus Bakery Ltd. The monthly rent is
        4,500 dollars, payable on the first day of each month.

        Governing Law
        This lease shall be governed by the laws of the State of Oregon.
        """
    static let memo = "The bakery opens at six. Bread is delivered by Swift Vans every morning."

    init() throws {
        let dir = try Paths.scratch("assistant")
        store = try Store(path: dir.appendingPathComponent("q.db").path)
        try add("/docs/lease.pdf", Self.lease, boxes: true)
        try add("/docs/memo.txt", Self.memo)
    }

    /// Stores a one-page document (with a box per word when `boxes`), chunked as ingest does.
    func add(_ path: String, _ text: String, boxes: Bool = false) throws {
        var words: [WordBox] = []
        if boxes {
            var start: Int?
            for (i, c) in text.unicodeScalars.enumerated() {
                if c.isSpace {
                    if let s = start { words.append(WordBox(start: s, end: i, box: Box(x0: Float(s), y0: 0, x1: Float(i), y1: 10))) }; start = nil
                } else if start == nil {
                    start = i
                }
            }
            if let s = start { words.append(WordBox(start: s, end: text.unicodeScalars.count, box: Box(x0: Float(s), y0: 0, x1: 1, y1: 10))) }
        }
        let document = Document(
            kind: boxes ? .pdf : .text, pages: [Page(number: 1, text: text, width: boxes ? 600 : nil, height: boxes ? 800 : nil, words: words)])
        try store.replaceDocument(
            FileStamp(path: path, sha256: path, size: 1, mtime: 0), document: document,
            chunks: Chunker(maxLength: 120, minLength: 40).chunks(of: document))
    }

    var assistant: Assistant { Assistant(store: store, encoder: nil) }
    func options(threshold: Double = 0.5) -> Assistant.Options {
        var o = Assistant.Options()
        o.retrieval = .lexical
        o.threshold = threshold
        return o
    }

    @Test func answersWithAVerifiedQuoteAndItsBox() throws {
        let answer = try assistant.ask("Which state's laws govern the lease?", options: options())
        #expect(!answer.refused)
        #expect(answer.answer == "This lease shall be governed by the laws of the State of Oregon.")
        let c = try #require(answer.citations.first)
        #expect(c.document == "/docs/lease.pdf" && c.location.page == 1 && c.source == 1)
        let page = Array(Self.lease.unicodeScalars)
        #expect(String(String.UnicodeScalarView(page[c.location.start..<c.location.end])) == c.quote)
        #expect(c.box != nil && c.box!.x0 == Float(c.location.start))
        #expect(answer.confidence >= 0.5)
    }

    @Test func refusesWhenTheDocumentsCannotAnswer() throws {
        let year = try assistant.ask("What was the rent in 2009?", options: options())
        #expect(year.refused && year.citations.isEmpty && year.answer == Answer.refusalText)
        #expect(year.reason == "the documents never mention \"2009\"")
        let weak = try assistant.ask("How many employees does the bakery have?", options: options(threshold: 0.9))
        #expect(weak.refused && weak.reason!.contains("below the 0.90 needed"))
        let nothing = try assistant.ask("quantum chromodynamics?", options: options())
        #expect(nothing.refused)
    }

    @Test func filtersRestrictTheDocuments() throws {
        var o = options(threshold: 0)
        o.filter = RetrievalFilter(documents: ["MEMO"])
        let answer = try assistant.ask("Who delivers to the bakery, and what is the rent?", options: o)
        #expect(answer.citations.allSatisfy { $0.document == "/docs/memo.txt" } && !answer.citations.isEmpty)
        o.filter = RetrievalFilter(pathGlob: "*.pdf")
        #expect(try assistant.ask("Who delivers bread?", options: o).citations.allSatisfy { $0.document == "/docs/lease.pdf" })
        o.filter = RetrievalFilter(documents: ["absent.pdf"])
        #expect { try assistant.ask("rent?", options: o) } throws: { "\($0)".contains("no document named absent.pdf") }
        o.filter = RetrievalFilter(pages: 2...3)
        #expect(try assistant.ask("What is the monthly rent?", options: o).reason == "the filtered documents hold no text")
    }

    @Test func guidanceIsStoredAndFollowed() throws {
        var o = options(threshold: 0)
        let question = "Who delivers to the bakery, and what is the rent?"
        #expect(try assistant.ask(question, options: o).citations.contains { $0.document == "/docs/lease.pdf" })
        let note = try store.addGuidance("ignore the lease")
        #expect(try store.guidance() == [note])
        let guided = try assistant.ask(question, options: o)
        #expect(!guided.citations.isEmpty && guided.citations.allSatisfy { $0.document == "/docs/memo.txt" })
        o.useGuidance = false
        #expect(try assistant.ask(question, options: o).citations.contains { $0.document == "/docs/lease.pdf" })
        #expect(try store.removeGuidance(id: note.id) && !store.removeGuidance(id: note.id))
        try store.addGuidance("only use spreadsheets")
        #expect(try assistant.ask(question).reason == "the collection's guidance leaves no document to search")
    }

    @Test func theVerifierRejectsQuotesThatAreNotAtTheirPlace() throws {
        let id = try #require(try store.documents().first { $0.path == "/docs/memo.txt" }?.id)
        var verifier = CitationVerifier(store: store)
        let good = Citation(source: 1, document: "/docs/memo.txt", documentID: id, location: Location(page: 1, start: 4, end: 10), quote: "bakery")
        #expect(try verifier.verify(good) == good)
        for bad in [
            Citation(source: 1, document: "", documentID: id, location: Location(page: 1, start: 5, end: 11), quote: "bakery"),
            Citation(source: 1, document: "", documentID: id, location: Location(page: 1, start: 4, end: 10), quote: "Bakery"),
            Citation(source: 1, document: "", documentID: id, location: Location(page: 2, start: 4, end: 10), quote: "bakery"),
            Citation(source: 1, document: "", documentID: id, location: Location(page: 1, start: 60, end: 999), quote: "bakery"),
        ] {
            #expect(try verifier.verify(bad) == nil)
        }
    }

    @Test func evaluationScoresAnswersEvidenceAndRefusalsAndStoresTheRun() throws {
        let questions = [
            GoldQuestion(
                id: "law", question: "Which state's laws govern the lease?", answers: ["Oregon"],
                evidence: [GoldEvidence(document: "lease.pdf", page: 1, quote: "laws of the State of Oregon")]),
            GoldQuestion(
                id: "van", question: "Who delivers the bread every morning?", answers: ["Acme Trucks"],
                evidence: [GoldEvidence(document: "memo", page: 1, quote: "The bakery opens at six.")]),
            GoldQuestion(id: "year", question: "What was the rent in 2009?", answers: []),
            GoldQuestion(
                id: "lost", question: "Where is the evidence?", answers: ["x"],
                evidence: [GoldEvidence(document: "nowhere.pdf", page: 1, quote: "x")]),
        ]
        let report = try QuestionEvaluation(assistant: assistant).run(questions, options: options(threshold: 0.3), source: "/tmp/q.jsonl")
        let byID = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.id, $0) })
        #expect(byID["law"]?.answerMatched == true && byID["law"]?.evidenceCited == true)
        #expect(byID["van"]?.answerMatched == false && byID["van"]?.evidenceCited == false)  // cites the right page, not the gold sentence
        #expect(byID["year"]?.refused == true && byID["year"]?.answerMatched == nil)
        #expect(byID["lost"]?.evidenceCited == nil && report.unlocatedEvidence == 1)
        #expect(report.overall.questions == 4 && report.overall.answerable == 3)
        #expect(report.overall.refusedUnanswerable == 1 && report.overall.quotesVerified == 1)
        #expect(report.overall.evidenceCited == 0.5)
        let runs = try store.runs()
        #expect(runs.first?.kind == "eval-qa" && runs.first?.id == report.runID)
        let metrics = try store.metrics(runID: report.runID)
        #expect(metrics.contains { $0.field == "all" && $0.name == "evidence_cited" && $0.value == 0.5 })
    }
}
