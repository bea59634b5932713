import Documents
import Foundation
import QuarryTestSupport
import Store
import Testing

@testable import QuarryKit

/// `TableExtraction` over a few fixtures copied to a scratch folder, with the installed encoder.
@Suite(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
struct TableExtractionTests {
    let encoder = TestModels.encoder!
    /// A PDF with non-ASCII text, a plain-text receipt and a Markdown invoice.
    static let sample = [
        "documents/invoice-kestrel-maschinenbau-2024-0815.pdf", "documents/receipt-weber-baustoffe-1.txt",
        "documents/invoice-nightjar-studio-nj-2024-007.md",
    ]
    static let invoiceSchema = Paths.fixture("schemas/invoice.json")

    func extract(_ ws: ScratchWorkspace, schema: String = Self.invoiceSchema, replace: Bool = false) throws(QuarryError) -> ExtractReport {
        var request = ExtractRequest(schemaPath: schema, table: "invoices", paths: [ws.docs.path])
        request.replace = replace
        return try TableExtraction(store: ws.store, encoder: encoder).run(request)
    }

    /// The invoice schema with one edit, written to the workspace (outside the documents folder).
    func schema(_ ws: ScratchWorkspace, _ name: String, replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOfFile: Self.invoiceSchema, encoding: .utf8)
        #expect(text.contains(old), "the invoice schema no longer has \(old)")
        let path = ws.dir.appendingPathComponent(name).path
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The stored rows by file name.
    func rows(_ ws: ScratchWorkspace) throws -> [String: ResultRow] {
        var rows: [String: ResultRow] = [:]
        for record in try ws.store.documents() {
            if let row = try ws.store.storedRow(table: "invoices", documentID: record.id) {
                rows[(record.path as NSString).lastPathComponent] = row
            }
        }
        return rows
    }

    @Test func extractsARowPerDocumentWithExactEvidenceAndARerunDoesNothing() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        try ws.write("x.pdf", Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }))
        let report = try extract(ws)
        #expect(report.tableChange == "created" && report.table == "invoices")
        // The corrupt PDF is reported, and the others still get rows.
        #expect(report.ingest.failed == 1 && report.ingest.ingested == 3)
        #expect(report.ingest.failures.map { ($0.path as NSString).lastPathComponent } == ["x.pdf"])
        #expect(report.documents == 3 && report.extracted == 3 && report.upToDate == 0 && report.rows == 3)
        #expect(report.filled.map(\.field).contains("vendor") && report.filled.contains { $0.filled > 0 })
        let rows = try rows(ws)
        #expect(Set(rows.keys) == Set(Self.sample.map { ($0 as NSString).lastPathComponent }))

        // Every evidence quote is the page text at [start, end), counted in code points.
        var quotes = 0
        for record in try ws.store.documents() where record.status != .failed {
            let pages = try ws.store.pages(documentID: record.id)
            let row = try #require(try ws.store.storedRow(table: "invoices", documentID: record.id))
            for evidence in row.evidence {
                let page = try #require(pages.first { $0.number == evidence.location.page }, "\(record.path) page \(evidence.location.page)")
                let text = Array(page.text.unicodeScalars)
                #expect(
                    0 <= evidence.location.start && evidence.location.start < evidence.location.end && evidence.location.end <= text.count,
                    "\(evidence)")
                guard 0 <= evidence.location.start, evidence.location.start <= evidence.location.end, evidence.location.end <= text.count else {
                    continue
                }
                #expect(
                    String(String.UnicodeScalarView(text[evidence.location.start..<evidence.location.end])) == evidence.quote,
                    "\(record.path): \(evidence.field)")
                quotes += 1
            }
        }
        #expect(quotes >= 3, "every document should have some evidence")

        let again = try extract(ws)
        #expect(again.extracted == 0 && again.upToDate == 3 && again.rows == 3 && again.tableChange == "unchanged")
        #expect(again.ingest.unchanged == 3 && again.ingest.failed == 1)
        #expect(try self.rows(ws) == rows)
    }

    @Test func aNewFieldIsExtractedAloneAndAnIncompatibleChangeNeedsReplace() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let numberLine = #"    "invoice_number": {"type": "string", "description": "The invoice or receipt number that identifies the document."},"#
        let without = try schema(ws, "without-number.json", replacing: numberLine + "\n", with: "")
        let first = try extract(ws, schema: without)
        #expect(first.tableChange == "created" && first.extracted == 3)
        #expect(try ws.store.resultTableLayout("invoices")?.columns.contains { $0.name == "invoice_number" } == false)
        let before = try rows(ws)

        // The field comes back: a column is added and only that field is extracted.
        let added = try extract(ws)
        #expect(added.tableChange.hasPrefix("added") && added.tableChange == "added: invoice_number", "\(added.tableChange)")
        #expect(added.extracted == 3 && added.upToDate == 0 && added.rows == 3)
        #expect(added.filled.filter { $0.field != "invoice_number" }.allSatisfy { $0.filled == 0 }, "\(added.filled)")
        #expect(added.filled.first { $0.field == "invoice_number" }?.filled ?? 0 > 0, "no invoice number found in \(added.filled)")
        let after = try rows(ws)
        #expect(Set(after.keys) == Set(before.keys))
        for (name, old) in before {
            let new = try #require(after[name])
            #expect(new.cells.keys.contains("invoice_number"))
            #expect(new.cells.filter { $0.key != "invoice_number" } == old.cells, "\(name)")
            #expect(new.children == old.children, "\(name)")
            #expect(new.evidence.filter { $0.field != "invoice_number" } == old.evidence, "\(name)")
        }
        #expect(try extract(ws).extracted == 0)

        // A field changing type cannot evolve the table: refused, saying it can be rebuilt, unless asked to rebuild.
        let retyped = try schema(ws, "retyped.json", replacing: #""payment_terms": {"type": "string""#, with: #""payment_terms": {"type": "integer""#)
        do {
            _ = try extract(ws, schema: retyped)
            Issue.record("an incompatible schema change was accepted")
        } catch {
            guard case .store(.incompatibleTable(let name, _)) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(name == "invoices")
            #expect(error.description.contains("rebuild this one") && error.description.contains("payment_terms"), "\(error)")
        }
        #expect(try rows(ws) == after, "a refused change must leave the table as it was")
        let rebuilt = try extract(ws, schema: retyped, replace: true)
        #expect(rebuilt.tableChange == "created" && rebuilt.extracted == 3 && rebuilt.rows == 3)
        #expect(try ws.store.resultTableLayout("invoices")?.columns.first { $0.name == "payment_terms" }?.type == .integer)
    }
}
