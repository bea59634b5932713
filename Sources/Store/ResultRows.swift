import Documents
import Foundation
internal import GRDB

/// A validation problem of a stored row.
public struct CellIssue: Sendable, Equatable {
    public let field: String
    public let rule: String
    public let message: String

    public init(field: String, rule: String, message: String) {
        self.field = field; self.rule = rule; self.message = message
    }
}

/// One extracted row ready to store (or read back with `storedRow`).
public struct ResultRow: Sendable, Equatable {
    public let documentID: Int64
    /// Top-level column → value.
    public var cells: [String: SQLValue]
    /// Child table name → its rows in order, each column → value.
    public var children: [String: [[String: SQLValue]]]
    public var evidence: [Evidence]
    public var issues: [CellIssue]

    public init(
        documentID: Int64, cells: [String: SQLValue], children: [String: [[String: SQLValue]]] = [:],
        evidence: [Evidence] = [], issues: [CellIssue] = []
    ) {
        self.documentID = documentID; self.cells = cells; self.children = children
        self.evidence = evidence; self.issues = issues
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .double(let v): self = .real(v)
        case .string(let v): self = .text(v)
        case .blob(let v): self = .blob(v)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .blob(let v): v.databaseValue
        }
    }
}

extension Store {
    /// For each document id, the fields (top-level column names and child table names, in the
    /// order of `fields`) it still needs under `model`: all of `fields` when the document has no
    /// row, its row was made by another model, or its content changed since extraction; otherwise
    /// only those not extracted yet. Documents needing nothing are absent. When the table does
    /// not exist yet, every document needs every field.
    public func pendingFields(
        table: String, documentIDs: [Int64], model: String,
        fields: [String]
    ) throws(StoreError) -> [Int64: [String]] {
        guard !fields.isEmpty else { return [:] }
        return try guarded {
            try pool.read { db in
                var pending: [Int64: [String]] = [:]
                for id in documentIDs { pending[id] = fields }
                guard !documentIDs.isEmpty, let layout = try Self.storedLayout(table, db) else { return pending }
                let list = Set(documentIDs).map(String.init).joined(separator: ",")
                let records = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT e.document_id, e.model, e.fields, e.document_sha256 = d.sha256 AS current
                        FROM result_extractions e
                        JOIN documents d ON d.id = e.document_id
                        JOIN \(layout.name.sqlIdentifier) r ON r.document_id = e.document_id
                        WHERE e.table_name = ? AND e.document_id IN (\(list))
                        """, arguments: [layout.name])
                for record in records {
                    let id: Int64 = record["document_id"]
                    let sameModel = (record["model"] as String) == model, current: Bool = record["current"]
                    guard sameModel, current else { continue }
                    let done = Set(try Self.decodeFields(record["fields"]))
                    let needed = fields.filter { !done.contains($0) }
                    pending[id] = needed.isEmpty ? nil : needed
                }
                return pending
            }
        }
    }

    /// The stored row of a document, for merging partial extractions: every user column (NULL ones
    /// as `.null`), the child rows in order, the evidence and the issues. nil when there is none.
    public func storedRow(table: String, documentID: Int64) throws(StoreError) -> ResultRow? {
        try guarded {
            try pool.read { db in
                let layout = try Self.requireLayout(table, db)
                let t = layout.name
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM \(t.sqlIdentifier) WHERE document_id = ?",
                        arguments: [documentID])
                else { return nil }
                let rowID: Int64 = row["id"]
                var cells: [String: SQLValue] = [:]
                for column in layout.columns { cells[column.name] = SQLValue(row[column.name] as DatabaseValue) }
                var children: [String: [[String: SQLValue]]] = [:]
                for child in layout.children {
                    children[child.name] = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM \(ResultNames.child(t, child.name).sqlIdentifier)
                            WHERE row_id = ? ORDER BY item_index, id
                            """, arguments: [rowID]
                    ).map { item in
                        var values: [String: SQLValue] = [:]
                        for column in child.columns { values[column.name] = SQLValue(item[column.name] as DatabaseValue) }
                        return values
                    }
                }
                let evidence = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM \(ResultNames.evidence(t).sqlIdentifier) WHERE row_id = ? ORDER BY rowid
                        """, arguments: [rowID]
                ).map { e in
                    let x0: Double? = e["x0"], y0: Double? = e["y0"], x1: Double? = e["x1"], y1: Double? = e["y1"]
                    var box: Box?
                    if let x0, let y0, let x1, let y1 { box = Box(x0: Float(x0), y0: Float(y0), x1: Float(x1), y1: Float(y1)) }
                    return Evidence(
                        field: e["field"], valueIndex: e["value_index"], location: Location(page: e["page_number"], start: e["start"], end: e["end"]),
                        quote: e["quote"], box: box, confidence: e.hasColumn("confidence") ? e["confidence"] : nil)
                }
                let issues = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT field, rule, message FROM \(ResultNames.issues(t).sqlIdentifier)
                        WHERE row_id = ? ORDER BY rowid
                        """, arguments: [rowID]
                ).map { i in
                    CellIssue(field: i["field"] ?? "", rule: i["rule"] ?? "", message: i["message"] ?? "")
                }
                return ResultRow(documentID: documentID, cells: cells, children: children, evidence: evidence, issues: issues)
            }
        }
    }

    /// Writes rows in one transaction. `fields` lists the fields (top-level column names and child
    /// table names) this extraction covered; only their cells, child rows and evidence are written,
    /// others in the rows are ignored. When a document already has a row and `fields` is a strict
    /// subset of the table's fields, only those columns, child tables and their evidence are
    /// replaced; otherwise the old row goes (with its children, evidence and issues) and the new
    /// one is inserted. Issues are always replaced by `row.issues`. Also records, per document,
    /// the model, the fields now extracted under it, the document's sha256 and the time.
    public func writeResults(table: String, rows: [ResultRow], model: String, fields: [String]) throws(StoreError) {
        let now = Self.iso(Date()) ?? ""
        try guarded {
            try pool.write { db in
                let layout = try Self.requireLayout(table, db)
                try Self.addConfidence(to: layout.name, db)
                let all = layout.fields
                let covered = Set(fields)
                if let unknown = fields.first(where: { !all.contains($0) }) {
                    throw StoreError.unknownField(table: layout.name, field: unknown)
                }
                let partial = covered.count < all.count
                let writer = ResultWriter(layout: layout, covered: covered, model: model, now: now, db: db)
                for row in rows {
                    try writer.check(row)
                    guard
                        let document = try Row.fetchOne(
                            db, sql: "SELECT path, sha256 FROM documents WHERE id = ?",
                            arguments: [row.documentID])
                    else {
                        throw StoreError.unknownDocument(id: row.documentID)
                    }
                    let path: String = document["path"], sha: String = document["sha256"]
                    var extracted = covered
                    if partial, let rowID = try writer.existingRow(row.documentID) {
                        try writer.update(row, rowID: rowID, path: path)
                        if let record = try Row.fetchOne(
                            db,
                            sql: """
                                SELECT model, fields, document_sha256 FROM result_extractions WHERE table_name = ? AND document_id = ?
                                """, arguments: [layout.name, row.documentID]),
                            record["model"] as String == model, record["document_sha256"] as String == sha
                        {
                            extracted.formUnion(try Self.decodeFields(record["fields"]))
                        }
                    } else {
                        try writer.insert(row, path: path)
                    }
                    let list = all.filter(extracted.contains)
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO result_extractions
                                (table_name, document_id, model, fields, document_sha256, extracted_at)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            layout.name, row.documentID, model,
                            String(decoding: try JSONEncoder().encode(list), as: UTF8.self), sha, now,
                        ])
                }
            }
        }
    }

    static func decodeFields(_ json: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(json.utf8))
    }
}

