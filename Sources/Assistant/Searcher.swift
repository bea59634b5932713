import Models
import Store

/// Finds chunks by words (BM25), by meaning (cosine similarity of sentence vectors), or by both.
///
/// Hybrid search fuses four rankings by reciprocal rank fusion (each gives a chunk
/// `weight / (k + rank)`, and the sums rank the union, so no scores need a common scale):
/// 1. the lexical ranking of chunks;
/// 2. the documents those chunks belong to, in the order of their best chunk: every chunk of a
///    document the words point to (say, by a party's name) gets that document's rank;
/// 3. every chunk of the top `focusDocuments` documents ranked by meaning, so the clause that
///    answers the question rises even when it never repeats the words that found its document
///    (a governing-law clause says "the Company", not the company's name);
/// 4. the best chunks of the whole collection by meaning, at half weight, for chunks that share no
///    words with the query at all.
/// Fusing a plain lexical and a plain semantic list instead ranked worse than lexical alone on
/// questions about contracts (Benchmarks/search_quality.py): generic "this agreement" chunks from
/// every document came near the top of both lists and pushed the answer down.
public struct Searcher: Sendable {
    /// How hits are found.
    public enum Mode: String, Sendable, CaseIterable, Codable {
        case lexical, semantic, hybrid
    }

    public let store: Store
    /// Needed for semantic and hybrid search.
    public let encoder: SentenceEncoder?
    /// The RRF constant; 60 is the usual value (Cormack et al., 2009).
    public var fusionConstant = 60.0
    /// How deep the lexical and the collection-wide semantic rankings are read.
    public var candidates = 50
    /// How many of the best lexical documents have all their chunks ranked by meaning.
    public var focusDocuments = 3
    /// The weight of the collection-wide semantic ranking.
    public var globalSemanticWeight = 0.5

    public init(store: Store, encoder: SentenceEncoder?) {
        self.store = store
        self.encoder = encoder
    }

    /// The best `limit` chunks of `scope` for `query`.
    public func search(
        _ query: String, mode: Mode, limit: Int = 10, matchAll: Bool = false, scope: ChunkScope = .all,
        highlight: (String, String) = ("[", "]")
    ) throws(AssistantError) -> [SearchHit] {
        switch mode {
        case .lexical:
            do { return try store.search(query, limit: limit, matchAll: matchAll, scope: scope, highlight: highlight) } catch { throw .store(error) }
        case .semantic:
            let (vector, model) = try embed(query)
            do {
                let matches = try store.nearestChunks(to: vector, model: model, limit: limit, scope: scope)
                return try store.hits(matches.map { ($0.chunkID, Double($0.score)) })
            } catch { throw .store(error) }
        case .hybrid:
            return try hybrid(query, limit: limit, matchAll: matchAll, scope: scope, highlight: highlight)
        }
    }

    private func hybrid(
        _ query: String, limit: Int, matchAll: Bool, scope: ChunkScope,
        highlight: (String, String)
    ) throws(AssistantError) -> [SearchHit] {
        let depth = max(candidates, limit)
        let (vector, model) = try embed(query)
        do {
            let lexical = try store.search(query, limit: depth, matchAll: matchAll, scope: scope, highlight: highlight)
            var documentRank: [Int64: Int] = [:]
            for hit in lexical where documentRank[hit.documentID] == nil { documentRank[hit.documentID] = documentRank.count + 1 }
            let focus = documentRank.filter { $0.value <= focusDocuments }.map(\.key).sorted()
            let local =
                focus.isEmpty
                ? []
                : try store.nearestChunks(
                    to: vector, model: model, limit: 100_000,
                    scope: ChunkScope(documents: focus, pages: scope.pages))
            let global = try store.nearestChunks(to: vector, model: model, limit: depth, scope: scope)

            var fused: [Int64: Double] = [:]
            func add(_ ids: [Int64], weight: Double = 1) {
                for (rank, id) in ids.enumerated() { fused[id, default: 0] += weight / (fusionConstant + Double(rank + 1)) }
            }
            add(lexical.map(\.chunkID))
            add(local.map(\.chunkID))
            add(global.map(\.chunkID), weight: globalSemanticWeight)
            let candidates = try store.hits(fused.map { ($0.key, 0) })
            for hit in candidates {
                if let rank = documentRank[hit.documentID] { fused[hit.chunkID, default: 0] += 1 / (fusionConstant + Double(rank)) }
            }
            let byID = Dictionary(candidates.map { ($0.chunkID, $0) }, uniquingKeysWith: { a, _ in a })
            let snippets = Dictionary(lexical.map { ($0.chunkID, $0.snippet) }, uniquingKeysWith: { a, _ in a })
            let ranked = fused.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
            var hits: [SearchHit] = []
            for (id, score) in ranked {
                guard let hit = byID[id] else { continue }
                hits.append(hit.with(score: score, snippet: snippets[id]))
            }
            return hits
        } catch { throw .store(error) }
    }

    /// The query's vector and the model name, after checking that the store has vectors to compare.
    func embed(_ query: String) throws(AssistantError) -> ([Float], String) {
        guard let encoder else { throw .model(.invalidInput("semantic search needs the sentence encoder")) }
        let present: Bool
        do { present = try store.hasVectors(model: encoder.name) } catch { throw .store(error) }
        guard present else { throw .noVectors(model: encoder.name) }
        return (encoder.encode([query], threads: 1).row(0), encoder.name)
    }
}
