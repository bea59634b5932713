import Documents
import Foundation
import QuarryTestSupport
import Testing

@testable import Store

@Suite struct StoreTests {
    let dir: URL
    let store: Store

    init() throws {
        dir = try Paths.scratch("store")
        store = try Store(path: dir.appendingPathComponent("q.db").path)
    }

    func stamp(_ path: String, _ sha: String = "aa") -> FileStamp { FileStamp(path: path, sha256: sha, size: 10, mtime: 1) }

    func document(_ texts: [String]) -> Document {
        Document(
            kind: .pdf,
            pages: texts.enumerated().map { i, t in
                Page(
                    number: i + 1, text: t, width: 612, height: 792,
                    words: t.isEmpty ? [] : [WordBox(start: 0, end: 1, box: Box(x0: 1, y0: 2, x1: 3, y1: 4))])
            }, metadata: DocumentMetadata(title: "T", createdAt: Date(timeIntervalSince1970: 0)))
    }

    func query(_ sql: String) throws -> [[SQLValue]] { try Store.readOnlyQuery(sql, databasePath: store.path).rows }

    @Test func storesDocumentsPagesChunksWithCodePointOffsets() throws {
        let doc = document(["Invoice 🧾 total € 12,50 — e\u{301}té paid", ""])
        let chunks = Chunker(maxLength: 12, minLength: 4).chunks(of: doc)
        let id = try store.replaceDocument(stamp("/a.pdf"), document: doc, chunks: chunks)
        let rows = try query(
            """
            SELECT count(*) FROM chunks c JOIN pages p USING (document_id, page_number)
            WHERE substr(p.text, c.start + 1, c."end" - c.start) = c.text
            """)
        #expect(rows == [[.integer(Int64(chunks.count))]])
        #expect(
            try query("SELECT status, page_count, pages_without_text, title FROM documents")
                == [[.text("partial"), .integer(2), .integer(1), .text("T")]])
        #expect(try query("SELECT has_text FROM pages ORDER BY page_number") == [[.integer(1)], [.integer(0)]])
        #expect(try store.page(documentID: id, number: 1)?.words == doc.pages[0].words)
        #expect(try query("SELECT journal_mode FROM pragma_journal_mode") == [[.text("wal")]])
    }

    @Test func replacingADocumentRemovesEverythingDerived() throws {
        try store.replaceDocument(
            stamp("/a.pdf", "v1"), document: document(["alpha bravo"]),
            chunks: [Chunk(location: Location(page: 1, start: 0, end: 11), text: "alpha bravo")])
        #expect(try store.search("alpha").count == 1)
        try store.replaceDocument(
            stamp("/a.pdf", "v2"), document: document(["charlie"]),
            chunks: [Chunk(location: Location(page: 1, start: 0, end: 7), text: "charlie")])
        #expect(try store.search("alpha").isEmpty)
        #expect(try store.search("charlie").count == 1)
        #expect(try query("SELECT count(*) FROM pages") == [[.integer(1)]])
        #expect(try store.knownFiles()["/a.pdf"]?.sha256 == "v2")
        try store.recordFailure(stamp("/a.pdf", "v3"), kind: .pdf, reason: "broken")
        #expect(try query("SELECT status, error FROM documents") == [[.text("failed"), .text("broken")]])
        #expect(try query("SELECT count(*) FROM chunks") == [[.integer(0)]])
        #expect(try store.search("charlie").isEmpty)
    }

    @Test func searchRanksStemsAndSurvivesAnyInput() throws {
        let texts = ["The invoices are due in thirty days.", "Payment terms: net 30. Invoice total 1,234.50", "Nothing here."]
        for (i, t) in texts.enumerated() {
            try store.replaceDocument(
                stamp("/d\(i).txt"), document: document([t]),
                chunks: Chunker().chunks(of: Page(number: 1, text: t)))
        }
        let hits = try store.search("invoice total")
        #expect(hits.first?.path == "/d1.txt")
        #expect(hits.count == 2)  // stemming: "invoices" matches "invoice"
        #expect(hits.first?.snippet.contains("[Invoice]") == true)
        #expect(try store.search("invoice total", matchAll: true).map(\.path) == ["/d1.txt"])
        #expect(try store.search("\"net 30\"").map(\.path) == ["/d1.txt"])
        for nasty in ["\"", "NEAR(a b", "a AND OR", "*", "-x", "col:umn", "'); DROP TABLE chunks; --", "^", "", "(("] {
            _ = try store.search(nasty)
        }
        #expect(try query("SELECT count(*) FROM chunks") == [[.integer(3)]])
    }

    @Test func queriesOnlyRead() throws {
        try store.replaceDocument(stamp("/a.pdf"), document: document(["x"]), chunks: [])
        for write in [
            "DELETE FROM documents", "DROP TABLE pages", "INSERT INTO documents(path) VALUES ('x')",
            "PRAGMA journal_mode = DELETE", "SELECT 1; DELETE FROM documents", "CREATE TABLE t(x)",
        ] {
            #expect(throws: StoreError.self, "\(write)") { try Store.readOnlyQuery(write, databasePath: store.path) }
        }
        #expect(throws: StoreError.self) { try Store.readOnlyQuery("   ", databasePath: store.path) }
        #expect(throws: StoreError.self) { try Store.readOnlyQuery("SELECT nope FROM nowhere", databasePath: store.path) }
        #expect(try query("SELECT count(*) AS n FROM documents") == [[.integer(1)]])
        let result = try Store.readOnlyQuery("SELECT 1 AS a, 2.5 AS b, 'x' AS c, NULL AS d, x'00ff' AS e", databasePath: store.path)
        #expect(result.columns == ["a", "b", "c", "d", "e"])
        #expect(result.rows == [[.integer(1), .real(2.5), .text("x"), .null, .blob(Data([0, 255]))]])
    }

    @Test func missingDatabaseIsAClearError() {
        let path = dir.appendingPathComponent("nothing.db").path
        #expect(throws: StoreError.self) { try Store(path: path, create: false) }
        do { _ = try Store.readOnlyQuery("SELECT 1", databasePath: path) } catch {
            #expect(error.description.contains(path))
        }
    }

    @Test func ftsQueryQuotesEverything() {
        #expect(FTSQuery.make("net 30 \"late fee\"") == "\"net\" OR \"30\" OR \"late fee\"")
        #expect(FTSQuery.make("a\"b", matchAll: true) == "\"a\" AND \"b\"")
        #expect(FTSQuery.make("  -- ** ") == nil)
        // Function words are dropped from any-word queries unless nothing else is left.
        #expect(
            FTSQuery.make("Which state's law governs the agreement with Nike?") == "\"state\" OR \"law\" OR \"governs\" OR \"agreement\" OR \"Nike?\""
        )
        #expect(FTSQuery.make("the who") == "\"the\" OR \"who\"")
        #expect(FTSQuery.make("the \"state of the art\"") == "\"state of the art\"")
        #expect(FTSQuery.make("terms of the deal", matchAll: true) == "\"terms\" AND \"of\" AND \"the\" AND \"deal\"")
    }
}
