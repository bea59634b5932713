import Documents
import Extraction
import Foundation
import Models
import Progress
import Schema
import Store
import Tuning

/// What `quarry extract` and the pipeline `extract` stage are asked to do.
public struct ExtractRequest: Sendable {
    public var schemaPath: String
    public var table: String
    /// The extractor: `span` (fast, encoder features) or `llm` (the embedded language model).
    public var extractor = ExtractorKind.span
    /// `--model`: for `span` a parameter file, the id of a model version in the store, or
    /// `zero-shot` for the prior (nil: the version promoted for the table, else the prior); for
    /// `llm` a GGUF file (nil: the cached SmolLM2-135M-Instruct).
    public var parametersPath: String?
    public var paths: [String]
    public var password: String?
    /// Drop and rebuild the table when the schema changed incompatibly.
    public var replace = false
    /// How to read ambiguous numeric dates; nil decides per document.
    public var dates: DateOrder?

    public init(schemaPath: String, table: String, paths: [String]) {
        self.schemaPath = schemaPath; self.table = table; self.paths = paths
    }
}

/// What an extraction did.
public struct ExtractReport: Sendable, Codable {
    /// How many rows have a value for one field, among the rows extracted in this run.
    public struct Fill: Sendable, Codable { public let field: String; public let filled: Int }
    /// A validation issue, with the document it is about.
    public struct Issue: Sendable, Codable {
        public let document: String; public let field: String; public let rule: String; public let message: String
    }

    public var table: String
    public var model: String
    /// `created`, `unchanged`, or `added: a, b`.
    public var tableChange: String
    public var ingest: IngestReport
    /// Documents under the paths that have text to extract from.
    public var documents = 0
    public var extracted = 0
    /// Documents whose row was already made by this model with this schema.
    public var upToDate = 0
    /// Rows in the table after the run.
    public var rows = 0
    public var filled: [Fill] = []
    public var issues = 0
    public var rowsWithIssues = 0
    /// The first validation issues of this run, for the report.
    public var issueSamples: [Issue] = []
    public var seconds = 0.0
}

/// Runs an extraction: ingests what is new under the paths, creates or evolves the typed table,
/// extracts the rows (or the missing fields) of the documents that need it, validates them, and
/// stores rows, evidence and issues in batches, so an interrupted run resumes where it stopped.
/// Every document of the request is then recorded in the usage log with the schema and the model.
public struct TableExtraction: Sendable {
    public let store: Store
    public let parsing: Ingestor.Parsing
    /// The sentence encoder: embeds chunks at ingest and gives the span extractor its features.
    public let encoder: SentenceEncoder
    /// Documents per write transaction.
    public var batchSize = 8

    public init(store: Store, parsing: Ingestor.Parsing = .inProcess, encoder: SentenceEncoder) {
        self.store = store; self.parsing = parsing; self.encoder = encoder
    }

