import Documents
import Foundation
import Testing

@testable import Store

/// Result tables on a fresh store, with documents made by `StoreTests`' helpers.
@Suite struct ResultTableTests {
    let base: StoreTests
    var store: Store { base.store }

    init() throws { base = try StoreTests() }

    let invoices = ResultTableLayout(
        name: "invoices",
        columns: [
            ResultColumn(name: "number", type: .text), ResultColumn(name: "total", type: .real),
            ResultColumn(name: "pages", type: .integer),
        ],
        children: [
            ChildTableLayout(
                name: "line_items",
                columns: [
                    ResultColumn(name: "description", type: .text),
                    ResultColumn(name: "amount", type: .real),
                ])
        ])

    func addDocument(_ path: String, sha: String = "aa", text: String = "Invoice INV-1 total 12.50") throws -> Int64 {
        try store.replaceDocument(base.stamp(path, sha), document: base.document([text]), chunks: [])
    }

    func row(
        _ id: Int64, number: String = "INV-1", total: Double = 12.5, items: [(String, Double)] = [("pen", 12.5)],
        issues: [CellIssue] = []
    ) -> ResultRow {
        ResultRow(
            documentID: id,
            cells: ["number": .text(number), "total": .real(total), "pages": .integer(1)],
            children: ["line_items": items.map { ["description": .text($0.0), "amount": .real($0.1)] }],
            evidence: [
                Evidence(
                    field: "number", location: Location(page: 1, start: 8, end: 13), quote: number,
                    box: Box(x0: 1, y0: 2, x1: 3, y1: 4)),
                Evidence(field: "total", location: Location(page: 1, start: 20, end: 25), quote: "\(total)", confidence: 0.75),
            ]
                + items.indices.map { Evidence(field: "line_items[\($0)].amount", location: Location(page: 1, start: 0, end: 3), quote: "pen") },
            issues: issues)
    }

    func count(_ table: String) throws -> SQLValue { try base.query("SELECT count(*) FROM \"\(table)\"")[0][0] }

