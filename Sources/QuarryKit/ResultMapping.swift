import Documents
import Extraction
import Foundation
import Schema
import Store

/// How a schema becomes a typed table, and values become cells: strings, ISO dates and date-times
/// as TEXT, numbers as REAL, integers and booleans (0/1) as INTEGER, lists of scalars as JSON
/// array TEXT, arrays of objects as a child table with a column per sub-field.
enum ResultMapping {
    static func layout(_ schema: Schema, table: String) -> ResultTableLayout {
        var columns: [ResultColumn] = []
        var children: [ChildTableLayout] = []
        for field in schema.fields {
            switch field.kind {
            case .scalar(let type): columns.append(ResultColumn(name: field.name, type: columnType(type)))
            case .list: columns.append(ResultColumn(name: field.name, type: .text))
            case .table(let inner):
                children.append(
                    ChildTableLayout(
                        name: field.name,
                        columns: inner.map { sub in
                            if case .scalar(let type) = sub.kind {
                                ResultColumn(name: sub.name, type: columnType(type))
                            } else {
                                ResultColumn(name: sub.name, type: .text)
                            }
                        }))
            }
        }
        return ResultTableLayout(name: table, columns: columns, children: children)
    }

    static func columnType(_ type: ScalarType) -> ColumnType {
        switch type.base {
        case .string: .text
        case .number: .real
        case .integer, .boolean: .integer
        }
    }

    /// The cell of a value.
    static func cell(_ value: Value) -> SQLValue {
        switch value {
        case .null: .null
        case .string(let s), .dateTime(let s): .text(s)
        case .number(let d): .real(d)
        case .integer(let i): .integer(i)
        case .boolean(let b): .integer(b ? 1 : 0)
        case .date(let d): .text(d.iso)
        case .array, .object: .text(json(value))
        }
    }

    /// A value as JSON text (lists are stored this way).
    static func json(_ value: Value) -> String {
        let object = jsonObject(value)
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A value as a JSON-compatible object (for `--json` output and stored lists).
    static func jsonObject(_ value: Value) -> Any {
        switch value {
        case .null: NSNull()
        case .string(let s), .dateTime(let s): s
        case .number(let d): d
        case .integer(let i): i
        case .boolean(let b): b
        case .date(let d): d.iso
        case .array(let items): items.map(jsonObject)
        case .object(let fields): fields.mapValues(jsonObject)
        }
    }

    /// The value of a stored cell, read back for a field (to validate a row completed field by field).
    static func value(_ cell: SQLValue, _ field: Field) -> Value {
        if case .null = cell { return .null }
        switch (field.kind, cell) {
        case (.list, .text(let text)), (.table, .text(let text)):
            return field.value(fromJSON: try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
        case (.scalar(let type), .integer(let i)) where type.base == .boolean: return .boolean(i != 0)
        case (.scalar, .integer(let i)): return .integer(i)
        case (.scalar, .real(let d)): return .number(d)
        case (.scalar(let type), .text(let s)):
            if type.format == .date { return LocalDate(iso: s).map(Value.date) ?? .string(s) }
            if type.format == .dateTime { return .dateTime(s) }
            return .string(s)
        default: return .null
        }
    }

    /// A row ready to store: the cells of the fields, the child rows, the evidence and the issues.
    static func row(documentID: Int64, schema: Schema, values: [String: Value], evidence: [Evidence], issues: [Violation]) -> ResultRow {
        var cells: [String: SQLValue] = [:]
        var children: [String: [[String: SQLValue]]] = [:]
        for field in schema.fields {
            let value = values[field.name] ?? .null
            if case .table = field.kind {
                guard case .array(let items) = value else { children[field.name] = []; continue }
                children[field.name] = items.compactMap { item in
                    guard case .object(let sub) = item else { return nil }
                    return sub.mapValues(cell)
                }
            } else {
                cells[field.name] = cell(value)
            }
        }
        return ResultRow(
            documentID: documentID, cells: cells, children: children,
            evidence: evidence,
            issues: issues.map { CellIssue(field: $0.field, rule: $0.rule, message: $0.message) })
    }
}
