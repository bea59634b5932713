import ArgumentParser
import Foundation
import QuarryKit

/// `quarry query`: read-only SQL.
struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a read-only SQL query against the database.",
        discussion: """
            Statements that would change the database are refused. Tables: documents, pages,
            chunks (and chunks_fts for full-text search). Note that "end" must be quoted.

            Examples:
              quarry query "SELECT path, status, page_count FROM documents"
              quarry query "SELECT page_number, length(text) FROM pages WHERE document_id = 1" --format csv
              quarry query "SELECT status, count(*) AS n FROM documents GROUP BY status" --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Argument(help: "One SQL statement.")
    var sql: String

    @OptionGroup var database: DatabaseOption

    @Option(help: "Output format: table, csv or json (an array of objects).")
    var format: Format = .table

    func run() async throws {
        let result = try Workspace.query(sql, database: database.db)
        switch format {
        case .table:
            print(Output.table(result.columns, result.rows.map { $0.map { Output.clip(Self.text($0), 80) } }))
            print("(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))")
        case .csv:
            print(result.columns.map(Output.csvField).joined(separator: ","))
            for row in result.rows { print(row.map { Output.csvField(Self.text($0)) }.joined(separator: ",")) }
        case .json:
            let objects = result.rows.map { row in
                "{" + zip(result.columns, row).map { Output.jsonString($0) + ": " + Self.json($1) }.joined(separator: ", ") + "}"
            }
            print(objects.isEmpty ? "[]" : "[\n  " + objects.joined(separator: ",\n  ") + "\n]")
        }
    }

    static func text(_ v: SQLValue) -> String {
        switch v {
        case .null: ""
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .text(let s): s
        case .blob(let b): "<\(b.count) bytes>"
        }
    }

    static func json(_ v: SQLValue) -> String {
        switch v {
        case .null: "null"
        case .integer(let i): String(i)
        case .real(let d): d.isFinite ? String(d) : "null"
        case .text(let s): Output.jsonString(s)
        case .blob(let b): Output.jsonString(b.base64EncodedString())
        }
    }
}