/// Writes rows of one result table within a transaction.
struct ResultWriter {
    let layout: ResultTableLayout
    let covered: Set<String>
    let model: String
    let now: String
    let db: Database

    var table: String { layout.name.sqlIdentifier }

    /// Throws `unknownField` for cells, child tables, child columns or evidence the layout lacks.
    func check(_ row: ResultRow) throws {
        func unknown(_ field: String) -> StoreError { .unknownField(table: layout.name, field: field) }
        for name in row.cells.keys where !layout.columns.contains(where: { $0.name == name }) { throw unknown(name) }
        for (name, items) in row.children {
            guard let child = layout.children.first(where: { $0.name == name }) else { throw unknown(name) }
            for item in items {
                for column in item.keys where !child.columns.contains(where: { $0.name == column }) {
                    throw unknown(name + "." + column)
                }
            }
        }
        for e in row.evidence where !layout.fields.contains(e.topField) { throw unknown(e.field) }
    }

    func existingRow(_ documentID: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM \(table) WHERE document_id = ?", arguments: [documentID])
    }

    /// The covered top-level columns with their values (NULL when the row has none).
    func coveredCells(_ row: ResultRow) -> [(name: String, value: DatabaseValue)] {
        layout.columns.filter { covered.contains($0.name) }.map { ($0.name, (row.cells[$0.name] ?? .null).databaseValue) }
    }

