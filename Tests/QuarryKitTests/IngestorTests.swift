import Foundation
import QuarryTestSupport
import Store
import Testing

@testable import QuarryKit

/// A scratch folder with a copy of some fixtures and a database.
struct ScratchWorkspace {
    let dir: URL
    let docs: URL
    let store: Store

    init(fixtures: [String]) throws {
        dir = try Paths.scratch("ws")
        docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        for f in fixtures {
            let source = Paths.fixtures.appendingPathComponent(f)
            try FileManager.default.copyItem(at: source, to: docs.appendingPathComponent(source.lastPathComponent))
        }
        store = try Store(path: dir.appendingPathComponent("q.db").path)
    }

    func write(_ name: String, _ data: Data) throws { try data.write(to: docs.appendingPathComponent(name)) }
    func ingest(_ paths: [String]? = nil) throws -> IngestReport {
        try Ingestor(store: store).ingest(paths ?? [docs.path])
    }
}

@Suite struct IngestorTests {
    static let sample = [
        "documents/invoice-kestrel-maschinenbau-2024-0815.pdf", "documents/receipt-weber-baustoffe-1.txt",
        "documents/invoice-nightjar-studio-nj-2024-007.md", "edge-cases/scanned-page.pdf",
    ]

    @Test func ingestsAndASecondRunChangesNothing() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let first = try ws.ingest()
        #expect(first.ingested == 4 && first.failed == 0 && first.unchanged == 0)
        #expect(first.pagesWithoutText == 1 && first.warnings.count == 1)
        #expect(first.chunks > 0 && first.pages >= 5)
        let before = try ws.store.documents()
        let second = try ws.ingest()
        #expect(second.unchanged == 4 && second.ingested == 0)
        #expect(try ws.store.documents() == before)

        // Touched but identical: still unchanged, without re-parsing.
        let receipt = ws.docs.appendingPathComponent("receipt-weber-baustoffe-1.txt").path
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: receipt)
        #expect(try ws.ingest().unchanged == 4)
        #expect(try ws.store.documents() == before)
    }

    @Test func aChangedFileReplacesItsOldVersion() throws {
        let ws = try ScratchWorkspace(fixtures: [])
        try ws.write("note.txt", Data("first version about apples".utf8))
        _ = try ws.ingest()
        try ws.write("note.txt", Data("second version about pears, a little longer".utf8))
        let report = try ws.ingest()
        #expect(report.ingested == 1 && report.replaced == 1)
        #expect(try ws.store.search("apples").isEmpty)
        #expect(try ws.store.search("pears").count == 1)
        #expect(try ws.store.documents().count == 1)
    }

    @Test func badFilesFailAndTheRestLands() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let pdf = try Data(contentsOf: ws.docs.appendingPathComponent("invoice-kestrel-maschinenbau-2024-0815.pdf"))
        try ws.write("truncated.pdf", pdf.prefix(pdf.count / 2))
        try ws.write("random.bin", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }))
        try ws.write(".hidden.pdf", Data("ignored".utf8))
        let report = try ws.ingest()
        #expect(report.ingested == 4)
        #expect(report.failed == 2)
        #expect(Set(report.failures.map { ($0.path as NSString).lastPathComponent }) == ["truncated.pdf", "random.bin"])
        let failed = try ws.store.documents().filter { $0.status == .failed }
        #expect(failed.count == 2 && failed.allSatisfy { $0.error != nil && $0.pageCount == 0 })
        // A rerun reports the same failures and changes nothing.
        let again = try ws.ingest()
        #expect(again.failed == 2 && again.unchanged == 4)
    }

    @Test func anInterruptedRunResumes() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let files = try FileManager.default.contentsOfDirectory(atPath: ws.docs.path).sorted()
        _ = try ws.ingest([ws.docs.appendingPathComponent(files[0]).path])  // the run "stopped" after one file
        let resumed = try ws.ingest()
        #expect(resumed.unchanged == 1 && resumed.ingested == 3)
    }

    @Test func encryptedPDFNeedsThePassword() throws {
        let ws = try ScratchWorkspace(fixtures: ["edge-cases/encrypted-user-password.pdf", "edge-cases/encrypted-empty-user-password.pdf"])
        let without = try ws.ingest()
        #expect(without.ingested == 1 && without.failed == 1)
        #expect(without.failures[0].reason.contains("--password"))
        let with = try Ingestor(store: ws.store, password: "quarry-test").ingest([ws.docs.path])
        #expect(with.ingested == 1 && with.unchanged == 1 && with.failed == 0)
    }

    @Test func missingPathIsAnError() throws {
        let ws = try ScratchWorkspace(fixtures: [])
        #expect(throws: QuarryError.self) { try ws.ingest(["/no/such/folder"]) }
    }
}
