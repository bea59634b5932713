import Foundation
import Progress
import Store

/// What running a pipeline file did: every stage's report, the documents in the database after
/// it, and a query to look at each table it filled.
public struct PipelineOutcome: Sendable {
    public let pipeline: String
    public let database: String
    public let stages: [PipelineRunner.StageResult]
    public let documents: [DocumentRecord]
    /// For each table an extract stage filled: a read-only SQL query showing its first rows.
    public let tableQueries: [(table: String, sql: String)]

    /// Whether some document could not be read (the rest went through every stage).
    public var someFailed: Bool {
        stages.contains { stage in
            switch stage {
            case .ingest(let report): report.failed > 0
            case .extract(let report): report.ingest.failed > 0
            case .tune: false
            }
        }
    }
}

extension PipelineRunner.StageResult: Encodable {
    enum CodingKeys: String, CodingKey { case ingest, extract, tune }

    /// `{"ingest": …}`, `{"extract": …}` or `{"tune": …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .ingest(let report): try container.encode(report, forKey: .ingest)
        case .extract(let report): try container.encode(report, forKey: .extract)
        case .tune(let report): try container.encode(report, forKey: .tune)
        }
    }
}

extension Workspace {
    /// Runs the pipeline file at `path` into `database`, else the pipeline's own `database`, else `quarry.db`.
    /// `started` is told the pipeline's name and the database before the first stage runs.
    public static func runPipeline(
        _ path: String, database: String? = nil, progress: any ProgressReporter = SilentProgress(),
        started: (String, String) -> Void = { _, _ in }
    ) throws(QuarryError) -> PipelineOutcome {
        let pipeline = try Pipeline.load(path)
        let workspace = try Workspace(database: database ?? pipeline.database ?? "quarry.db", create: true)
        started(pipeline.name, workspace.path)
        let stages = try PipelineRunner(pipeline: pipeline, store: workspace.store, parsing: .parallel).run(progress: progress)
        var tables: [String] = []
        for case .extract(let report) in stages where !tables.contains(report.table) { tables.append(report.table) }
        var queries: [(table: String, sql: String)] = []
        for table in tables {
            let layout = try workspace.storing { () throws(StoreError) in try workspace.store.resultTableLayout(table) }
            if let layout { queries.append((table, SQLText.firstRows(of: layout))) }
        }
        return PipelineOutcome(
            pipeline: pipeline.name, database: workspace.path, stages: stages, documents: try workspace.documents(),
            tableQueries: queries)
    }
}

/// Writing SQL for people to run: identifiers quoted where they must be.
enum SQLText {
    /// `SELECT document_path, <the first three columns> FROM <table> LIMIT 5`.
    static func firstRows(of layout: ResultTableLayout) -> String {
        let columns = ["document_path"] + layout.columns.prefix(3).map { identifier($0.name) }
        return "SELECT \(columns.joined(separator: ", ")) FROM \(layout.name) LIMIT 5"
    }

    /// A column name as SQL: bare when it is a plain word that is no keyword, else double-quoted.
    static func identifier(_ name: String) -> String {
        name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil && !keywords.contains(name.lowercased())
            ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Keywords that a column name must be quoted to be used as.
    static let keywords: Set<String> = [
        "end", "order", "group", "select", "from", "where", "limit", "table", "index",
        "by", "as", "on", "in", "is", "not", "and", "or", "case", "when", "then",
        "else", "default", "check", "references", "to", "transaction", "values",
    ]
}
