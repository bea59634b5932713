import Foundation
internal import GRDB

/// A run over a result table, such as an evaluation against gold rows.
public struct RunRecord: Sendable, Equatable, Codable {
    /// nil until recorded.
    public let id: Int64?
    /// `eval`, or another kind of run.
    public let kind: String
    /// The result table it concerns.
    public let table: String
    public let model: String?
    /// Where its input came from, e.g. the gold file of an evaluation.
    public let source: String?
    /// ISO 8601, UTC.
    public let startedAt: String
    /// JSON, free form.
    public let details: String?

    public init(
        id: Int64? = nil, kind: String, table: String, model: String? = nil, source: String? = nil,
        startedAt: String, details: String? = nil
    ) {
        self.id = id; self.kind = kind; self.table = table; self.model = model; self.source = source
        self.startedAt = startedAt; self.details = details
    }
}

/// One number measured by a run.
public struct Metric: Sendable, Equatable, Codable {
    /// A field name, or `micro` / `macro` for averages over fields.
    public let field: String
    /// `precision`, `recall`, `f1`, `exact`, …
    public let name: String
    /// NaN when undefined (stored as NULL).
    public let value: Double

    public init(field: String, name: String, value: Double) {
        self.field = field; self.name = name; self.value = value
    }
}

extension Store {
    /// Records a run and its metrics in one transaction; returns the run id (`run.id` is ignored).
    @discardableResult
    public func recordRun(_ run: RunRecord, metrics: [Metric]) throws(StoreError) -> Int64 {
        try guarded {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO runs (kind, table_name, model, source, started_at, details) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [run.kind, run.table, run.model, run.source, run.startedAt, run.details])
                let id = db.lastInsertedRowID
                let statement = try db.makeStatement(sql: "INSERT INTO metrics (run_id, field, name, value) VALUES (?, ?, ?, ?)")
                for m in metrics { try statement.execute(arguments: [id, m.field, m.name, m.value.isNaN ? nil : m.value]) }
                return id
            }
        }
    }

    /// Recorded runs, newest first, of one result table or of all.
    public func runs(table: String? = nil) throws(StoreError) -> [RunRecord] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM runs WHERE ?1 IS NULL OR table_name = ?1 ORDER BY started_at DESC, id DESC
                        """, arguments: [table]
                ).map { row in
                    RunRecord(
                        id: row["id"], kind: row["kind"], table: row["table_name"], model: row["model"],
                        source: row["source"], startedAt: row["started_at"], details: row["details"])
                }
            }
        }
    }

    /// The metrics of a run, by field and name.
    public func metrics(runID: Int64) throws(StoreError) -> [Metric] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT field, name, value FROM metrics WHERE run_id = ? ORDER BY field, name",
                    arguments: [runID]
                ).map { row in
                    Metric(field: row["field"], name: row["name"], value: row["value"] ?? .nan)
                }
            }
        }
    }
}
