import Documents
import Foundation
import Store

/// A question about an extracted table, read into a query: which table, what to compute, and
/// which rows. "How many invoices from Acme are over 1,000?" is a count over `invoices` of the
/// rows whose `vendor` holds "Acme" and whose `total` exceeds 1000.
///
/// - The table is the result table whose name's words the question uses (`invoices`: "invoice").
/// - What to compute: a count ("how many", "number of"), a sum ("sum", "altogether", "in total",
///   "combined"), an average ("average", "mean"), the largest or smallest row ("largest",
///   "highest", "most expensive"; "smallest", "lowest", "cheapest"), else the matching rows.
/// - The value column: the numeric column the question names ("total", "tax"), else the first
///   named `total`, `amount`, `price`, `value` or `sum`, else the first with such a word in its
///   name (`subtotal`), else the only numeric one.
/// - Conditions: "over/above/more than/greater than/exceeding/at least N" and "under/below/less
///   than/at most N" on the value column; a year ("in 2024") on the date column the question names,
///   else the first (in schema order); and each name of the question (a capitalised word or a quoted phrase that is no
///   word of the table) matched, case-insensitively, inside the text column that holds it.
public struct TableQuery: Sendable, Equatable {
    public enum Computation: Sendable, Equatable {
        case count, sum, average, largest, smallest, rows
    }

    public enum Condition: Sendable, Equatable {
        case greater(column: String, than: Double, orEqual: Bool)
        case less(column: String, than: Double, orEqual: Bool)
        case contains(column: String, text: String)
        case year(column: String, Int)
    }

    public let table: String
    public let computation: Computation
    /// The numeric column computed over (nil for counts and rows without one).
    public let column: String?
    /// Columns the answer shows for each row (the value column and the columns the question names).
    public let shown: [String]
    public let conditions: [Condition]
    /// Only rows of these documents (a filter of the question), when given.
    public var documents: [Int64]?

    /// The read-only SQL of the query: the matching rows' ids, document paths and shown columns
    /// (ordered by the value column for largest and smallest).
    public var sql: String {
        let t = Self.identifier(table)
        var columns = ["id", "document_id", "document_path"] + shown
        if let column, !columns.contains(column) { columns.append(column) }
        var sql = "SELECT " + columns.map(Self.identifier).joined(separator: ", ") + " FROM " + t
        var filters = conditions.map(Self.condition)
        if let documents { filters.append("document_id IN (" + documents.map(String.init).joined(separator: ", ") + ")") }
        if !filters.isEmpty { sql += " WHERE " + filters.joined(separator: " AND ") }
        if let column {
            switch computation {
            case .largest: sql += " ORDER BY \(Self.identifier(column)) DESC"
            case .smallest: sql += " ORDER BY \(Self.identifier(column)) ASC"
            default: sql += " ORDER BY id"
            }
        } else {
            sql += " ORDER BY id"
        }
        return sql
    }

    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    static func condition(_ c: Condition) -> String {
        switch c {
        case .greater(let column, let x, let orEqual): "\(identifier(column)) \(orEqual ? ">=" : ">") \(x)"
        case .less(let column, let x, let orEqual): "\(identifier(column)) \(orEqual ? "<=" : "<") \(x)"
        case .contains(let column, let text): "\(identifier(column)) LIKE \(literal("%" + text.replacingOccurrences(of: "%", with: "") + "%"))"
        case .year(let column, let year): "substr(\(identifier(column)), 1, 4) = \(literal(String(year)))"
        }
    }

