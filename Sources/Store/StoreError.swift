/// What went wrong in the database, with the file and, where there is one, the SQL.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case missingDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case notReadOnly(sql: String)
    case sql(sql: String?, message: String)
    case emptyQuery
    /// A result table name that cannot be used.
    case invalidTableName(name: String, reason: String)
    /// A result table layout that is inconsistent in itself (duplicate or reserved column names).
    case invalidLayout(table: String, reason: String)
    /// An existing result table that cannot take a new layout without losing data.
    case incompatibleTable(name: String, reason: String)
    /// No result table of that name.
    case unknownTable(name: String)
    /// A field, column or child table that the result table does not have.
    case unknownField(table: String, field: String)
    /// No document with that id.
    case unknownDocument(id: Int64)
    /// No model version with that id.
    case unknownModelVersion(id: String)
    /// A model version id that is taken already.
    case duplicateModelVersion(id: String)
    /// A model version used for a table it was not made for.
    case modelVersionOfOtherTable(id: String, table: String, requested: String)
    /// A rollback with no promotion in force.
    case nothingToRollBack(table: String)

    public var description: String {
        switch self {
        case .missingDatabase(let p): "no database at \(p)"
        case .cannotOpen(let p, let r): "cannot open the database \(p): \(r)"
        case .notReadOnly(let sql): "a query only reads; this statement would write: \(sql)"
        case .sql(let sql?, let m): "SQL error: \(m)\n  in: \(sql)"
        case .sql(nil, let m): "SQL error: \(m)"
        case .emptyQuery: "the query is empty"
        case .invalidTableName(let n, let r): "cannot use \"\(n)\" as a table name: \(r)"
        case .invalidLayout(let t, let r): "invalid layout for the table \(t): \(r)"
        case .incompatibleTable(let n, let r):
            "the table \(n) cannot take this schema: \(r); extract into a new table, or rebuild this one (which deletes its rows)"
        case .unknownTable(let n): "no result table named \(n)"
        case .unknownField(let t, let f): "the table \(t) has no field \(f)"
        case .unknownDocument(let id): "no document with id \(id)"
        case .unknownModelVersion(let id): "no model version named \(id)"
        case .duplicateModelVersion(let id): "a model version named \(id) exists already"
        case .modelVersionOfOtherTable(let id, let t, let r): "the model version \(id) was made for the table \(t), not \(r)"
        case .nothingToRollBack(let t): "nothing to roll back for \(t): no version is promoted, it uses the zero-shot prior"
        }
    }
}