    @Test func createsTypedTablesWithCompanions() throws {
        #expect(try store.prepareResultTable(invoices) == .created)
        #expect(
            try base.query("SELECT name, type, \"notnull\" FROM pragma_table_info('invoices') ORDER BY cid") == [
                [.text("id"), .text("INTEGER"), .integer(0)], [.text("document_id"), .text("INTEGER"), .integer(1)],
                [.text("document_path"), .text("TEXT"), .integer(1)], [.text("model"), .text("TEXT"), .integer(1)],
                [.text("extracted_at"), .text("TEXT"), .integer(1)], [.text("number"), .text("TEXT"), .integer(0)],
                [.text("total"), .text("REAL"), .integer(0)], [.text("pages"), .text("INTEGER"), .integer(0)],
            ])
        #expect(
            try base.query("SELECT name, type FROM pragma_table_info('invoices__line_items') ORDER BY cid") == [
                [.text("id"), .text("INTEGER")], [.text("row_id"), .text("INTEGER")], [.text("item_index"), .text("INTEGER")],
                [.text("description"), .text("TEXT")], [.text("amount"), .text("REAL")],
            ])
        #expect(
            try base.query("SELECT name FROM pragma_table_info('invoices__evidence') ORDER BY cid").map { $0[0] }
                == [
                    "row_id", "field", "value_index", "document_id", "page_number", "start", "end", "quote",
                    "x0", "y0", "x1", "y1", "confidence",
                ].map(SQLValue.text))
        #expect(
            try base.query("SELECT name FROM pragma_table_info('invoices__issues') ORDER BY cid").map { $0[0] }
                == ["row_id", "field", "rule", "message"].map(SQLValue.text))
        for companion in ["invoices__line_items", "invoices__evidence", "invoices__issues"] {
            #expect(
                try base.query("SELECT \"table\", \"to\", on_delete FROM pragma_foreign_key_list('\(companion)')")
                    == [[.text("invoices"), .text("id"), .text("CASCADE")]], "\(companion)")
        }
        #expect(try base.query("SELECT count(*) FROM pragma_index_list('invoices__evidence')") == [[.integer(1)]])
        #expect(try store.resultTableLayout("invoices") == invoices)
        #expect(try store.resultTableLayout("nothing") == nil)
        #expect(try store.prepareResultTable(invoices) == .unchanged)
        #expect(try store.resultTables() == ["invoices"])
    }

    @Test func writesRowsAndReadsThemBack() throws {
        try store.prepareResultTable(invoices)
        let a = try addDocument("/a.pdf"), b = try addDocument("/b.pdf")
        let issue = CellIssue(field: "total", rule: "sum", message: "line items add up to 12.5, not 13")
        let rowA = row(a, items: [("pen", 5), ("ink", 7.5)], issues: [issue])
        try store.writeResults(
            table: "invoices", rows: [rowA, row(b, number: "INV-2")], model: "span-v1",
            fields: invoices.fields)
        #expect(try store.storedRow(table: "invoices", documentID: a) == rowA)
        #expect(try store.storedRow(table: "invoices", documentID: b)?.cells["number"] == .text("INV-2"))
        #expect(
            try base.query("SELECT document_path, model FROM invoices ORDER BY document_id")
                == [[.text("/a.pdf"), .text("span-v1")], [.text("/b.pdf"), .text("span-v1")]])
        #expect(
            try base.query(
                """
                SELECT i.item_index, i.description, i.amount FROM invoices__line_items i JOIN invoices r ON r.id = i.row_id
                WHERE r.document_id = \(a) ORDER BY i.item_index
                """) == [[.integer(0), .text("pen"), .real(5)], [.integer(1), .text("ink"), .real(7.5)]])
        #expect(
            try base.query("SELECT x0, y1, document_id FROM invoices__evidence WHERE field = 'number' ORDER BY row_id")
                == [[.real(1), .real(4), .integer(a)], [.real(1), .real(4), .integer(b)]])
        // Each value's confidence, where the extractor gave one, is a column to filter and sort by.
        #expect(
            try base.query("SELECT field, confidence FROM invoices__evidence WHERE row_id = 1 AND field IN ('number', 'total') ORDER BY field")
                == [[.text("number"), .null], [.text("total"), .real(0.75)]])
        #expect(
            try base.query("SELECT fields, document_sha256, model FROM result_extractions WHERE document_id = \(a)")
                == [[.text(#"["number","total","pages","line_items"]"#), .text("aa"), .text("span-v1")]])
        let extractedAt = try base.query("SELECT extracted_at FROM invoices LIMIT 1")[0][0]
        guard case .text(let stamp) = extractedAt else { Issue.record("no timestamp"); return }
        #expect(stamp.hasSuffix("Z") && (try? Date(stamp, strategy: .iso8601)) != nil)
        #expect(try store.storedRow(table: "invoices", documentID: 999) == nil)
    }

    @Test func anEvidenceTableFromBeforeConfidencesGainsTheColumn() throws {
        try store.prepareResultTable(invoices)
        try store.pool.write { db in try db.execute(sql: "ALTER TABLE invoices__evidence DROP COLUMN confidence") }
        let a = try addDocument("/a.pdf")
        #expect(try store.prepareResultTable(invoices) == .unchanged)
        try store.writeResults(table: "invoices", rows: [row(a)], model: "span-v1", fields: invoices.fields)
        #expect(try store.storedRow(table: "invoices", documentID: a) == row(a))
    }

    @Test func rewritingReplacesTheRowAndCascades() throws {
        try store.prepareResultTable(invoices)
        let a = try addDocument("/a.pdf")
        try store.writeResults(
            table: "invoices",
            rows: [
                row(
                    a, items: [("pen", 5), ("ink", 7.5)],
                    issues: [CellIssue(field: "total", rule: "r", message: "m")])
            ],
            model: "m1", fields: invoices.fields)
        #expect(try count("invoices__evidence") == .integer(4))
        let second = row(a, number: "INV-9", items: [("paper", 1)])
        try store.writeResults(table: "invoices", rows: [second], model: "m1", fields: invoices.fields)
        #expect(try store.storedRow(table: "invoices", documentID: a) == second)
        #expect(try count("invoices") == .integer(1))
        #expect(try count("invoices__evidence") == .integer(3))
        #expect(try count("invoices__line_items") == .integer(1))
        #expect(try count("invoices__issues") == .integer(0))
        // Re-ingesting the file deletes the document, and foreign keys take its row and everything under it.
        _ = try addDocument("/a.pdf", sha: "bb")
        for table in ["invoices", "invoices__evidence", "invoices__line_items", "result_extractions"] {
            #expect(try count(table) == .integer(0), "\(table)")
        }
    }

    @Test func addedFieldsArePendingOnlyForWhatIsMissing() throws {
        try store.prepareResultTable(invoices)
        let a = try addDocument("/a.pdf"), b = try addDocument("/b.pdf")
        try store.writeResults(table: "invoices", rows: [row(a), row(b)], model: "m1", fields: invoices.fields)
        #expect(try store.pendingFields(table: "invoices", documentIDs: [a, b], model: "m1", fields: invoices.fields).isEmpty)

        let grown = ResultTableLayout(
            name: "invoices", columns: invoices.columns + [ResultColumn(name: "due", type: .text)],
            children: [
                ChildTableLayout(
                    name: "line_items",
                    columns: invoices.children[0].columns
                        + [ResultColumn(name: "quantity", type: .integer)]),
                ChildTableLayout(name: "taxes", columns: [ResultColumn(name: "rate", type: .real)]),
            ])
        #expect(try store.prepareResultTable(grown) == .addedColumns(["due", "line_items.quantity", "taxes"]))
        #expect(try store.resultTableLayout("invoices") == grown)
        #expect(try base.query("SELECT type FROM pragma_table_info('invoices') WHERE name = 'due'") == [[.text("TEXT")]])
        #expect(try base.query("SELECT count(*) FROM pragma_table_info('invoices__taxes')") == [[.integer(4)]])
        #expect(try store.storedRow(table: "invoices", documentID: a)?.cells["number"] == .text("INV-1"))

        let c = try addDocument("/c.pdf")
        let pending = try store.pendingFields(table: "invoices", documentIDs: [a, b, c], model: "m1", fields: grown.fields)
        #expect(pending == [a: ["due", "taxes"], b: ["due", "taxes"], c: grown.fields])
        #expect(
            try store.pendingFields(table: "invoices", documentIDs: [a, c], model: "m2", fields: grown.fields)
                == [a: grown.fields, c: grown.fields])
        #expect(try store.pendingFields(table: "elsewhere", documentIDs: [a], model: "m1", fields: ["x"]) == [a: ["x"]])

        try store.writeResults(
            table: "invoices", rows: [ResultRow(documentID: a, cells: ["due": .text("2024-05-01")])],
            model: "m1", fields: ["due", "taxes"])
        #expect(
            try store.pendingFields(table: "invoices", documentIDs: [a, b], model: "m1", fields: grown.fields)
                == [b: ["due", "taxes"]])
        // Re-ingesting a document makes everything pending again.
        let a2 = try addDocument("/a.pdf", sha: "changed")
        #expect(try store.pendingFields(table: "invoices", documentIDs: [a2], model: "m1", fields: grown.fields) == [a2: grown.fields])
    }

    @Test func partialWriteKeepsOtherColumnsAndTheirEvidence() throws {
        try store.prepareResultTable(invoices)
        let a = try addDocument("/a.pdf")
        try store.writeResults(
            table: "invoices",
            rows: [
                row(
                    a, items: [("pen", 5), ("ink", 7.5)],
                    issues: [CellIssue(field: "number", rule: "r", message: "old")])
            ],
            model: "m1", fields: invoices.fields)
        let newIssue = CellIssue(field: "total", rule: "positive", message: "new")
        let update = ResultRow(
            documentID: a, cells: ["total": .real(99), "number": .text("IGNORED")],
            evidence: [
                Evidence(field: "total", valueIndex: 0, location: Location(page: 1, start: 1, end: 3), quote: "99"),
                Evidence(field: "number", location: Location(page: 1, start: 0, end: 1), quote: "IGNORED"),
            ],
            issues: [newIssue])
        try store.writeResults(table: "invoices", rows: [update], model: "m1", fields: ["total"])
        let stored = try #require(try store.storedRow(table: "invoices", documentID: a))
        #expect(stored.cells == ["number": .text("INV-1"), "total": .real(99), "pages": .integer(1)])
        #expect(stored.children["line_items"]?.count == 2)
        #expect(stored.evidence.filter { $0.field == "total" }.map(\.quote) == ["99"])
        #expect(stored.evidence.filter { $0.field == "number" }.map(\.quote) == ["INV-1"])
        #expect(stored.evidence.filter { $0.field.hasPrefix("line_items[") }.count == 2)
        #expect(stored.issues == [newIssue])
        #expect(try base.query("SELECT fields FROM result_extractions") == [[.text(#"["number","total","pages","line_items"]"#)]])

        // A partial write of a list field replaces its child rows and their evidence only.
        try store.writeResults(
            table: "invoices", rows: [row(a, number: "IGNORED", items: [("paper", 3)])],
            model: "m1", fields: ["line_items"])
        let after = try #require(try store.storedRow(table: "invoices", documentID: a))
        #expect(after.children["line_items"] == [["description": .text("paper"), "amount": .real(3)]])
        #expect(after.evidence.map(\.field).sorted() == ["line_items[0].amount", "number", "total"])
        #expect(after.cells["number"] == .text("INV-1") && after.cells["total"] == .real(99))
        #expect(after.issues.isEmpty)
    }

    @Test func incompatibleChangesAreRefusedWithAdvice() throws {
        try store.prepareResultTable(invoices)
        let retyped = ResultTableLayout(
            name: "invoices",
            columns: [
                ResultColumn(name: "number", type: .text),
                ResultColumn(name: "total", type: .text),
                ResultColumn(name: "pages", type: .integer),
            ],
            children: invoices.children)
        let removed = ResultTableLayout(name: "invoices", columns: Array(invoices.columns.prefix(2)), children: invoices.children)
        let noChild = ResultTableLayout(name: "invoices", columns: invoices.columns)
        let listToValue = ResultTableLayout(name: "invoices", columns: invoices.columns + [ResultColumn(name: "line_items", type: .text)])
        for (layout, words) in [
            (retyped, "total changed type from REAL to TEXT"), (removed, "no longer has the field pages"),
            (noChild, "no longer has the list field line_items"), (listToValue, "from a list to a single value"),
        ] {
            let error = #expect(throws: StoreError.self) { try store.prepareResultTable(layout) }
            guard case .incompatibleTable(let name, let reason)? = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(name == "invoices")
            #expect(reason.contains(words), "\(reason)")
            #expect(error?.description.contains("extract into a new table") == true)
            #expect(error?.description.contains("rebuild this one") == true)
        }
        // A refused change leaves the table as it was, even when it would also have added columns.
        let mixed = ResultTableLayout(
            name: "invoices", columns: [ResultColumn(name: "due", type: .text)] + retyped.columns,
            children: invoices.children)
        #expect(throws: StoreError.self) { try store.prepareResultTable(mixed) }
        #expect(try store.resultTableLayout("invoices") == invoices)
        #expect(try base.query("SELECT count(*) FROM pragma_table_info('invoices') WHERE name = 'due'") == [[.integer(0)]])
    }

    @Test func invalidNamesAreRejected() throws {
        for name in [
            "", "1abc", "a-b", "a b", "ünï", "sqlite_master", "SQLITE_x", "a__b", "documents", "Documents", "pages",
            "chunks", "chunks_fts", "chunks_fts_data", "chunk_vectors", "runs", "metrics", "result_tables",
            "result_extractions", "grdb_migrations", "invoices_",
        ] {
            let error = #expect(throws: StoreError.self, "\(name)") {
                try store.prepareResultTable(ResultTableLayout(name: name, columns: []))
            }
            guard case .invalidTableName(let n, _)? = error else { Issue.record("\(name): \(String(describing: error))"); continue }
            #expect(n == name)
        }
        let bad: [ResultTableLayout] = [
            ResultTableLayout(name: "t", columns: [ResultColumn(name: "id", type: .integer)]),
            ResultTableLayout(name: "t", columns: [ResultColumn(name: "Model", type: .text)]),
            ResultTableLayout(name: "t", columns: [ResultColumn(name: "a", type: .text), ResultColumn(name: "A", type: .real)]),
            ResultTableLayout(name: "t", columns: [], children: [ChildTableLayout(name: "evidence", columns: [])]),
            ResultTableLayout(name: "t", columns: [], children: [ChildTableLayout(name: "a__b", columns: [])]),
            ResultTableLayout(
                name: "t", columns: [], children: [ChildTableLayout(name: "x", columns: [ResultColumn(name: "row_id", type: .integer)])]),
            ResultTableLayout(name: "t", columns: [ResultColumn(name: "x", type: .text)], children: [ChildTableLayout(name: "x", columns: [])]),
        ]
        for layout in bad {
            let error = #expect(throws: StoreError.self) { try store.prepareResultTable(layout) }
            guard case .invalidLayout? = error else { Issue.record("\(layout): \(String(describing: error))"); continue }
        }
        #expect(try store.resultTables().isEmpty)
        #expect(try store.prepareResultTable(ResultTableLayout(name: "_ok_2", columns: [])) == .created)
    }

    @Test func identifiersAreQuoted() throws {
        let odd = ResultTableLayout(
            name: "select",
            columns: [
                ResultColumn(name: "order", type: .text),
                ResultColumn(name: "amount (EUR)", type: .real),
                ResultColumn(name: "say \"hi\"", type: .text),
            ],
            children: [ChildTableLayout(name: "group", columns: [ResultColumn(name: "from", type: .integer)])])
        try store.prepareResultTable(odd)
        let a = try addDocument("/a.pdf")
        let written = ResultRow(
            documentID: a, cells: ["order": .text("1"), "amount (EUR)": .real(2), "say \"hi\"": .text("hi")],
            children: ["group": [["from": .integer(3)]]],
            evidence: [Evidence(field: "group[0].from", location: Location(page: 1, start: 0, end: 1), quote: "3")])
        try store.writeResults(table: "select", rows: [written], model: "m", fields: odd.fields)
        #expect(try store.storedRow(table: "select", documentID: a) == written)
        try store.writeResults(
            table: "select", rows: [ResultRow(documentID: a, cells: [:], children: ["group": []])],
            model: "m", fields: ["group"])
        #expect(try store.storedRow(table: "select", documentID: a)?.evidence.isEmpty == true)
        #expect(try store.storedRow(table: "select", documentID: a)?.cells["say \"hi\""] == .text("hi"))
    }

    @Test func writesAreCheckedAgainstTheLayout() throws {
        try store.prepareResultTable(invoices)
        let a = try addDocument("/a.pdf")
        let cases: [(ResultRow, [String])] = [
            (ResultRow(documentID: a, cells: ["nope": .null]), invoices.fields),
            (ResultRow(documentID: a, cells: [:], children: ["line_items": [["nope": .null]]]), invoices.fields),
            (
                ResultRow(
                    documentID: a, cells: [:], evidence: [Evidence(field: "nope[0].x", location: Location(page: 1, start: 0, end: 0), quote: "")]),
                invoices.fields
            ),
            (ResultRow(documentID: a, cells: [:]), ["total", "nope"]),
        ]
        for (row, fields) in cases {
            let error = #expect(throws: StoreError.self) {
                try store.writeResults(table: "invoices", rows: [row], model: "m", fields: fields)
            }
            guard case .unknownField(let table, let field)? = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(table == "invoices")
            #expect(["nope", "line_items.nope", "nope[0].x"].contains(field), "\(field)")
        }
        // One bad row leaves nothing behind from the good ones before it.
        let error = #expect(throws: StoreError.self) {
            try store.writeResults(table: "invoices", rows: [row(a), row(12345)], model: "m", fields: invoices.fields)
        }
        guard case .unknownDocument(12345)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(try count("invoices") == .integer(0))
        #expect(throws: StoreError.self) { try store.writeResults(table: "nothing", rows: [], model: "m", fields: []) }
        #expect(throws: StoreError.self) { try store.storedRow(table: "nothing", documentID: a) }
    }

    @Test func replaceDropsTheTableAndItsBookkeeping() throws {
        try store.prepareResultTable(invoices)
        let a = try addDocument("/a.pdf")
        try store.writeResults(table: "invoices", rows: [row(a)], model: "m1", fields: invoices.fields)
        let other = ResultTableLayout(name: "receipts", columns: [ResultColumn(name: "shop", type: .text)])
        try store.prepareResultTable(other)
        try store.writeResults(
            table: "receipts", rows: [ResultRow(documentID: a, cells: ["shop": .text("Aldi")])],
            model: "m1", fields: other.fields)

        let rebuilt = ResultTableLayout(name: "Invoices", columns: [ResultColumn(name: "total", type: .text)])
        #expect(try store.prepareResultTable(rebuilt, replace: true) == .created)
        #expect(try store.resultTableLayout("invoices") == rebuilt)
        #expect(try count("invoices") == .integer(0))
        #expect(
            try base.query(
                """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'invoices%' ORDER BY name
                """) == [[.text("Invoices")], [.text("Invoices__evidence")], [.text("Invoices__issues")]])
        #expect(try base.query("SELECT table_name FROM result_extractions") == [[.text("receipts")]])
        #expect(try store.pendingFields(table: "invoices", documentIDs: [a], model: "m1", fields: rebuilt.fields) == [a: ["total"]])
        #expect(try store.storedRow(table: "receipts", documentID: a)?.cells == ["shop": .text("Aldi")])
        // Replacing a table that does not exist yet simply creates it.
        #expect(try store.prepareResultTable(ResultTableLayout(name: "fresh", columns: []), replace: true) == .created)
    }
}
