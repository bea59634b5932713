import Foundation
import Schema

/// One gold row: the document's file name and its field values, normalised by the schema.
public struct GoldRow: Sendable {
    public let document: String
    public let fields: [String: Value]

    public init(document: String, fields: [String: Value]) {
        self.document = document
        self.fields = fields
    }
}

/// Gold files: JSON Lines, one `{"document": "<file name>", "fields": {...}}` per line (blank lines
/// skipped). Values are read as extracted values are normalised (`Field.value(fromJSON:dates:)`), so
/// gold and predictions meet as the same types; a field left out or `null` has no gold value.
public enum GoldFile {
    /// Reads a gold file; errors name the file and the line.
    public static func load(_ path: String, schema: Schema, dates: DateOrder = .monthFirst) throws(TuningError) -> [GoldRow] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidGold(file: path, line: 0, reason: "the file cannot be read")
        }
        return try parse(data, schema: schema, dates: dates, file: path)
    }

    /// Parses gold lines; `file` names them in errors.
    public static func parse(
        _ data: Data, schema: Schema, dates: DateOrder = .monthFirst,
        file: String = "gold"
    ) throws(TuningError) -> [GoldRow] {
        var rows: [GoldRow] = []
        let data = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data  // a byte-order mark
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { !isJSONWhitespace($0) }) else { continue }
            if let row = try row(Data(line), schema: schema, dates: dates, file: file, line: index + 1) { rows.append(row) }
        }
        return rows
    }

    private static func row(_ line: Data, schema: Schema, dates: DateOrder, file: String, line number: Int) throws(TuningError) -> GoldRow? {
        func fail(_ reason: String) -> TuningError { .invalidGold(file: file, line: number, reason: reason) }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: line) } catch {
            throw fail("not valid JSON (each line holds one object)")
        }
        guard let object = json as? [String: Any] else { throw fail("expected an object {\"document\": …, \"fields\": {…}}") }
        if let key = object.keys.sorted().first(where: { $0 != "document" && $0 != "fields" }) {
            throw fail("unknown key \"\(key)\" (a line has \"document\" and \"fields\")")
        }
        guard let document = object["document"] as? String, !document.isEmpty else {
            throw fail("\"document\" must be the document's file name")
        }
        guard let values = object["fields"] as? [String: Any] else { throw fail("\"fields\" must be an object of field values") }
        var fields: [String: Value] = [:]
        for name in values.keys.sorted() {
            guard let field = schema.field(name) else {
                throw fail("unknown field \"\(name)\"; the schema has \(schema.fields.map(\.name).joined(separator: ", "))")
            }
            if let problem = problem(values[name], field, name) { throw fail(problem) }
            fields[name] = field.value(fromJSON: values[name], dates: dates)
        }
        return GoldRow(document: document, fields: fields)
    }

    /// What is wrong with the shape of `json` as a value of `field` (`path` names it), or nil.
    private static func problem(_ json: Any?, _ field: Field, _ path: String) -> String? {
        guard let json, !(json is NSNull) else { return nil }
        func isScalar(_ item: Any) -> Bool { !(item is [Any]) && !(item is [String: Any]) }
        switch field.kind {
        case .scalar:
            return isScalar(json) ? nil : "field \(path): expected one value, not a list or an object"
        case .list:
            let items = (json as? [Any]) ?? [json]
            return items.allSatisfy(isScalar) ? nil : "field \(path): expected a list of single values"
        case .table(let columns):
            guard let rows = json as? [Any] else { return "field \(path): expected a list of row objects" }
            for (i, item) in rows.enumerated() {
                guard let row = item as? [String: Any] else { return "field \(path)[\(i)]: expected a row object" }
                for key in row.keys.sorted() {
                    guard let column = columns.first(where: { $0.name == key }) else {
                        return "unknown field \"\(path)[\(i)].\(key)\"; \(path) rows have \(columns.map(\.name).joined(separator: ", "))"
                    }
                    if let problem = problem(row[key], column, "\(path)[\(i)].\(key)") { return problem }
                }
            }
            return nil
        }
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}

/// Gold rows found by document path: a row matches the path with the same file name (ignoring
/// case), or failing that the same name without its extension, as `Evaluator` matches them.
public struct GoldIndex: Sendable {
    private let rows: [String: [String: Value]]
    private let index: Evaluator.DocumentIndex

    public init(_ gold: [GoldRow]) {
        rows = Dictionary(gold.map { ($0.document, $0.fields) }, uniquingKeysWith: { a, _ in a })
        index = Evaluator.DocumentIndex(rows.keys)
    }

    /// The gold fields of the document at `path`, if a row names it.
    public func row(for path: String) -> [String: Value]? { index.match(path).flatMap { rows[$0] } }
}
