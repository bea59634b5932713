import Foundation
internal import GRDB

/// SQL storage class of a result column.
public enum ColumnType: String, Sendable, Codable {
    case integer = "INTEGER"
    case real = "REAL"
    case text = "TEXT"
}

/// One user column of a result table (or of a child table).
public struct ResultColumn: Sendable, Equatable, Codable {
    public let name: String
    public let type: ColumnType

    public init(name: String, type: ColumnType) {
        self.name = name; self.type = type
    }
}

/// A child table for an array-of-objects field: table `<parent>__<name>`(id INTEGER PRIMARY KEY,
/// row_id INTEGER NOT NULL REFERENCES <parent>(id) ON DELETE CASCADE, item_index INTEGER NOT NULL,
/// <columns>).
public struct ChildTableLayout: Sendable, Equatable, Codable {
    public let name: String
    public let columns: [ResultColumn]

    public init(name: String, columns: [ResultColumn]) {
        self.name = name; self.columns = columns
    }
}

/// The shape of a result table derived from a schema by the caller. Its fields are the names of
/// its columns and of its child tables.
public struct ResultTableLayout: Sendable, Equatable, Codable {
    public let name: String
    public let columns: [ResultColumn]
    public let children: [ChildTableLayout]

    public init(name: String, columns: [ResultColumn], children: [ChildTableLayout] = []) {
        self.name = name; self.columns = columns; self.children = children
    }

    /// Top-level column names, then child table names: what `pendingFields` and `writeResults` call fields.
    public var fields: [String] { columns.map(\.name) + children.map(\.name) }
}

/// What `prepareResultTable` did.
public enum TableChange: Sendable, Equatable {
    case created
    case unchanged
    /// New top-level columns and child tables by name, new columns of existing child tables as `child.column`.
    case addedColumns([String])
}

/// Names the result tables may not take, and the columns the store adds itself.
enum ResultNames {
    static let corpusTables: Set<String> = [
        "documents", "pages", "chunks", "chunk_vectors", "runs", "metrics", "result_tables",
        "result_extractions", "model_versions", "model_promotions", "usage_log", "guidance", "grdb_migrations",
    ]
    static let rowColumns: Set<String> = ["id", "document_id", "document_path", "model", "extracted_at"]
    static let childColumns: Set<String> = ["id", "row_id", "item_index"]
    static let companions: Set<String> = ["evidence", "issues"]

    static func evidence(_ table: String) -> String { table + "__evidence" }
    static func issues(_ table: String) -> String { table + "__issues" }
    static func child(_ table: String, _ child: String) -> String { table + "__" + child }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }
    }

    /// Throws unless `name` can be a result table: see `prepareResultTable`.
    static func check(table name: String) throws(StoreError) {
        func fail(_ reason: String) -> StoreError { .invalidTableName(name: name, reason: reason) }
        guard isIdentifier(name) else {
            throw fail("use letters, digits and underscores, not starting with a digit")
        }
        let lower = name.lowercased()
        if lower.hasPrefix("sqlite_") { throw fail("names starting with sqlite_ belong to SQLite") }
        if name.contains("__") { throw fail("\"__\" separates a table from its companion tables") }
        if name.hasSuffix("_") { throw fail("a trailing \"_\" would blur the table with its companion tables") }
        if corpusTables.contains(lower) || lower.hasPrefix("chunks_fts") {
            throw fail("the corpus uses this name")
        }
    }

    /// Throws unless the layout's names are usable and distinct.
    static func check(_ layout: ResultTableLayout) throws(StoreError) {
        try check(table: layout.name)
        func fail(_ reason: String) -> StoreError { .invalidLayout(table: layout.name, reason: reason) }
        var seen: Set<String> = []
        for column in layout.columns {
            if column.name.isEmpty { throw fail("a column has an empty name") }
            if rowColumns.contains(column.name.lowercased()) { throw fail("the column name \(column.name) is reserved") }
            if !seen.insert(column.name.lowercased()).inserted { throw fail("two fields are named \(column.name)") }
        }
        for child in layout.children {
            guard isIdentifier(child.name), !child.name.contains("__") else {
                throw fail("the child table name \(child.name) must be letters, digits and single underscores")
            }
            if companions.contains(child.name.lowercased()) { throw fail("the child table name \(child.name) is reserved") }
            if !seen.insert(child.name.lowercased()).inserted { throw fail("two fields are named \(child.name)") }
            var childSeen: Set<String> = []
            for column in child.columns {
                if column.name.isEmpty { throw fail("a column of \(child.name) has an empty name") }
                if childColumns.contains(column.name.lowercased()) {
                    throw fail("the column name \(child.name).\(column.name) is reserved")
                }
                if !childSeen.insert(column.name.lowercased()).inserted {
                    throw fail("\(child.name) has two columns named \(column.name)")
                }
            }
        }
    }
}

