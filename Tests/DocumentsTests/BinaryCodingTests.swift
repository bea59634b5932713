import Foundation
import Testing

@testable import Documents

@Test func binaryCodingRoundTripsADocument() throws {
    let page = Page(
        number: 1, text: "Grand total: 1 234,50 €", width: 595, height: 842,
        words: [WordBox(start: 0, end: 5, box: Box(x0: 1, y0: 2, x1: 3, y1: 4))])
    let document = Document(
        kind: .pdf, pages: [page, Page(number: 2, text: "")],
        metadata: DocumentMetadata(
            title: "Ünïcode", author: nil, subject: nil, keywords: nil, creator: nil,
            producer: "x", createdAt: Date(timeIntervalSince1970: 1e9),
            modifiedAt: nil, formatVersion: "PDF-1.4"))
    let decoded = try Document(decoding: document.encoded())
    #expect(decoded == document)
}
