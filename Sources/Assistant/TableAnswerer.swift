import Documents
import Foundation
import Store

/// Answers questions about extracted tables (`TableQuery`) by read-only SQL, citing the rows it
/// used through their cells' evidence: each citation is the quote a cell was extracted from, on
/// its page, verified like any other. Counts, sums and averages cite up to `citedRows` rows.
public struct TableAnswerer: Sendable {
    public let store: Store
    public var citedRows = 5

    public init(store: Store) { self.store = store }

    /// The answer from a table, or nil when the question is about none of them.
    public func answer(_ question: String, scope: ChunkScope, mode: AnswerMode) throws(AssistantError) -> Answer? {
        var layouts: [ResultTableLayout] = []
        do {
            for name in try store.resultTables() { if let layout = try store.resultTableLayout(name) { layouts.append(layout) } }
        } catch { throw .store(error) }
        guard !layouts.isEmpty else { return nil }
        guard var query = TableQuery.parse(question, tables: layouts, holds: holds) else { return nil }
        query.documents = scope.documents
        let result = try run(query.sql)
        let rows = result.rows
        let column = query.column.flatMap { result.columns.firstIndex(of: $0) }
        let values = column.map { c in rows.compactMap { Self.number($0[c]) } } ?? []
        let noun = rows.count == 1 ? "row" : "rows"
        let what = query.conditions.isEmpty ? "" : " where " + query.conditions.map(Self.describe).joined(separator: " and ")
        var text: String
        var cited = Array(rows.prefix(citedRows))
        switch query.computation {
        case .count:
            text = "\(rows.count) \(noun) of \(query.table)\(what)."
        case .sum:
            text = "The sum of \(query.column ?? "") is \(Self.format(values.reduce(0, +))) over \(values.count) \(noun) of \(query.table)\(what)."
        case .average:
            guard !values.isEmpty else { return nil }
            text =
                "The average \(query.column ?? "") is \(Self.format(values.reduce(0, +) / Double(values.count))) over \(values.count) \(noun) of \(query.table)\(what)."
        case .largest, .smallest:
            // SQLite sorts nulls first in ascending order: skip rows without a value.
            guard let first = rows.first(where: { row in column.map { Self.number(row[$0]) != nil } ?? true }) else {
                return .refusal(question, reason: "no row of \(query.table) matches\(what)", mode: mode)
            }
            cited = [first]
            text =
                (query.computation == .largest ? "The largest " : "The smallest ") + "\(query.column ?? "") in \(query.table)\(what): "
                + Self.describe(first, columns: result.columns, shown: query.shown) + "."
        case .rows:
            guard !rows.isEmpty else { return .refusal(question, reason: "no row of \(query.table) matches\(what)", mode: mode) }
            text =
                rows.prefix(10).map { Self.describe($0, columns: result.columns, shown: query.shown) }.joined(separator: "; ")
                + (rows.count > 10 ? "; and \(rows.count - 10) more" : "") + "."
        }
        let citations = try evidence(for: cited, query: query, columns: result.columns)
        return Answer(
            question: question, answer: text, citations: citations, confidence: 1, refused: false,
            reason: rows.count > cited.count ? "citing \(cited.count) of \(rows.count) rows" : nil, mode: mode, sql: query.sql)
    }

    private func run(_ sql: String) throws(AssistantError) -> QueryResult {
        do { return try Store.readOnlyQuery(sql, databasePath: store.path) } catch { throw .store(error) }
    }

    /// Whether some row's text column contains `text` (case-insensitive).
    private func holds(_ table: String, _ column: String, _ text: String) -> Bool {
        let sql =
            "SELECT EXISTS (SELECT 1 FROM \(TableQuery.identifier(table)) WHERE "
            + TableQuery.condition(.contains(column: column, text: text)) + ")"
        return (try? run(sql).rows.first?.first) == .integer(1)
    }

    /// The verified evidence of the cited rows' shown and filtered cells.
    private func evidence(for rows: [[SQLValue]], query: TableQuery, columns: [String]) throws(AssistantError) -> [Citation] {
        var fields = query.shown
        for c in query.conditions {
            switch c {
            case .greater(let col, _, _), .less(let col, _, _), .contains(let col, _), .year(let col, _):
                if !fields.contains(col) { fields.append(col) }
            }
        }
        guard let idColumn = columns.firstIndex(of: "id"), let pathColumn = columns.firstIndex(of: "document_path"), !fields.isEmpty else {
            return []
        }
        var verifier = CitationVerifier(store: store)
        var citations: [Citation] = []
        for row in rows {
            guard case .integer(let id) = row[idColumn], case .text(let path) = row[pathColumn] else { continue }
            let sql =
                "SELECT field, document_id, page_number, start, \"end\", quote FROM \(TableQuery.identifier(query.table + "__evidence")) "
                + "WHERE row_id = \(id) AND field IN (" + fields.map(TableQuery.literal).joined(separator: ", ") + ") ORDER BY field, value_index"
            for e in try run(sql).rows {
                guard case .integer(let document) = e[1], case .integer(let page) = e[2], case .integer(let start) = e[3],
                    case .integer(let end) = e[4], case .text(let quote) = e[5]
                else { continue }
                let citation = Citation(
                    source: citations.count + 1, document: path, documentID: document,
                    location: Location(page: Int(page), start: Int(start), end: Int(end)), quote: quote, table: query.table, row: id)
                do { if let verified = try verifier.verify(citation) { citations.append(verified) } } catch { throw .store(error) }
            }
        }
        return citations
    }

    static func number(_ value: SQLValue) -> Double? {
        switch value {
        case .integer(let i): Double(i)
        case .real(let x): x
        default: nil
        }
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(format: "%.2f", x)
    }

    static func text(_ value: SQLValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let i): String(i)
        case .real(let x): format(x)
        case .text(let s): s
        case .blob: "(blob)"
        }
    }

    /// "invoice-17.pdf: total 1200, vendor Acme".
    static func describe(_ row: [SQLValue], columns: [String], shown: [String]) -> String {
        let path = columns.firstIndex(of: "document_path").map { text(row[$0]) } ?? ""
        let cells = shown.compactMap { name in columns.firstIndex(of: name).map { "\(name) \(text(row[$0]))" } }
        return ((path as NSString).lastPathComponent) + (cells.isEmpty ? "" : ": " + cells.joined(separator: ", "))
    }

    static func describe(_ c: TableQuery.Condition) -> String {
        switch c {
        case .greater(let col, let x, let e): "\(col) \(e ? "≥" : ">") \(format(x))"
        case .less(let col, let x, let e): "\(col) \(e ? "≤" : "<") \(format(x))"
        case .contains(let col, let t): "\(col) contains \"\(t)\""
        case .year(let col, let y): "\(col) in \(y)"
        }
    }
}
