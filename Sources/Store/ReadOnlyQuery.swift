import Foundation
internal import GRDB

/// A value in a query result.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// The result of a read-only query: column names and rows in order.
public struct QueryResult: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[SQLValue]]
}

extension Store {
    /// Runs one SQL statement that only reads, on a read-only connection. Statements that would
    /// write are refused before they run.
    public static func readOnlyQuery(_ sql: String, databasePath: String) throws(StoreError) -> QueryResult {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .emptyQuery }
        guard FileManager.default.fileExists(atPath: databasePath) else { throw .missingDatabase(path: databasePath) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: databasePath, configuration: config) } catch {
            throw .cannotOpen(path: databasePath, reason: message(error))
        }
        do {
            return try queue.read { db in
                let statements = try db.allStatements(sql: trimmed)
                guard let statement = try statements.next() else { throw StoreError.emptyQuery }
                if try statements.next() != nil {
                    throw StoreError.sql(sql: trimmed, message: "give one statement at a time")
                }
                guard statement.isReadonly else { throw StoreError.notReadOnly(sql: trimmed) }
                let columns = statement.columnNames
                let rows = try Row.fetchAll(statement).map { row in Array(row.databaseValues).map(SQLValue.init) }
                return QueryResult(columns: columns, rows: rows)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sql(sql: trimmed, message: message(error))
        }
    }
}
