import Documents
import Extraction
import Foundation
import Models
import Schema
import Store
import Tuning

/// Scores a table against gold rows (`quarry eval`) and records the run and its metrics, so
/// results can be compared over time with SQL (`runs`, `metrics`).
public struct TableEvaluation: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// A scored table: the stored run's id, the scores, and the check of its evidence quotes.
    public struct Result: Sendable, Encodable {
        public let run: Int64
        public let table: String
        public let report: EvaluationReport
        public let evidence: EvidenceCheck
        /// How well the stored cells' confidences match how often they are right (cells without a
        /// confidence, such as older rows', are left out).
        public var calibration: Calibration
        /// Per field, the share of gold values among the span extractor's candidates (the most it
        /// could find); nil unless asked for.
        public var candidates: [CandidateRecall]?
    }

    /// How many of the gold file's values the span extractor's candidates hold, field by field:
    /// each gold document in the database is read again and its candidates found, with `encoder`
    /// for their features (candidates do not depend on the extractor's weights), its dates read as
    /// extraction reads them by default. `goldDates` reads the gold file's ambiguous dates.
    public func candidateRecall(schema: Schema, goldPath: String, encoder: SentenceEncoder, goldDates: DateOrder = .monthFirst)
        throws(QuarryError) -> [CandidateRecall]
    {
        let gold: [GoldRow]
        do { gold = try GoldFile.load(goldPath, schema: schema, dates: goldDates) } catch { throw .tuning(error) }
        let records: [DocumentRecord]
        do { records = try store.documents().filter { $0.status != .failed } } catch { throw .store(error) }
        let index = DocumentNameIndex(records.map(\.path))
        let byPath = Dictionary(records.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let extractor = SpanExtractor(schema: schema, embedder: encoder, collectionDates: try CollectionDates.order(in: store))
        var candidates: [String: [String: [Value]]] = [:]
        for row in gold {
            guard let path = index.match(row.document), candidates[path] == nil, let record = byPath[path] else { continue }
            let prepared = extractor.prepare(try TableExtraction.load(record, from: store))
            candidates[path] = Dictionary(uniqueKeysWithValues: schema.fields.enumerated().map { ($1.name, prepared.candidateValues($0)) })
        }
        return Evaluator.candidateRecall(schema: schema, candidates: candidates, gold: gold)
    }

    /// The schema a table was extracted with.
    public func storedSchema(table: String) throws(QuarryError) -> Schema {
        let text: String?
        do { text = try store.resultTableSchema(table) } catch { throw .store(error) }
        guard let text else {
            throw .noSuchTable(name: table, database: store.path)
        }
        do { return try Schema.parse(text, file: "schema of \(table)") } catch { throw .schema(error) }
    }

    /// The scores, the id of the stored run, and the check of the table's evidence quotes.
    public func run(table: String, schema: Schema, goldPath: String, dates: DateOrder = .monthFirst) throws(QuarryError) -> Result {
        let gold: [GoldRow]
        do { gold = try GoldFile.load(goldPath, schema: schema, dates: dates) } catch { throw .tuning(error) }
        let startedAt = Date().formatted(.iso8601)
        var predicted: [String: [String: Value]] = [:]
        var confidences: [String: [String: [Int: Double]]] = [:]
        var models = Set<String>()
        do {
            guard try store.resultTableLayout(table) != nil else {
                throw QuarryError.noSuchTable(name: table, database: store.path)
            }
            for record in try store.documents() {
                guard let row = try store.storedRow(table: table, documentID: record.id) else { continue }
                var values: [String: Value] = [:]
                for field in schema.fields { values[field.name] = TableExtraction.storedValue(field, row) }
                predicted[record.path] = values
                for e in row.evidence where e.field == e.topField {
                    if let confidence = e.confidence { confidences[record.path, default: [:]][e.field, default: [:]][e.valueIndex] = confidence }
                }
            }
            models = try store.models(table: table)
        } catch let error as QuarryError { throw error } catch let error as StoreError { throw .store(error) } catch {
            throw .invalidOption(name: "table", message: "\(error)")
        }
        let report = Evaluator.evaluate(schema: schema, predicted: predicted, gold: gold)
        let calibration = Evaluator.calibration(schema: schema, predicted: predicted, confidences: confidences, gold: gold)
        var metrics: [Metric] = []
        for score in report.fields + [report.micro] {
            metrics += [
                Metric(field: score.field, name: "precision", value: score.precision),
                Metric(field: score.field, name: "recall", value: score.recall),
                Metric(field: score.field, name: "f1", value: score.f1),
                Metric(field: score.field, name: "exact", value: score.exact),
            ]
        }
        metrics += [
            Metric(field: "macro", name: "precision", value: report.macroPrecision),
            Metric(field: "macro", name: "recall", value: report.macroRecall),
            Metric(field: "macro", name: "f1", value: report.macroF1),
            Metric(field: "macro", name: "exact", value: report.macroExact),
        ]
        if calibration.cells > 0 { metrics.append(Metric(field: "confidence", name: "ece", value: calibration.expectedCalibrationError)) }
        let details = (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) }
        let run = RunRecord(
            kind: "eval", table: table, model: models.sorted().joined(separator: ", "),
            source: URL(fileURLWithPath: goldPath).standardizedFileURL.path, startedAt: startedAt, details: details)
        do {
            let check = try store.verifyEvidence(table: table)
            metrics.append(
                Metric(
                    field: "evidence", name: "verified",
                    value: check.checked == 0 ? 1 : Double(check.checked - check.mismatched) / Double(check.checked)))
            return Result(run: try store.recordRun(run, metrics: metrics), table: table, report: report, evidence: check, calibration: calibration)
        } catch { throw .store(error) }
    }
}
