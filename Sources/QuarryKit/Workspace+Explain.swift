import Documents
import Extraction
import Foundation
import Schema
import Store

/// Why a table's row for one document holds what it does: the span extractor's reasoning for
/// each field (`FieldExplanation`), beside the value the table stores.
public struct ExplainReport: Sendable, Encodable {
    /// One field: the value stored in the table (nil when the document has no row) and the explanation.
    public struct Field: Sendable, Encodable {
        public let stored: String?
        public let explanation: FieldExplanation
    }

    public let table: String
    public let document: String
    /// The extractor explained: `span/<version>/<encoder>`.
    public let extractor: String
    /// The models that made the table's rows; when the explained extractor is not among them,
    /// the stored values may differ from its answers.
    public let tableModels: [String]
    public let fields: [Field]
}

extension Workspace {
    /// Explains the span extractor's answer for `document` (a path or file name) in `table`, with
    /// the table's schema and the version in force for it (or `model`: a version id, parameter
    /// file or `zero-shot`); `field` keeps one field. `limit` options are shown per field.
    public func explain(
        table: String, document: String, field: String? = nil, model: String? = nil, dates: DateOrder? = nil, limit: Int = 5
    ) throws(QuarryError) -> ExplainReport {
        let schema = try TableEvaluation(store: store).storedSchema(table: table)
        if let field, schema.field(field) == nil {
            throw .invalidOption(
                name: "field", message: "the table \(table) has no field \(field) (fields: \(schema.fields.map(\.name).joined(separator: ", ")))")
        }
        let record = try record(named: document)
        let path = record.path
        var request = ExtractRequest(schemaPath: "", table: table, paths: [])
        request.parametersPath = model
        request.dates = dates
        let extractor = try TableExtraction.spanExtractor(request, schema: schema, encoder: try Self.encoder(), store: store)
        let prepared = extractor.prepare(try TableExtraction.load(record, from: store))
        let row = try storing { () throws(StoreError) in try store.storedRow(table: table, documentID: record.id) }
        let models = try storing { () throws(StoreError) in try store.models(table: table) }
        let fields = zip(schema.fields, extractor.explain(prepared, limit: limit))
            .filter { field == nil || $0.0.name == field }
            .map { f, explanation in
                ExplainReport.Field(stored: row.map { "\(TableExtraction.storedValue(f, $0))" }, explanation: explanation)
            }
        return ExplainReport(table: table, document: path, extractor: extractor.version, tableModels: models.sorted(), fields: fields)
    }

    /// The document a person names: its path, its file name (case and extension forgiven), or a
    /// part of its file name that only it has.
    func record(named document: String) throws(QuarryError) -> DocumentRecord {
        let records = try documents()
        if let path = DocumentNameIndex(records.map(\.path)).match(document) ?? records.first(where: { $0.path == document })?.path,
            let record = records.first(where: { $0.path == path })
        {
            return record
        }
        let part = document.lowercased()
        let containing = records.filter { DocumentNameIndex.name($0.path).contains(part) }
        guard containing.count == 1, let record = containing.first else {
            let message =
                containing.isEmpty
                ? "no document named \(document) in \(path)"
                : "\(containing.count) documents have \(document) in their name: "
                    + containing.prefix(5).map { DocumentNameIndex.name($0.path) }.joined(separator: ", ") + (containing.count > 5 ? ", …" : "")
            throw .invalidOption(name: "document", message: message)
        }
        return record
    }
}
