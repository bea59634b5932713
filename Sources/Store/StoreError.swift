/// What went wrong in the database, with the file and, where there is one, the SQL.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case missingDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case notReadOnly(sql: String)
    case sql(sql: String?, message: String)
    case emptyQuery

    public var description: String {
        switch self {
        case .missingDatabase(let p): "no database at \(p) (create one with `quarry ingest PATH --db \(p)`)"
        case .cannotOpen(let p, let r): "cannot open the database \(p): \(r)"
        case .notReadOnly(let sql): "`quarry query` only reads; this statement would write: \(sql)"
        case .sql(let sql?, let m): "SQL error: \(m)\n  in: \(sql)"
        case .sql(nil, let m): "SQL error: \(m)"
        case .emptyQuery: "the query is empty"
        }
    }
}
