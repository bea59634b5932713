import Documents
import Foundation
internal import GRDB

/// The project's SQLite database (WAL mode): the corpus of documents, pages and chunks with its
/// full-text index. Thread-safe; writes are serialised, reads run concurrently.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens the database at `path`, creating it when `create` is true, and brings its schema up to date.
    public init(path: String, create: Bool = true) throws(StoreError) {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) { throw .missingDatabase(path: path) }
        do {
            var config = Configuration()
            config.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path: path, reason: Store.message(error))
        }
    }

    /// Runs a database operation, turning GRDB errors into `StoreError`s that carry the SQL.
    func guarded<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch let error as StoreError { throw error } catch {
            let sql = (error as? DatabaseError)?.sql
            throw .sql(sql: sql, message: Store.message(error))
        }
    }

    static func message(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? "\(db.resultCode)" }
        return "\(error)"
    }

    /// ISO 8601 in UTC, as every timestamp is stored.
    static func iso(_ date: Date?) -> String? { date?.formatted(.iso8601) }
}