    func insert(_ row: ResultRow, path: String) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE document_id = ?", arguments: [row.documentID])
        let cells = coveredCells(row)
        let names =
            ["document_id", "document_path", "model", "extracted_at"].map(\.sqlIdentifier)
            + cells.map(\.name.sqlIdentifier)
        let values: [DatabaseValue] =
            [
                row.documentID.databaseValue, path.databaseValue, model.databaseValue,
                now.databaseValue,
            ] + cells.map(\.value)
        try db.execute(
            sql: """
                INSERT INTO \(table) (\(names.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))
                """, arguments: StatementArguments(values))
        try writeDependents(row, rowID: db.lastInsertedRowID)
    }

    func update(_ row: ResultRow, rowID: Int64, path: String) throws {
        let cells = coveredCells(row)
        let assignments = (["document_path", "model", "extracted_at"] + cells.map(\.name))
            .map { "\($0.sqlIdentifier) = ?" }
        let values: [DatabaseValue] =
            [path.databaseValue, model.databaseValue, now.databaseValue]
            + cells.map(\.value) + [rowID.databaseValue]
        try db.execute(
            sql: "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE id = ?",
            arguments: StatementArguments(values))
        for child in layout.children where covered.contains(child.name) {
            try db.execute(
                sql: "DELETE FROM \(ResultNames.child(layout.name, child.name).sqlIdentifier) WHERE row_id = ?",
                arguments: [rowID])
        }
        let evidence = ResultNames.evidence(layout.name).sqlIdentifier
        for field in covered {
            try db.execute(
                sql: """
                    DELETE FROM \(evidence) WHERE row_id = ?
                        AND (field = ? OR substr(field, 1, ?) IN (? || '[', ? || '.'))
                    """, arguments: [rowID, field, field.unicodeScalars.count + 1, field, field])
        }
        try db.execute(
            sql: "DELETE FROM \(ResultNames.issues(layout.name).sqlIdentifier) WHERE row_id = ?",
            arguments: [rowID])
        try writeDependents(row, rowID: rowID)
    }

    /// Inserts the covered child rows and evidence, and all issues, of a row.
    func writeDependents(_ row: ResultRow, rowID: Int64) throws {
        for child in layout.children where covered.contains(child.name) {
            let items = row.children[child.name] ?? []
            guard !items.isEmpty else { continue }
            let names = ["row_id", "item_index"] + child.columns.map(\.name)
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO \(ResultNames.child(layout.name, child.name).sqlIdentifier)
                        (\(names.map(\.sqlIdentifier).joined(separator: ", ")))
                    VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))
                    """)
            for (index, item) in items.enumerated() {
                let values =
                    [rowID.databaseValue, index.databaseValue]
                    + child.columns.map { (item[$0.name] ?? .null).databaseValue }
                try statement.execute(arguments: StatementArguments(values))
            }
        }
        let evidence = try db.makeStatement(
            sql: """
                INSERT INTO \(ResultNames.evidence(layout.name).sqlIdentifier)
                    (row_id, field, value_index, document_id, page_number, start, "end", quote, x0, y0, x1, y1, confidence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for e in row.evidence where covered.contains(e.topField) {
            try evidence.execute(arguments: [
                rowID, e.field, e.valueIndex, row.documentID, e.location.page, e.location.start, e.location.end,
                e.quote, e.box.map { Double($0.x0) }, e.box.map { Double($0.y0) },
                e.box.map { Double($0.x1) }, e.box.map { Double($0.y1) }, e.confidence,
            ])
        }
        let issues = try db.makeStatement(
            sql: """
                INSERT INTO \(ResultNames.issues(layout.name).sqlIdentifier) (row_id, field, rule, message)
                VALUES (?, ?, ?, ?)
                """)
        for issue in row.issues { try issues.execute(arguments: [rowID, issue.field, issue.rule, issue.message]) }
    }
}
