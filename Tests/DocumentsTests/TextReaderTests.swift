import Foundation
import QuarryTestSupport
import Testing

@testable import Documents

@Suite struct TextReaderTests {
    func read(_ bytes: [UInt8], name: String = "note.txt") throws -> Document {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString + "-" + name)
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try DocumentReader.read(try SourceFile(path: url.path))
    }

    @Test func formFeedSplitsPagesAndIsDropped() throws {
        let doc = try read(Array("page one\n\u{0C}page two\u{0C}".utf8))
        #expect(doc.kind == .text)
        #expect(doc.pages.map(\.text) == ["page one\n", "page two", ""])
        #expect(doc.pages.map(\.number) == [1, 2, 3])
        #expect(doc.pagesWithoutText == [3])
    }

    @Test func byteOrderMarkAndCRLFAreNormalised() throws {
        let doc = try read([0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc".utf8))
        #expect(doc.pages[0].text == "a\nb\nc")
    }

    @Test func latin1FallbackKeepsAccents() throws {
        let doc = try DocumentReader.read(try SourceFile(path: Paths.fixture("edge-cases/latin1-note.txt")))
        #expect(doc.pages[0].text.contains("Société Générale"))
        #expect(doc.pages[0].text.contains("Müller"))
    }

    @Test func markdownIsKeptVerbatim() throws {
        let doc = try read(Array("# Invoice 7\n\n| a | b |\n".utf8), name: "x.md")
        #expect(doc.kind == .markdown)
        #expect(doc.pages[0].text == "# Invoice 7\n\n| a | b |\n")
    }

    @Test func binaryFilesAreRefusedWithAReason() throws {
        #expect(throws: DocumentError.self) { try read([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 1, 2, 3], name: "scan.png") }
        do {
            _ = try read([0, 1, 2, 0, 255, 7], name: "blob")
            Issue.record("binary content should be refused")
        } catch let error as DocumentError {
            #expect(error.reason.contains("binary content"))
        }
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SourceFile.sha256(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SourceFile.sha256(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
