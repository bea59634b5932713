/// What an ingest run did; encoded as the JSON that `quarry ingest --json` prints.
public struct IngestReport: Sendable, Codable, Equatable {
    /// A file that could not be ingested, and why.
    public struct Failure: Sendable, Codable, Equatable {
        public let path: String
        public let reason: String
    }

    /// A file that was ingested with a caveat (e.g. pages without a text layer).
    public struct Warning: Sendable, Codable, Equatable {
        public let path: String
        public let message: String
    }

    /// Files stored in this run (new or changed).
    public var ingested = 0
    /// Of those, files that replaced an earlier version.
    public var replaced = 0
    /// Files already stored with the same content.
    public var unchanged = 0
    public var failed = 0
    /// Pages and chunks stored in this run.
    public var pages = 0
    public var pagesWithoutText = 0
    public var chunks = 0
    /// Chunks embedded in this run (new documents' and earlier ones' that lacked vectors).
    public var embedded = 0
    public var failures: [Failure] = []
    public var warnings: [Warning] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case ingested, replaced, unchanged, failed, pages, chunks, embedded, failures, warnings
        case pagesWithoutText = "pages_without_text"
    }
}
