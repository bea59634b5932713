import Foundation
internal import GRDB

/// An expert's advice for the assistant over this collection ("prefer the annual report over
/// press releases"), kept as written.
public struct GuidanceNote: Sendable, Equatable, Codable {
    public let id: Int64
    public let text: String
    /// ISO 8601, UTC.
    public let addedAt: String

    public init(id: Int64, text: String, addedAt: String) {
        self.id = id; self.text = text; self.addedAt = addedAt
    }
}

extension Store {
    /// Stores a note of guidance and returns it with its id.
    @discardableResult
    public func addGuidance(_ text: String, at date: Date = Date()) throws(StoreError) -> GuidanceNote {
        let addedAt = date.formatted(.iso8601)
        return try guarded {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO guidance (text, added_at) VALUES (?, ?)", arguments: [text, addedAt])
                return GuidanceNote(id: db.lastInsertedRowID, text: text, addedAt: addedAt)
            }
        }
    }

    /// Every note of guidance, oldest first.
    public func guidance() throws(StoreError) -> [GuidanceNote] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, text, added_at FROM guidance ORDER BY id").map {
                    GuidanceNote(id: $0["id"], text: $0["text"], addedAt: $0["added_at"])
                }
            }
        }
    }

    /// Removes a note; false when there is no note with that id.
    @discardableResult
    public func removeGuidance(id: Int64) throws(StoreError) -> Bool {
        try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM guidance WHERE id = ?", arguments: [id])
                return db.changesCount > 0
            }
        }
    }
}
