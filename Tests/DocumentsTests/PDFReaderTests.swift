import Foundation
import QuarryTestSupport
import Testing

@testable import Documents

@Suite struct PDFReaderTests {
    func read(_ relative: String, password: String? = nil) throws -> Document {
        try PDFReader.read(try SourceFile(path: Paths.fixture(relative)), password: password)
    }

    @Test func invoiceHasTextBoxesSizeAndMetadata() throws {
        let doc = try read("documents/invoice-kestrel-maschinenbau-2024-0815.pdf")
        #expect(doc.kind == .pdf)
        #expect(doc.pages.count >= 2)
        let page = doc.pages[0]
        #expect(page.text.contains("Kestrel"))
        #expect(page.width! > 500 && page.height! > 700)
        #expect(!page.words.isEmpty)
        let scalars = Array(page.text.unicodeScalars)
        for w in page.words {
            #expect(w.start < w.end && w.end <= scalars.count)
            #expect(!scalars[w.start..<w.end].contains { $0.properties.isWhitespace })
            #expect(w.box.x0 >= 0 && w.box.x1 <= Float(page.width!) + 1 && w.box.y1 <= Float(page.height!) + 1)
        }
        #expect(doc.metadata.formatVersion?.hasPrefix("PDF-") == true)
    }

    @Test func encryptedWithEmptyUserPasswordOpens() throws {
        let doc = try read("edge-cases/encrypted-empty-user-password.pdf")
        #expect(doc.pages[0].text.contains("Encrypted but openable"))
    }

    @Test func userPasswordIsRequiredAndChecked() throws {
        #expect(throws: DocumentError.passwordRequired(path: Paths.fixture("edge-cases/encrypted-user-password.pdf"))) {
            try read("edge-cases/encrypted-user-password.pdf")
        }
        #expect(throws: DocumentError.wrongPassword(path: Paths.fixture("edge-cases/encrypted-user-password.pdf"))) {
            try read("edge-cases/encrypted-user-password.pdf", password: "nope")
        }
        let doc = try read("edge-cases/encrypted-user-password.pdf", password: "quarry-test")
        #expect(doc.pages[0].text.contains("Opened with the password"))
    }

    @Test func pageWithoutTextLayerIsFlagged() throws {
        let doc = try read("edge-cases/scanned-page.pdf")
        #expect(doc.pages.count == 2)
        #expect(doc.pagesWithoutText == [2])
        #expect(doc.missingTextWarning?.contains("OCR is not supported") == true)
    }

    @Test func damagedFilesFailWithTheirPath() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("documents/invoice-pelican-freight-pf-18-1225.pdf")))
        let dir = try Paths.scratch("quarry-pdf")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, bytes) in [
            ("truncated.pdf", original.prefix(original.count / 3)), ("fake.pdf", Data("hello".utf8)),
            ("empty.pdf", Data()),
        ] {
            let path = dir.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try PDFReader.read(try SourceFile(path: path))
                Issue.record("\(name) should not parse")
            } catch {
                #expect(error.path == path)
                if case .invalidPDF = error {} else { Issue.record("unexpected \(error)") }
            }
        }
    }

    @Test func binaryRoundTripKeepsEverything() throws {
        let doc = try read("documents/invoice-kestrel-maschinenbau-2024-0815.pdf")
        let back = try Document(decoding: doc.encoded())
        #expect(back.kind == doc.kind && back.metadata == doc.metadata)
        #expect(back.pages.map(\.text) == doc.pages.map(\.text))
        #expect(back.pages.map(\.words) == doc.pages.map(\.words))
        #expect(back.pages.map(\.width) == doc.pages.map(\.width))
    }
}
