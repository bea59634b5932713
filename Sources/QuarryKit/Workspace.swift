import Assistant
import Foundation
import Models
import Progress
import Store

/// A project database opened for the operations a face (the command line, the server) offers:
/// each takes plain inputs and returns a typed report, so both faces run exactly the same code.
public struct Workspace: Sendable {
    let store: Store

    /// Opens the database at `path`; it must exist unless `create` is true.
    public init(database path: String, create: Bool = false) throws(QuarryError) {
        do { store = try Store(path: path, create: create) } catch { throw .store(error) }
    }

    /// The database file.
    public var path: String { store.path }

    /// The installed sentence encoder; a missing or damaged model is a `QuarryError.model`.
    static func encoder() throws(QuarryError) -> SentenceEncoder {
        do { return try SentenceEncoder() } catch { throw .model(error) }
    }

    /// Runs `body`, turning the store's errors into `QuarryError.store`.
    func storing<T>(_ body: () throws(StoreError) -> T) throws(QuarryError) -> T {
        do { return try body() } catch { throw .store(error) }
    }

    // MARK: The corpus

    /// Ingests files and folders (recursively): new and changed files are parsed, chunked and,
    /// with `embed`, embedded; unreadable ones are reported as failed and the rest go on.
    public func ingest(
        _ paths: [String], password: String? = nil, embed: Bool = true,
        progress: any ProgressReporter = SilentProgress()
    ) throws(QuarryError) -> IngestReport {
        try Self.checkInputs(paths: paths)
        let encoder = embed ? try Self.encoder() : nil
        return try Ingestor(store: store, password: password, parsing: .parallel, encoder: encoder).ingest(paths, progress: progress)
    }

    /// Every document in the database, with its status.
    public func documents() throws(QuarryError) -> [DocumentRecord] {
        try storing { () throws(StoreError) in try store.documents() }
    }

    /// Chunks matching `terms` by words (BM25), by meaning (vectors) or both, best first.
    /// `highlight` marks the matched words in each hit's snippet.
    public func search(
        _ terms: String, mode: Searcher.Mode = .lexical, limit: Int = 10, matchAll: Bool = false,
        highlight: (String, String) = ("[", "]")
    ) throws(QuarryError) -> [SearchHit] {
        let searcher = Searcher(store: store, encoder: mode == .lexical ? nil : try Self.encoder())
        do { return try searcher.search(terms, mode: mode, limit: limit, matchAll: matchAll, highlight: highlight) } catch {
            throw .assistant(error)
        }
    }

    /// Runs one read-only SQL statement against the database at `path`; statements that would
    /// change it are refused.
    public static func query(_ sql: String, database path: String) throws(QuarryError) -> QueryResult {
        do { return try Store.readOnlyQuery(sql, databasePath: path) } catch { throw .store(error) }
    }
}

extension Ingestor.Parsing {
    /// Parse in worker processes running this same executable, one per core.
    public static var parallel: Ingestor.Parsing {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return .workers(executable: me, count: ProcessInfo.processInfo.activeProcessorCount)
    }
}