    /// Reads a question against the result tables; nil when it is not about one of them.
    /// `holds(table, column, text)` says whether some row's text column contains `text`.
    public static func parse(
        _ question: String, tables: [ResultTableLayout],
        holds: (String, String, String) -> Bool
    ) -> TableQuery? {
        let lower = " " + Words.split(question).joined(separator: " ") + " "
        let stems = Words.stems(question)
        func named(_ name: String) -> Bool {
            let parts = name.split(separator: "_").map { Words.stem(String($0)) }
            return !parts.isEmpty && parts.allSatisfy { p in stems.contains { Words.agree($0, p) } }
        }
        guard let layout = tables.first(where: { named($0.name) }) else { return nil }
        let numeric = layout.columns.filter { $0.type != .text }.map(\.name)
        let text = layout.columns.filter { $0.type == .text }.map(\.name)
        // Columns the question names, those it names word for word ("due date") first.
        let named = layout.columns.map(\.name).filter(named)
        let explicit = named.filter { lower.contains(" " + $0.replacingOccurrences(of: "_", with: " ") + " ") }
        let mentioned = explicit + named.filter { !explicit.contains($0) }

        func has(_ phrases: [String]) -> Bool { phrases.contains { lower.contains(" \($0) ") } }
        var computation: Computation = .rows
        if has(["how many", "number of", "count"]) {
            computation = .count
        } else if has(["average", "mean"]) {
            computation = .average
        } else if has(["sum", "altogether", "in total", "combined", "add up", "sum of"]) {
            computation = .sum
        } else if has(["largest", "highest", "biggest", "maximum", "most expensive", "max"]) {
            computation = .largest
        } else if has(["smallest", "lowest", "minimum", "cheapest", "least expensive", "min"]) {
            computation = .smallest
        }

        let amountWords = ["total", "amount", "price", "value", "sum"]
        let amountLike =
            numeric.filter { amountWords.contains($0) } + numeric.filter { n in !amountWords.contains(n) && amountWords.contains { n.contains($0) } }
        let valueColumn = mentioned.first { numeric.contains($0) } ?? amountLike.first ?? (numeric.count == 1 ? numeric.first : nil)

        var conditions: [Condition] = []
        let tokens = lower.split(separator: " ").map(String.init)
        if let column = valueColumn {
            for match in question.lowercased().matches(of: Self.comparison) {
                guard let value = Double(match.output.2.replacingOccurrences(of: ",", with: "")),
                    let (isGreater, orEqual) = Self.comparisons[String(match.output.1).split(whereSeparator: \.isWhitespace).joined(separator: " ")]
                else { continue }
                conditions.append(
                    isGreater
                        ? .greater(column: column, than: value, orEqual: orEqual)
                        : .less(column: column, than: value, orEqual: orEqual))
            }
        }
        let dateColumns = text.filter { $0.contains("date") }
        if let year = tokens.compactMap({ Int($0) }).first(where: { (1900...2100).contains($0) }),
            let column = mentioned.first(where: dateColumns.contains) ?? dateColumns.first
        {
            conditions.append(.year(column: column, year))
        }
        let tableWords = ([layout.name] + layout.columns.map(\.name)).flatMap { $0.split(separator: "_").map { Words.stem(String($0)) } }
        for name in Self.names(in: question) where !Words.stems(name).allSatisfy({ w in tableWords.contains { Words.agree($0, w) } }) {
            guard let column = text.first(where: { holds(layout.name, $0, name) }) else { return nil }  // a name no row holds
            conditions.append(.contains(column: column, text: name))
        }
        if computation != .count && computation != .rows && valueColumn == nil { return nil }
        guard computation != .rows || !conditions.isEmpty else { return nil }
        var shown = (explicit.isEmpty ? mentioned : explicit).filter { c in
            !conditions.contains { if case .contains(let col, _) = $0 { col == c } else { false } }
        }
        if let valueColumn, !shown.contains(valueColumn) { shown.append(valueColumn) }
        for case .contains(let column, _) in conditions where !shown.contains(column) { shown.append(column) }
        return TableQuery(
            table: layout.name, computation: computation, column: valueColumn,
            shown: shown, conditions: conditions)
    }

    /// Comparison phrases: (greater, or equal).
    static let comparisons: [String: (Bool, Bool)] = [
        "over": (true, false), "above": (true, false), "more than": (true, false), "greater than": (true, false),
        "exceeding": (true, false), "at least": (true, true), "under": (false, false), "below": (false, false),
        "less than": (false, false), "at most": (false, true),
    ]
    /// A comparison phrase and the number after it (a currency sign and thousands separators allowed).
    nonisolated(unsafe) static let comparison =
        /(over|above|more\s+than|greater\s+than|exceeding|at\s+least|under|below|less\s+than|at\s+most)\s+[$€£]?\s*([0-9][0-9,]*(?:\.[0-9]+)?)/

    /// Quoted phrases and runs of capitalised words after the first word ("Acme Corp").
    static func names(in question: String) -> [String] {
        var names: [String] = []
        let quoted = question.split(separator: "\"", omittingEmptySubsequences: false)
        for (i, part) in quoted.enumerated() where i % 2 == 1 && !part.isEmpty { names.append(String(part)) }
        let words = quoted.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: " ")
            .split { !$0.isLetter && !$0.isNumber && $0 != "&" && $0 != "-" }.map(String.init)
        var run: [String] = []
        for (i, w) in words.enumerated() {
            if i > 0, w.first?.isUppercase ?? false, !QuestionTerms.ignored.contains(w.lowercased()) { run.append(w); continue }
            if !run.isEmpty { names.append(run.joined(separator: " ")); run = [] }
        }
        if !run.isEmpty { names.append(run.joined(separator: " ")) }
        return names
    }
}
