import Store
import Models

/// Finds chunks by words (BM25), by meaning (cosine similarity of sentence vectors), or by both
/// fused with reciprocal rank fusion: each list gives a chunk `1 / (k + rank)` and the sums rank
/// the union, so a chunk near the top of either list rises without scores needing a common scale.
public struct Searcher: Sendable {
    /// How hits are found.
    public enum Mode: String, Sendable, CaseIterable, Codable {
        case lexical, semantic, hybrid
    }

    public let store: Store
    /// Needed for semantic and hybrid search.
    public let encoder: SentenceEncoder?
    /// The RRF constant; 60 is the value from Cormack et al. (2009).
    public var fusionConstant = 60.0
    /// How deep each list is read before fusing.
    public var candidates = 50

    public init(store: Store, encoder: SentenceEncoder?) {
        self.store = store
        self.encoder = encoder
    }

    /// The best `limit` chunks for `query`.
    public func search(_ query: String, mode: Mode, limit: Int = 10, matchAll: Bool = false,
                       highlight: (String, String) = ("[", "]")) throws(QuarryError) -> [SearchHit] {
        switch mode {
        case .lexical:
            do { return try store.search(query, limit: limit, matchAll: matchAll, highlight: highlight) } catch { throw .store(error) }
        case .semantic:
            let matches = try semantic(query, limit: limit)
            do { return try store.hits(matches.map { ($0.chunkID, Double($0.score)) }) } catch { throw .store(error) }
        case .hybrid:
            let depth = max(candidates, limit)
            let lexical: [SearchHit]
            do { lexical = try store.search(query, limit: depth, matchAll: matchAll, highlight: highlight) } catch { throw .store(error) }
            let semantic = try semantic(query, limit: depth)
            var fused: [Int64: Double] = [:]
            for (rank, hit) in lexical.enumerated() { fused[hit.chunkID, default: 0] += 1 / (fusionConstant + Double(rank + 1)) }
            for (rank, match) in semantic.enumerated() { fused[match.chunkID, default: 0] += 1 / (fusionConstant + Double(rank + 1)) }
            let top = fused.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
            let snippets = Dictionary(lexical.map { ($0.chunkID, $0.snippet) }, uniquingKeysWith: { a, _ in a })
            do {
                return try store.hits(top.map { ($0.key, $0.value) }).map { hit in
                    snippets[hit.chunkID].map { hit.with(snippet: $0) } ?? hit
                }
            } catch { throw .store(error) }
        }
    }

    private func semantic(_ query: String, limit: Int) throws(QuarryError) -> [VectorMatch] {
        guard let encoder else { throw .model(.invalidInput("semantic search needs the sentence encoder")) }
        let vector = encoder.encode([query]).row(0)
        let count: Int
        do { count = try store.vectorCount(model: encoder.name) } catch { throw .store(error) }
        guard count > 0 else { throw .noVectors(model: encoder.name) }
        do { return try store.nearestChunks(to: vector, model: encoder.name, limit: limit) } catch { throw .store(error) }
    }
}
