import Foundation
internal import GRDB

/// A tuned version of an extractor's parameters for one result table, with how it was made.
public struct ModelVersion: Sendable, Equatable, Codable {
    /// e.g. `receipts-v3` (see `Store.nextModelVersionID`).
    public let id: String
    /// The result table it was made for.
    public let table: String
    /// The extractor whose parameters these are: `span`.
    public let extractor: String
    /// How it was made: `tao`, `supervised`, …
    public let method: String
    /// The version it was tuned from; nil for the zero-shot prior.
    public let base: String?
    /// SHA-256 of the schema file it was tuned with.
    public let schemaSHA256: String
    /// The parameter artefact (JSON).
    public let parameters: String
    /// The paths of the documents it was tuned on.
    public let inputs: [String]
    /// The reward configuration (JSON).
    public let rewardConfig: String?
    /// Free-form JSON, e.g. before and after figures.
    public let metrics: String?
    /// ISO 8601, UTC.
    public let createdAt: String

    public init(
        id: String, table: String, extractor: String = "span", method: String, base: String?,
        schemaSHA256: String, parameters: String, inputs: [String], rewardConfig: String? = nil,
        metrics: String? = nil, createdAt: String = Date().formatted(.iso8601)
    ) {
        self.id = id; self.table = table; self.extractor = extractor; self.method = method; self.base = base
        self.schemaSHA256 = schemaSHA256; self.parameters = parameters; self.inputs = inputs
        self.rewardConfig = rewardConfig; self.metrics = metrics; self.createdAt = createdAt
    }
}

/// One change of the version a table extracts with: a promotion or a rollback.
public struct ModelPromotion: Sendable, Equatable, Codable {
    public let id: Int64
    public let table: String
    /// The version in force from then on; nil for the zero-shot prior.
    public let version: String?
    /// ISO 8601, UTC.
    public let promotedAt: String
    public let reason: String?
    /// For a rollback, the promotion it undid.
    public let rollbackOf: Int64?
}

extension Store {
    /// The next free version id of a table: `<table>-v<N>`, N one more than the highest in use.
    public func nextModelVersionID(table: String) throws(StoreError) -> String {
        try ResultNames.check(table: table)
        let prefix = table.lowercased() + "-v"
        let ids = try guarded {
            try pool.read { db in
                try String.fetchAll(
                    db, sql: "SELECT id FROM model_versions WHERE substr(id, 1, ?) = ? COLLATE NOCASE",
                    arguments: [prefix.count, prefix])
            }
        }
        let highest = ids.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
        return prefix + String(highest + 1)
    }

    /// Stores a new version; an id in use throws `duplicateModelVersion`.
    public func addModelVersion(_ version: ModelVersion) throws(StoreError) {
        try ResultNames.check(table: version.table)
        try guarded {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let inputs = String(decoding: try encoder.encode(version.inputs), as: UTF8.self)
            try pool.write { db in
                if try Self.modelVersion(version.id, db) != nil { throw StoreError.duplicateModelVersion(id: version.id) }
                try db.execute(
                    sql: """
                        INSERT INTO model_versions (id, table_name, extractor, method, base, schema_sha256, parameters, inputs,
                            reward_config, metrics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        version.id, version.table, version.extractor, version.method, version.base,
                        version.schemaSHA256, version.parameters, inputs, version.rewardConfig,
                        version.metrics, version.createdAt,
                    ])
            }
        }
    }

    /// The versions of one table or of all, newest first.
    public func modelVersions(table: String? = nil) throws(StoreError) -> [ModelVersion] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM model_versions WHERE ?1 IS NULL OR table_name = ?1 ORDER BY created_at DESC, rowid DESC
                        """, arguments: [table]
                ).map(Self.modelVersion)
            }
        }
    }

    /// The version with that id, nil if there is none.
    public func modelVersion(id: String) throws(StoreError) -> ModelVersion? {
        try guarded { try pool.read { db in try Self.modelVersion(id, db) } }
    }

