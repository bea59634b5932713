import Store

/// What the usage log says a table's extractions have read: the documents a tuning run learns from.
public enum UsageLog {
    /// The documents extractions into `table` have read that are still in the corpus, each once,
    /// in order of first use.
    public static func documents(table: String, in store: Store) throws(QuarryError) -> [DocumentRecord] {
        let ids: [Int64]
        let corpus: [DocumentRecord]
        do {
            ids = try store.usedDocumentIDs(table: table)
            corpus = try store.documents()
        } catch { throw .store(error) }
        let byID = Dictionary(corpus.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }
}
