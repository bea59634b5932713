import Documents
import Extraction
import Foundation
import QuarryTestSupport
import Schema
import Testing

@testable import Tuning

/// The topic judge: a value's surroundings are about its field, more than about the other fields.
@Suite struct TopicJudgeTests {
    static let schema = try! Schema.parse(
        """
        {"properties": {"invoice_number": {"type": "string", "description": "The invoice number"},
                        "invoice_date": {"type": "string", "format": "date", "description": "The date of the invoice"},
                        "total": {"type": "number", "description": "The total amount due"}}}
        """)
    static let document = Document(
        kind: .text,
        pages: [
            Page(
                number: 1,
                text: """
                    ACME TRADING LTD
                    Invoice No: INV-2024-0042
                    Invoice Date: 14 March 2024
                    Total due (GBP)             60.00
                    """)
        ])
    static let good = Fixture.candidate(
        ["invoice_number": .string("INV-2024-0042"), "invoice_date": .date(LocalDate(iso: "2024-03-14")!), "total": .number(60)],
        evidence: [("invoice_number", "INV-2024-0042", nil), ("invoice_date", "14 March 2024", nil), ("total", "60.00", nil)],
        in: document)
    /// The number and the total taken from the date's line.
    static let bad = Fixture.candidate(
        ["invoice_number": .string("14 March 2024"), "invoice_date": .date(LocalDate(iso: "2024-03-14")!), "total": .number(2024)],
        evidence: [("invoice_number", "14 March 2024", nil), ("invoice_date", "14 March 2024", nil), ("total", "2024", "Invoice Date: 14 March")],
        in: document)

    @Test func theContextIsTheLabelBeforeTheValueAndTheLineAbove() throws {
        let page = Array(Self.document.pages[0].text.unicodeScalars)
        let evidence = try #require(Self.good.evidence.last)
        let total = try #require(EvidenceContext(of: evidence, in: page))
        #expect(total.label == "Total due (GBP)" && total.above == "Invoice Date: 14 March 2024")
        // Text in another column (after a wide gap) is not the value's label.
        let columns = Array("Invoice No: 17          Date: 3 May 2024".unicodeScalars)
        let start = columns.count - "3 May 2024".count
        let dateEvidence = Evidence(field: "d", location: Location(page: 1, start: start, end: columns.count), quote: "3 May 2024")
        let date = try #require(EvidenceContext(of: dateEvidence, in: columns))
        #expect(date.label == "Date:" && date.above.isEmpty)
        // Off the page: no context.
        #expect(EvidenceContext(of: Evidence(field: "d", location: Location(page: 1, start: 3, end: 99), quote: "x"), in: columns) == nil)
    }

    @Test func aValueUnderItsOwnLabelScoresHigherThanOneUnderAnotherField() {
        let judge = TopicJudge(embedder: HashingEmbedder())
        let good = judge.score(Fixture.context(Self.document, Self.schema, Self.good))
        let bad = judge.score(Fixture.context(Self.document, Self.schema, Self.bad))
        #expect(good.fields.values.allSatisfy { $0 > 0.7 }, "\(good)")
        #expect(bad.fields["total"]! < 0.2 && bad.fields["invoice_number"]! < 0.2, "\(bad)")
        #expect(bad.fields["invoice_date"]! > 0.7)
        #expect(good.value > bad.value)
        #expect(bad.explanation.contains("total") && bad.explanation.contains("reads as invoice_date"), "\(bad.explanation)")
    }

    @Test func aValueWithoutEvidenceFailsAndOneWithNothingAroundItIsNotJudged() {
        let judge = TopicJudge(embedder: HashingEmbedder())
        let bare = Fixture.candidate(["total": .number(60)], in: Self.document)
        #expect(judge.score(Fixture.context(Self.document, Self.schema, bare)).fields == ["total": 0])
        let first = Fixture.candidate(["invoice_number": .string("ACME")], evidence: [("invoice_number", "ACME", nil)], in: Self.document)
        let verdict = judge.score(Fixture.context(Self.document, Self.schema, first))
        #expect(verdict.fields.isEmpty && verdict.value == 1)
    }

    @Test func aLabelAboutNoFieldScoresLowEvenWithOneField() throws {
        let one = try Schema.parse(#"{"properties": {"total": {"type": "number", "description": "The total amount due"}}}"#)
        let document = Document(kind: .text, pages: [Page(number: 1, text: "Total due: 60.00\nPhone: 555 0100")])
        let judge = TopicJudge(embedder: HashingEmbedder())
        let right = judge.score(
            Fixture.context(document, one, Fixture.candidate(["total": .number(60)], evidence: [("total", "60.00", nil)], in: document)))
        let wrong = judge.score(
            Fixture.context(document, one, Fixture.candidate(["total": .number(555)], evidence: [("total", "555", nil)], in: document)))
        #expect(right.value > 0.9 && wrong.value < 0.5, "\(right) \(wrong)")
    }

    @Test func embeddingsAreCachedAcrossCandidatesAndSafeToShare() async {
        let embedder = HashingEmbedder()
        let judge = TopicJudge(embedder: embedder)
        let first = judge.score(Fixture.context(Self.document, Self.schema, Self.good))
        let afterFirst = embedder.texts
        // The same candidate again, and a sibling sharing its evidence: nothing new to embed.
        #expect(judge.score(Fixture.context(Self.document, Self.schema, Self.good)) == first)
        _ = judge.score(
            Fixture.context(
                Self.document, Self.schema,
                Fixture.candidate(
                    ["total": .number(60)], evidence: [("total", "60.00", nil)], in: Self.document)))
        #expect(embedder.texts == afterFirst)
        // Many tasks at once agree with the serial answer.
        let verdicts = await withTaskGroup(of: RewardScore.self) { group in
            for i in 0..<16 {
                group.addTask { judge.score(Fixture.context(Self.document, Self.schema, i % 2 == 0 ? Self.good : Self.bad)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(verdicts.filter { $0 == first }.count == 8)
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func theSentenceEncoderPrefersTheRightLabels() throws {
        let judge = TopicJudge(embedder: try #require(TestModels.encoder))
        let good = judge.score(Fixture.context(Self.document, Self.schema, Self.good))
        let bad = judge.score(Fixture.context(Self.document, Self.schema, Self.bad))
        print("topic judge with all-MiniLM-L6-v2: right labels \(good.fields), wrong labels \(bad.fields)")
        #expect(good.fields["total"]! > bad.fields["total"]! + 0.3)
        #expect(good.fields["invoice_number"]! > bad.fields["invoice_number"]! + 0.3)
        #expect(good.value > bad.value)
    }
}