extension Store {
    /// Creates the result table (and its child, `__evidence` and `__issues` tables) or evolves it:
    /// new columns and child tables are added with ALTER TABLE / CREATE TABLE. A removed column or
    /// child table, or a changed type, throws `StoreError.incompatibleTable`. `replace: true` drops
    /// the table, its companions and its extraction bookkeeping, and recreates it empty.
    ///
    /// Table names match `^[A-Za-z_][A-Za-z0-9_]*$`, do not start with `sqlite_`, contain no `__`,
    /// do not end with `_` and are not the name of a corpus table.
    /// `schema` is the text of the schema the table was made from, kept for `resultTableSchema`
    /// (the latest one given is kept).
    @discardableResult
    public func prepareResultTable(_ layout: ResultTableLayout, schema: String? = nil, replace: Bool = false) throws(StoreError) -> TableChange {
        try ResultNames.check(layout)
        let now = Self.iso(Date()) ?? ""
        return try guarded {
            try pool.write { db in
                var stored = try Self.storedLayout(layout.name, db)
                if replace, stored != nil {
                    try Self.dropResultTable(layout.name, db)
                    stored = nil
                }
                guard let stored else {
                    if try db.tableExists(layout.name) {
                        throw StoreError.incompatibleTable(name: layout.name, reason: "a table of that name exists and is not a result table")
                    }
                    try Self.create(layout, db)
                    try db.execute(
                        sql: """
                            INSERT INTO result_tables (name, layout, schema, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                            """, arguments: [layout.name, try Self.encode(layout), schema, now, now])
                    return .created
                }
                try Self.addConfidence(to: layout.name, db)
                let (merged, added) = try Self.evolve(stored, to: layout, db)
                if let schema {
                    try db.execute(sql: "UPDATE result_tables SET schema = ? WHERE name = ?", arguments: [schema, layout.name])
                }
                guard !added.isEmpty else { return .unchanged }
                try db.execute(
                    sql: "UPDATE result_tables SET layout = ?, updated_at = ? WHERE name = ?",
                    arguments: [try Self.encode(merged), now, layout.name])
                return .addedColumns(added)
            }
        }
    }

    /// Gives an evidence table made before cells had confidences its `confidence` column.
    static func addConfidence(to table: String, _ db: Database) throws {
        let evidence = ResultNames.evidence(table)
        guard try !db.columns(in: evidence).contains(where: { $0.name == "confidence" }) else { return }
        try db.execute(sql: "ALTER TABLE \(evidence.sqlIdentifier) ADD COLUMN confidence REAL")
    }

    /// The stored layout of a result table, nil if it does not exist. Columns are in table order:
    /// columns added later come last.
    public func resultTableLayout(_ name: String) throws(StoreError) -> ResultTableLayout? {
        try guarded { try pool.read { db in try Self.storedLayout(name, db) } }
    }

    /// The schema text a result table was last prepared with, nil if none was given or no such table.
    public func resultTableSchema(_ name: String) throws(StoreError) -> String? {
        try guarded { try pool.read { db in try String.fetchOne(db, sql: "SELECT schema FROM result_tables WHERE name = ?", arguments: [name]) } }
    }

