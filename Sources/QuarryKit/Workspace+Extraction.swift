import Foundation
import Progress
import Schema
import Tuning

extension Workspace {
    /// Checks a schema file and the paths to read before any database is opened or model loaded:
    /// a bad schema or a missing path is the caller's to fix.
    public static func checkInputs(schema path: String? = nil, paths: [String] = []) throws(QuarryError) {
        if let path { do { _ = try Validator(schema: try Schema.load(path), file: path) } catch { throw .schema(error) } }
        for path in paths where !FileManager.default.fileExists(atPath: path) { throw .noSuchPath(path) }
    }

    /// Extracts schema-typed rows from the documents under the request's paths into its table.
    public func extract(_ request: ExtractRequest, progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> ExtractReport {
        try Self.checkInputs(schema: request.schemaPath, paths: request.paths)
        return try TableExtraction(store: store, parsing: .parallel, encoder: try Self.encoder()).run(request, progress: progress)
    }

    /// Tunes (TAO) or trains (supervised, with gold rows) the table's extractor and stores the
    /// result as a new model version.
    public func tune(_ request: TuneRequest, progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> TuneReport {
        try Self.checkInputs(
            schema: request.schemaPath, paths: request.paths + (request.method == .supervised ? request.goldPath.map { [$0] } ?? [] : []))
        return try TuningRun(store: store, parsing: .parallel, encoder: try Self.encoder()).run(request, progress: progress)
    }

    /// Scores a table against gold rows (per-field precision, recall, F1, exact match), checks
    /// every evidence quote against its page, and stores the run; with `candidates`, also how many
    /// gold values were among the span extractor's candidates at all. The schema is the file at
    /// `schemaPath`, else the one the table was extracted with. `dates` reads the gold file's
    /// ambiguous dates; the candidates read the documents' as extraction does by default.
    public func evaluate(
        table: String, goldPath: String, schemaPath: String? = nil,
        dates: DateOrder = .monthFirst, candidates: Bool = false
    ) throws(QuarryError) -> TableEvaluation.Result {
        let evaluation = TableEvaluation(store: store)
        let schema: Schema
        if let schemaPath {
            do { schema = try Schema.load(schemaPath) } catch { throw .schema(error) }
        } else {
            schema = try evaluation.storedSchema(table: table)
        }
        var result = try evaluation.run(table: table, schema: schema, goldPath: goldPath, dates: dates)
        if candidates {
            result.candidates = try evaluation.candidateRecall(schema: schema, goldPath: goldPath, encoder: try Self.encoder(), goldDates: dates)
        }
        return result
    }
}