    public func run(_ request: ExtractRequest, progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> ExtractReport {
        let clock = ContinuousClock.now
        let schema: Schema
        let validator: Validator
        do {
            schema = try Schema.load(request.schemaPath)
            validator = try Validator(schema: schema, file: request.schemaPath)
        } catch { throw .schema(error) }
        // The model is read (and a wrong --model refused) before anything is ingested; the
        // collection's date order is read after, from the documents as ingested.
        func ingest() throws(QuarryError) -> IngestReport {
            try Ingestor(store: store, password: request.password, parsing: parsing, encoder: encoder).ingest(request.paths, progress: progress)
        }
        switch request.extractor {
        case .span:
            let parameters = try Self.spanParameters(request, schema: schema, store: store)
            let ingested = try ingest()
            let extractor = SpanExtractor(
                schema: schema, parameters: parameters, embedder: encoder, dates: request.dates,
                collectionDates: try Self.collectionDates(request, store: store))
            return try run(request, schema: schema, validator: validator, ingest: ingested, clock: clock, progress: progress, extractor: extractor)
        case .llm:
            let model: LanguageModel
            do { model = try LanguageModel(path: request.parametersPath) } catch { throw .model(error) }
            let ingested = try ingest()
            return try run(
                request, schema: schema, validator: validator, ingest: ingested, clock: clock, progress: progress,
                extractor: try Self.languageModelExtractor(request, schema: schema, model: model, encoder: encoder, store: store))
        }
    }

    private func run<Extractor: ExtractorPolicy>(
        _ request: ExtractRequest, schema: Schema, validator: Validator, ingest: IngestReport,
        clock: ContinuousClock.Instant, progress: any ProgressReporter,
        extractor: Extractor
    ) throws(QuarryError) -> ExtractReport {
        let files = Set(try FileDiscovery.files(in: request.paths))

        let layout = ResultMapping.layout(schema, table: request.table)
        let change: TableChange
        let schemaData = FileManager.default.contents(atPath: request.schemaPath)
        let schemaText = schemaData.map { String(decoding: $0, as: UTF8.self) }
        do { change = try store.prepareResultTable(layout, schema: schemaText, replace: request.replace) } catch { throw .store(error) }
        var report = ExtractReport(table: request.table, model: extractor.version, tableChange: Self.describe(change), ingest: ingest)

        let documents: [DocumentRecord]
        let pending: [Int64: [String]]
        do {
            documents = try store.documents().filter { files.contains($0.path) && $0.status != .failed && $0.pageCount > 0 }
            pending = try store.pendingFields(
                table: request.table, documentIDs: documents.map(\.id),
                model: extractor.version, fields: layout.fields)
        } catch { throw .store(error) }
        report.documents = documents.count
        report.upToDate = documents.count - pending.count

        var filled = [String: Int]()
        var batch: [(ResultRow, [String])] = []
        func flush() throws(QuarryError) {
            // Rows covering the same fields go in one transaction.
            var groups: [[String]: [ResultRow]] = [:]
            for (row, fields) in batch { groups[fields, default: []].append(row) }
            do {
                for (fields, rows) in groups { try store.writeResults(table: request.table, rows: rows, model: extractor.version, fields: fields) }
            } catch { throw .store(error) }
            batch = []
        }
        let todo = documents.filter { pending[$0.id] != nil }
        progress.report(ProgressEvent(task: "extract", completed: 0, total: todo.count))
        for (n, record) in todo.enumerated() {
            let fields = pending[record.id]!
            let document = try Self.load(record, from: store)
            let candidate = extractor.decode(document)
            var values = candidate.row
            if fields.count < layout.fields.count {
                // Completing a row: validate the stored values together with the new ones.
                let stored: ResultRow?
                do { stored = try store.storedRow(table: request.table, documentID: record.id) } catch { throw .store(error) }
                if let stored {
                    for field in schema.fields where !fields.contains(field.name) {
                        values[field.name] = Self.storedValue(field, stored)
                    }
                }
            }
            let validation = validator.validate(values)
            let covered = Set(fields)
            let evidence = candidate.evidence.filter { covered.contains($0.topField) }
            batch.append(
                (
                    ResultMapping.row(
                        documentID: record.id, schema: schema, values: values, evidence: evidence,
                        issues: validation.violations), fields
                ))
            for field in fields where !(values[field] ?? .null).isEmptyValue { filled[field, default: 0] += 1 }
            report.issues += validation.violations.count
            if !validation.violations.isEmpty { report.rowsWithIssues += 1 }
            for v in validation.violations where report.issueSamples.count < 20 {
                report.issueSamples.append(.init(document: record.path, field: v.field, rule: v.rule, message: v.message))
            }
            report.extracted += 1
            if batch.count >= batchSize { try flush() }
            progress.report(ProgressEvent(task: "extract", completed: n + 1, total: todo.count, item: record.path))
        }
        try flush()
        do {
            try store.recordUsage(
                table: request.table, schemaSHA256: SourceFile.sha256(of: schemaData ?? Data()),
                model: extractor.version, documentIDs: documents.map(\.id))
        } catch { throw .store(error) }
        report.filled = layout.fields.map { ExtractReport.Fill(field: $0, filled: filled[$0] ?? 0) }
        do { report.rows = try store.rowCount(table: request.table) } catch { throw .store(error) }
        let elapsed = ContinuousClock.now - clock
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return report
    }

    /// The span extractor, with the parameters `spanParameters` chooses; without a date order
    /// asked for, ambiguous dates a document does not settle are read as the store's documents
    /// agree (`CollectionDates`).
    static func spanExtractor(
        _ request: ExtractRequest, schema: Schema, encoder: SentenceEncoder,
        store: Store? = nil
    ) throws(QuarryError) -> SpanExtractor {
        SpanExtractor(
            schema: schema, parameters: try spanParameters(request, schema: schema, store: store),
            embedder: encoder, dates: request.dates, collectionDates: try collectionDates(request, store: store))
    }

    /// The order for ambiguous dates a document does not settle: the store's, unless the request fixes the order.
    static func collectionDates(_ request: ExtractRequest, store: Store?) throws(QuarryError) -> DateOrder {
        guard request.dates == nil, let store else { return .monthFirst }
        return try CollectionDates.order(in: store)
    }

    /// The span extractor's parameters: the request's parameter file, or (when no such file
    /// exists) the model version of the store it names, nil for `zero-shot`; without one, the
    /// version promoted for the table, else nil for the zero-shot prior.
    static func spanParameters(_ request: ExtractRequest, schema: Schema, store: Store?) throws(QuarryError) -> SpanParameters? {
        if let name = request.parametersPath {
            guard let store, !FileManager.default.fileExists(atPath: name) else {
                do { return try SpanParameters.load(name, schema: schema) } catch { throw .extraction(error) }
            }
            if name == SpanParameters.zeroShotVersion { return nil }
            let version: ModelVersion?
            do { version = try store.modelVersion(id: name) } catch { throw .store(error) }
            guard let version else {
                throw .invalidOption(name: "model", message: "no parameter file or model version named \(name)")
            }
            return try spanParameters(version, table: request.table, schema: schema)
        }
        let promoted: ModelVersion?
        do { promoted = try store?.promotedVersion(table: request.table) } catch { throw .store(error) }
        guard let promoted, promoted.extractor == "span" else { return nil }
        return try spanParameters(promoted, table: request.table, schema: schema, promoted: true)
    }

    /// The parameters of a stored span version (one made for another table serves when its
    /// parameters fit the schema: a tuned version can fill a second table of the same kind); their
    /// `version` is the version's id, so rows record which model made them.
    static func spanParameters(
        _ version: ModelVersion, table: String, schema: Schema,
        promoted: Bool = false
    ) throws(QuarryError) -> SpanParameters {
        guard version.extractor == "span" else {
            throw .invalidOption(name: "model", message: "the model version \(version.id) is for the \(version.extractor) extractor, not span")
        }
        var parameters: SpanParameters
        do {
            let source = "model version \(version.id)" + (promoted ? " (promoted for \(table))" : "")
            parameters = try SpanParameters.decode(Data(version.parameters.utf8), source: source, schema: schema)
        } catch { throw .extraction(error) }
        parameters.version = version.id
        parameters.base = version.base
        return parameters
    }

    /// The language-model extractor on `model` (the request's GGUF file or the default model).
    static func languageModelExtractor(
        _ request: ExtractRequest, schema: Schema, model: LanguageModel, encoder: SentenceEncoder, store: Store? = nil
    ) throws(QuarryError) -> LanguageModelExtractor {
        var options = LanguageModelExtractor.Options()
        options.dates = request.dates
        options.collectionDates = try collectionDates(request, store: store)
        return LanguageModelExtractor(schema: schema, model: model, embedder: encoder, options: options)
    }

    /// A stored document with its pages and word boxes.
    static func load(_ record: DocumentRecord, from store: Store) throws(QuarryError) -> Document {
        do {
            return Document(
                kind: record.kind.flatMap(DocumentKind.init(rawValue:)) ?? .text,
                pages: try store.pages(documentID: record.id, withBoxes: true))
        } catch { throw .store(error) }
    }

    static func storedValue(_ field: Field, _ stored: ResultRow) -> Value {
        if case .table(let inner) = field.kind {
            return .array(
                (stored.children[field.name] ?? []).map { cells in
                    .object(Dictionary(uniqueKeysWithValues: inner.map { ($0.name, ResultMapping.value(cells[$0.name] ?? .null, $0)) }))
                })
        }
        return ResultMapping.value(stored.cells[field.name] ?? .null, field)
    }

    static func describe(_ change: TableChange) -> String {
        switch change {
        case .created: "created"
        case .unchanged: "unchanged"
        case .addedColumns(let names): "added: " + names.joined(separator: ", ")
        }
    }
}