    /// Names of all result tables, sorted.
    public func resultTables() throws(StoreError) -> [String] {
        try guarded { try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM result_tables ORDER BY name") } }
    }

    static func storedLayout(_ name: String, _ db: Database) throws -> ResultTableLayout? {
        guard let json = try String.fetchOne(db, sql: "SELECT layout FROM result_tables WHERE name = ?", arguments: [name])
        else { return nil }
        return try JSONDecoder().decode(ResultTableLayout.self, from: Data(json.utf8))
    }

    /// The stored layout, or `unknownTable`.
    static func requireLayout(_ name: String, _ db: Database) throws -> ResultTableLayout {
        guard let layout = try storedLayout(name, db) else { throw StoreError.unknownTable(name: name) }
        return layout
    }

    static func encode(_ layout: ResultTableLayout) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(layout), as: UTF8.self)
    }

    static func columnDefinitions(_ columns: [ResultColumn]) -> String {
        columns.map { ",\n    \($0.name.sqlIdentifier) \($0.type.rawValue)" }.joined()
    }

    static func create(_ layout: ResultTableLayout, _ db: Database) throws {
        let t = layout.name
        let q = t.sqlIdentifier
        try db.execute(
            sql: """
                CREATE TABLE \(q) (
                    id INTEGER PRIMARY KEY,
                    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
                    document_path TEXT NOT NULL,
                    model TEXT NOT NULL,
                    extracted_at TEXT NOT NULL\(columnDefinitions(layout.columns))
                );
                CREATE TABLE \(ResultNames.evidence(t).sqlIdentifier) (
                    row_id INTEGER NOT NULL REFERENCES \(q)(id) ON DELETE CASCADE,
                    field TEXT NOT NULL,
                    value_index INTEGER NOT NULL,
                    document_id INTEGER NOT NULL,
                    page_number INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    "end" INTEGER NOT NULL,
                    quote TEXT NOT NULL,
                    x0 REAL, y0 REAL, x1 REAL, y1 REAL,
                    confidence REAL
                );
                CREATE INDEX \((ResultNames.evidence(t) + "__by_row").sqlIdentifier)
                    ON \(ResultNames.evidence(t).sqlIdentifier)(row_id);
                CREATE TABLE \(ResultNames.issues(t).sqlIdentifier) (
                    row_id INTEGER NOT NULL REFERENCES \(q)(id) ON DELETE CASCADE,
                    field TEXT,
                    rule TEXT,
                    message TEXT
                );
                CREATE INDEX \((ResultNames.issues(t) + "__by_row").sqlIdentifier)
                    ON \(ResultNames.issues(t).sqlIdentifier)(row_id);
                """)
        for child in layout.children { try createChild(child, of: t, db) }
    }

    static func createChild(_ child: ChildTableLayout, of table: String, _ db: Database) throws {
        let name = ResultNames.child(table, child.name)
        try db.execute(
            sql: """
                CREATE TABLE \(name.sqlIdentifier) (
                    id INTEGER PRIMARY KEY,
                    row_id INTEGER NOT NULL REFERENCES \(table.sqlIdentifier)(id) ON DELETE CASCADE,
                    item_index INTEGER NOT NULL\(columnDefinitions(child.columns))
                );
                CREATE INDEX \((name + "__by_row").sqlIdentifier) ON \(name.sqlIdentifier)(row_id);
                """)
    }

    /// Drops a result table with every table named `<name>__…` and its bookkeeping.
    static func dropResultTable(_ name: String, _ db: Database) throws {
        let prefix = name + "__"
        let companions = try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ? COLLATE NOCASE
                """, arguments: [prefix.count, prefix])
        for table in companions { try db.execute(sql: "DROP TABLE \(table.sqlIdentifier)") }
        try db.execute(sql: "DROP TABLE IF EXISTS \(name.sqlIdentifier)")
        try db.execute(sql: "DELETE FROM result_extractions WHERE table_name = ?", arguments: [name])
        try db.execute(sql: "DELETE FROM result_tables WHERE name = ?", arguments: [name])
    }

    /// Adds what `layout` has and `stored` lacks; returns the layout now in the database and what was added.
    static func evolve(
        _ stored: ResultTableLayout, to layout: ResultTableLayout,
        _ db: Database
    ) throws -> (ResultTableLayout, [String]) {
        let t = stored.name
        func incompatible(_ reason: String) -> StoreError { .incompatibleTable(name: t, reason: reason) }
        func newColumns(_ old: [ResultColumn], _ new: [ResultColumn], in table: String) throws -> [ResultColumn] {
            for column in old {
                guard let now = new.first(where: { $0.name == column.name }) else {
                    throw incompatible("the schema no longer has the field \(table.isEmpty ? "" : table + ".")\(column.name)")
                }
                if now.type != column.type {
                    throw incompatible(
                        "the field \(table.isEmpty ? "" : table + ".")\(column.name) changed type "
                            + "from \(column.type.rawValue) to \(now.type.rawValue)")
                }
            }
            return new.filter { column in !old.contains { $0.name == column.name } }
        }
        for child in stored.children where layout.columns.contains(where: { $0.name == child.name }) {
            throw incompatible("the field \(child.name) changed from a list to a single value")
        }
        for column in stored.columns where layout.children.contains(where: { $0.name == column.name }) {
            throw incompatible("the field \(column.name) changed from a single value to a list")
        }
        for child in stored.children where !layout.children.contains(where: { $0.name == child.name }) {
            throw incompatible("the schema no longer has the list field \(child.name)")
        }
        var added: [String] = []
        let columns = try newColumns(stored.columns, layout.columns, in: "")
        for column in columns {
            try db.execute(sql: "ALTER TABLE \(t.sqlIdentifier) ADD COLUMN \(column.name.sqlIdentifier) \(column.type.rawValue)")
            added.append(column.name)
        }
        var children: [ChildTableLayout] = []
        for old in stored.children {
            guard let now = layout.children.first(where: { $0.name == old.name }) else { continue }
            let extra = try newColumns(old.columns, now.columns, in: old.name)
            let table = ResultNames.child(t, old.name).sqlIdentifier
            for column in extra {
                try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column.name.sqlIdentifier) \(column.type.rawValue)")
                added.append(old.name + "." + column.name)
            }
            children.append(ChildTableLayout(name: old.name, columns: old.columns + extra))
        }
        for child in layout.children where !stored.children.contains(where: { $0.name == child.name }) {
            try createChild(child, of: t, db)
            children.append(child)
            added.append(child.name)
        }
        return (ResultTableLayout(name: t, columns: stored.columns + columns, children: children), added)
    }
}

extension String {
    /// The string as a quoted SQL identifier, inner quotes doubled. (GRDB's
    /// `quotedDatabaseIdentifier` does not double them, so a column named `say "hi"` would break it.)
    var sqlIdentifier: String { "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

extension Store {
    /// How many rows a result table has.
    public func rowCount(table: String) throws(StoreError) -> Int {
        try guarded {
            try pool.read { db in
                let layout = try Self.requireLayout(table, db)
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(layout.name.sqlIdentifier)") ?? 0
            }
        }
    }

    /// The model versions that made a result table's rows.
    public func models(table: String) throws(StoreError) -> Set<String> {
        try guarded {
            try pool.read { db in
                let layout = try Self.requireLayout(table, db)
                return Set(try String.fetchAll(db, sql: "SELECT DISTINCT model FROM \(layout.name.sqlIdentifier)"))
            }
        }
    }
}

/// The outcome of checking a table's evidence against the stored page text.
public struct EvidenceCheck: Sendable, Equatable, Codable {
    /// Evidence rows checked.
    public let checked: Int
    /// Rows whose quote is not the page text at their offsets.
    public let mismatched: Int
}

extension Store {
    /// Checks that every evidence quote of a result table is exactly the text of its page at its
    /// code-point offsets (SQLite's `substr` counts characters, as the offsets do).
    public func verifyEvidence(table: String) throws(StoreError) -> EvidenceCheck {
        try guarded {
            try pool.read { db in
                let layout = try Self.requireLayout(table, db)
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS checked,
                               coalesce(sum(p.text IS NULL OR substr(p.text, e.start + 1, e."end" - e.start) != e.quote), 0) AS mismatched
                        FROM \(ResultNames.evidence(layout.name).sqlIdentifier) e
                        LEFT JOIN pages p ON p.document_id = e.document_id AND p.page_number = e.page_number
                        """)
                return EvidenceCheck(checked: row?["checked"] ?? 0, mismatched: row?["mismatched"] ?? 0)
            }
        }
    }
}
