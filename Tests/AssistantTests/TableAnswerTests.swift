import Documents
import Foundation
import QuarryTestSupport
import Store
import Testing

@testable import Assistant

@Suite struct TableQueryTests {
    static let invoices = ResultTableLayout(
        name: "invoices",
        columns: [
            ResultColumn(name: "vendor", type: .text), ResultColumn(name: "invoice_date", type: .text),
            ResultColumn(name: "due_date", type: .text), ResultColumn(name: "subtotal", type: .real),
            ResultColumn(name: "tax", type: .real), ResultColumn(name: "total", type: .real),
        ])

    func parse(_ q: String, holding: [String: String] = ["Acme": "vendor"]) -> TableQuery? {
        TableQuery.parse(q, tables: [Self.invoices]) { _, column, text in holding[text] == column }
    }

    @Test func countsWithNameAndAmountConditions() throws {
        let q = try #require(parse("How many invoices from Acme are over $1,000?"))
        #expect(q.table == "invoices" && q.computation == .count && q.column == "total")
        #expect(q.conditions == [.greater(column: "total", than: 1000, orEqual: false), .contains(column: "vendor", text: "Acme")])
        #expect(
            q.sql
                == #"SELECT "id", "document_id", "document_path", "total", "vendor" FROM "invoices" WHERE "total" > 1000.0 AND "vendor" LIKE '%Acme%' ORDER BY id"#
        )
    }

    @Test func sumsAveragesExtremesAndRows() throws {
        #expect(
            parse("What is the sum of the tax of invoices in 2023?")
                == TableQuery(table: "invoices", computation: .sum, column: "tax", shown: ["tax"], conditions: [.year(column: "invoice_date", 2023)]))
        #expect(parse("Average total of invoices due in 2024 by due date?")?.conditions == [.year(column: "due_date", 2024)])
        #expect(parse("Which invoice has the largest total?")?.computation == .largest)
        #expect(parse("cheapest invoice at most 50")?.conditions == [.less(column: "total", than: 50, orEqual: true)])
        let rows = try #require(parse("What is the due date of the Acme invoice?"))
        #expect(rows.computation == .rows && rows.shown == ["due_date", "total", "vendor"])
    }

    @Test func notATableQuestion() {
        #expect(parse("Who signed the lease?") == nil)  // no table named
        #expect(parse("Which invoices mention Zeta Corp?") == nil)  // a name no row holds: ask the text
        #expect(parse("Tell me about invoices") == nil)  // nothing to compute or filter
        #expect(parse("How many invoices are there?")?.computation == .count)
    }

    @Test func quotesInNamesCannotBreakTheSQL() {
        let q = parse("How many invoices from \"O'Brien%\" are there?", holding: ["O'Brien%": "vendor"])
        #expect(q?.sql.contains("LIKE '%O''Brien%'") == true)
    }
}

/// Answers from a stored result table, with the rows' evidence as citations.
@Suite struct TableAnswererTests {
    @Test func answersFromTheTableAndCitesVerifiedEvidence() throws {
        let dir = try Paths.scratch("tables")
        let store = try Store(path: dir.appendingPathComponent("q.db").path)
        let texts = [
            "Invoice from Acme Ltd. Total due: 1500.00", "Invoice from Acme Ltd. Total due: 200.00", "Invoice from Beta GmbH. Total due: 3000.00",
        ]
        var rows: [ResultRow] = []
        for (i, text) in texts.enumerated() {
            let doc = Document(kind: .text, pages: [Page(number: 1, text: text)])
            let id = try store.replaceDocument(
                FileStamp(path: "/d/inv\(i).txt", sha256: "\(i)", size: 1, mtime: 0), document: doc,
                chunks: Chunker().chunks(of: doc))
            let s = Array(text.unicodeScalars)
            func evidence(_ field: String, _ quote: String) -> Evidence {
                let start = (0...(s.count - quote.unicodeScalars.count)).first {
                    String(String.UnicodeScalarView(s[$0..<($0 + quote.unicodeScalars.count)])) == quote
                }!
                return Evidence(field: field, location: Location(page: 1, start: start, end: start + quote.unicodeScalars.count), quote: quote)
            }
            let vendor = i < 2 ? "Acme Ltd" : "Beta GmbH", total = [1500.0, 200, 3000][i]
            rows.append(
                ResultRow(
                    documentID: id, cells: ["vendor": .text(vendor), "total": .real(total)],
                    evidence: [evidence("vendor", vendor), evidence("total", String(format: "%.2f", total))]))
        }
        let layout = ResultTableLayout(
            name: "invoices", columns: [ResultColumn(name: "vendor", type: .text), ResultColumn(name: "total", type: .real)])
        _ = try store.prepareResultTable(layout)
        try store.writeResults(table: "invoices", rows: rows, model: "test", fields: layout.fields)

        let assistant = Assistant(store: store, encoder: nil)
        var o = Assistant.Options()
        o.retrieval = .lexical
        let count = try assistant.ask("How many invoices from Acme are over 1,000?", options: o)
        #expect(count.answer == "1 row of invoices where total > 1000 and vendor contains \"Acme\".")
        #expect(
            count.sql != nil && count.citations.count == 2 && count.citations.allSatisfy { $0.table == "invoices" && $0.document == "/d/inv0.txt" })
        #expect(count.citations.map(\.quote).sorted() == ["1500.00", "Acme Ltd"])
        let sum = try assistant.ask("What is the sum of the totals of the Acme invoices?", options: o)
        #expect(sum.answer.hasPrefix("The sum of total is 1700 over 2 rows"))
        let largest = try assistant.ask("Which invoice has the largest total?", options: o)
        #expect(largest.answer == "The largest total in invoices: inv2.txt: total 3000." && largest.citations.first?.quote == "3000.00")
        o.filter = RetrievalFilter(documents: ["inv1.txt"])
        #expect(try assistant.ask("How many invoices are there?", options: o).answer == "1 row of invoices.")
        // Not about the table: the text answers.
        o.filter = RetrievalFilter()
        #expect(try assistant.ask("Who is Beta GmbH?", options: o).sql == nil)
        o.useTables = false
        #expect(try assistant.ask("How many invoices are there?", options: o).sql == nil)
    }
}