    /// Makes `id` the version `table` extracts with (nil: back to the zero-shot prior) and records
    /// it in the promotion history. An unknown id, or a version of another table, is refused.
    /// Promoting the version already in force records nothing. Returns the versions before and after.
    @discardableResult
    public func promote(version id: String?, table: String, reason: String? = nil) throws(StoreError) -> (from: String?, to: String?) {
        try ResultNames.check(table: table)
        let now = Self.iso(Date()) ?? ""
        return try guarded {
            try pool.write { db in
                if let id {
                    guard let version = try Self.modelVersion(id, db) else { throw StoreError.unknownModelVersion(id: id) }
                    guard version.table.lowercased() == table.lowercased() else {
                        throw StoreError.modelVersionOfOtherTable(id: id, table: version.table, requested: table)
                    }
                }
                let current = try Self.promotions(table, db).last?.version
                if current == id { return (current, id) }
                try db.execute(
                    sql: "INSERT INTO model_promotions (table_name, version, promoted_at, reason) VALUES (?, ?, ?, ?)",
                    arguments: [table, id, now, reason])
                return (current, id)
            }
        }
    }

    /// The version `table` extracts with: that of its latest promotion; nil for the zero-shot prior.
    public func promotedVersion(table: String) throws(StoreError) -> ModelVersion? {
        try guarded {
            try pool.read { db in
                guard let id = try Self.promotions(table, db).last?.version else { return nil }
                return try Self.modelVersion(id, db)
            }
        }
    }

    /// The promotion history of a table, oldest first; rollbacks are in it too.
    public func promotions(table: String) throws(StoreError) -> [ModelPromotion] {
        try guarded { try pool.read { db in try Self.promotions(table, db) } }
    }

    /// Undoes the promotion in force: the table goes back to the version promoted before it, or
    /// to the zero-shot prior before the first one. Repeated rollbacks walk back through the
    /// history. Throws `nothingToRollBack` when no promotion is in force. Returns the versions
    /// before and after.
    @discardableResult
    public func rollback(table: String, reason: String? = nil) throws(StoreError) -> (from: String?, to: String?) {
        let now = Self.iso(Date()) ?? ""
        return try guarded {
            try pool.write { db in
                // Replay the history: a promotion pushes, a rollback pops.
                var inForce: [ModelPromotion] = []
                for promotion in try Self.promotions(table, db) {
                    if promotion.rollbackOf == nil { inForce.append(promotion) } else { _ = inForce.popLast() }
                }
                guard let undone = inForce.popLast() else { throw StoreError.nothingToRollBack(table: table) }
                let restored = inForce.last?.version
                try db.execute(
                    sql: """
                        INSERT INTO model_promotions (table_name, version, promoted_at, reason, rollback_of) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [table, restored, now, reason, undone.id])
                return (undone.version, restored)
            }
        }
    }

    /// Records that extractions into `table` read these documents, in one transaction.
    public func recordUsage(table: String, schemaSHA256: String, model: String, documentIDs: [Int64]) throws(StoreError) {
        let now = Self.iso(Date()) ?? ""
        try guarded {
            try pool.write { db in
                let statement = try db.makeStatement(
                    sql: """
                        INSERT INTO usage_log (table_name, schema_sha256, model, document_id, used_at) VALUES (?, ?, ?, ?, ?)
                        """)
                for id in documentIDs { try statement.execute(arguments: [table, schemaSHA256, model, id, now]) }
            }
        }
    }

    /// The documents extractions into `table` have read, each once, in order of first use.
    public func usedDocumentIDs(table: String) throws(StoreError) -> [Int64] {
        try guarded {
            try pool.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT document_id FROM usage_log WHERE table_name = ? GROUP BY document_id ORDER BY min(id)
                        """, arguments: [table])
            }
        }
    }

    static func modelVersion(_ id: String, _ db: Database) throws -> ModelVersion? {
        try Row.fetchOne(db, sql: "SELECT * FROM model_versions WHERE id = ?", arguments: [id]).map(modelVersion)
    }

    static func modelVersion(_ row: Row) throws -> ModelVersion {
        let inputs: String = row["inputs"]
        return ModelVersion(
            id: row["id"], table: row["table_name"], extractor: row["extractor"], method: row["method"],
            base: row["base"], schemaSHA256: row["schema_sha256"], parameters: row["parameters"],
            inputs: try JSONDecoder().decode([String].self, from: Data(inputs.utf8)),
            rewardConfig: row["reward_config"], metrics: row["metrics"], createdAt: row["created_at"])
    }

    static func promotions(_ table: String, _ db: Database) throws -> [ModelPromotion] {
        try Row.fetchAll(db, sql: "SELECT * FROM model_promotions WHERE table_name = ? ORDER BY id", arguments: [table]).map { row in
            ModelPromotion(
                id: row["id"], table: row["table_name"], version: row["version"], promotedAt: row["promoted_at"],
                reason: row["reason"], rollbackOf: row["rollback_of"])
        }
    }
}
