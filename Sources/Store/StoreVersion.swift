internal import GRDB

extension Store {
    /// The version of the SQLite library in use, e.g. `3.40.1`, or `unknown` if it cannot be asked.
    public static var sqliteVersion: String {
        let version = try? DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") }
        return version.flatMap { $0 } ?? "unknown"
    }
}
