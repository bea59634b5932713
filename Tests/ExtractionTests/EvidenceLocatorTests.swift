import Documents
import Foundation
import Schema
import Testing

@testable import Extraction

/// Finding generated values in the document, and cutting documents into prompt passages.
@Suite struct EvidenceLocatorTests {
    static let document = Document(
        kind: .text,
        pages: [
            Page(number: 1, text: "INVOICE  No. INV-0042\nDate: 14 March 2024\nBill to: Acme\nCorp Ltd"),
            Page(number: 2, text: "Subtotal 1,200.00\nTotal due: $1,250.50\nThank you"),
        ])

    func locator(preferring pages: [Int] = []) -> EvidenceLocator {
        EvidenceLocator(document: Self.document, preferredPages: pages, dates: .dayFirst)
    }

    @Test func textMatchesAcrossWhitespaceAndThenIgnoringCase() throws {
        let place = try #require(locator().place(ofText: "Acme Corp  Ltd"))
        #expect(place.page.number == 1)
        let evidence = EvidenceLocator.evidence("customer", valueIndex: 0, at: place)
        #expect(evidence.quote == "Acme\nCorp Ltd")
        let scalars = Array(Self.document.pages[0].text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[evidence.location.start..<evidence.location.end])) == "Acme\nCorp Ltd")
        #expect(locator().place(ofText: "invoice")?.range == 0..<7)
        #expect(locator().place(ofText: "Globex") == nil)
    }

    @Test func numbersAndDatesAreFoundByValue() throws {
        let total = try #require(locator().place(of: .number(1250.5), raw: nil, type: ScalarType(base: .number)))
        #expect(total.page.number == 2)
        #expect(EvidenceLocator.evidence("total", valueIndex: 0, at: total).quote.contains("1,250.50"))
        let date = try #require(
            locator().place(
                of: .date(LocalDate(iso: "2024-03-14")!), raw: nil,
                type: ScalarType(base: .string, format: .date)))
        #expect(EvidenceLocator.evidence("date", valueIndex: 0, at: date).quote == "14 March 2024")
        // The raw text the model copied wins over the value.
        let copied = try #require(
            locator().place(
                of: .date(LocalDate(iso: "2024-03-14")!), raw: "14 March 2024",
                type: ScalarType(base: .string, format: .date)))
        #expect(copied.range == EvidenceLocator.offsets(Self.document.pages[0].text.range(of: "14 March 2024")!, in: Self.document.pages[0].text))
        #expect(locator().place(of: .number(999), raw: nil, type: ScalarType(base: .number)) == nil)
    }

    @Test func preferredPagesAreSearchedFirst() throws {
        let doc = Document(kind: .text, pages: [Page(number: 1, text: "Total 10"), Page(number: 2, text: "Total 10")])
        let place = try #require(EvidenceLocator(document: doc, preferredPages: [2], dates: .monthFirst).place(ofText: "Total 10"))
        #expect(place.page.number == 2)
    }

    @Test func passagesCoverThePagesAtParagraphs() {
        let long = (1...60).map { "Line \($0) of the agreement text." }.joined(separator: "\n")
        let doc = Document(kind: .text, pages: [Page(number: 1, text: "Title\n\nFirst paragraph.\n\n" + long), Page(number: 2, text: "  \n")])
        let passages = ExtractionPrompt.passages(doc)
        #expect(passages.count > 3)
        #expect(passages.allSatisfy { $0.location.page == 1 && $0.text.unicodeScalars.count <= 700 && !$0.text.isEmpty })
        let scalars = Array(doc.pages[0].text.unicodeScalars)
        for p in passages {
            let at = Array(scalars[p.location.start..<p.location.end])
            #expect(String(String.UnicodeScalarView(at)) == p.text)
        }
        #expect(passages.last?.text.hasSuffix("Line 60 of the agreement text.") == true)
    }
}
