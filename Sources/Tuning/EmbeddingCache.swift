import Extraction
import Schema
import Synchronization

/// An embedder with a memory: each distinct text is embedded once, in one batch with the other
/// texts it arrived with, and kept. The judges that compare texts with fields share one, since
/// they are called for every candidate of every document while the candidates of a document share
/// most of their evidence and every document shares the fields' queries. Safe to use from many
/// tasks at once (a mutex guards the table; embedding happens outside it, so two tasks may embed
/// the same new text twice, which is harmless). When it holds `capacity` texts it starts afresh.
public final class EmbeddingCache: Sendable {
    public let embedder: any TextEmbedder
    public let capacity: Int
    private let vectors = Mutex<[String: [Float]]>([:])

    public init(embedder: any TextEmbedder, capacity: Int = 200_000) {
        self.embedder = embedder
        self.capacity = max(1, capacity)
    }

    /// How many texts are cached.
    public var count: Int { vectors.withLock { $0.count } }

    /// One vector per text, in order; the empty text gets the empty vector (similar to nothing).
    public func embed(_ texts: [String]) -> [[Float]] {
        var found: [String: [Float]] = ["": []]
        vectors.withLock { table in
            for text in texts where found[text] == nil { found[text] = table[text] }
        }
        var missing: [String] = [], queued: Set<String> = []
        for text in texts where found[text] == nil && queued.insert(text).inserted { missing.append(text) }
        if !missing.isEmpty {
            let fresh = embedder.embed(missing)
            for (text, vector) in zip(missing, fresh) { found[text] = vector }
            vectors.withLock { table in
                if table.count + missing.count > capacity { table.removeAll(keepingCapacity: true) }
                for (text, vector) in zip(missing, fresh) { table[text] = vector }
            }
        }
        return texts.map { found[$0] ?? [] }
    }

    /// The cosine of two unit vectors (0 when either is empty or their lengths differ).
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var sum: Float = 0
        for i in a.indices { sum += a[i] * b[i] }
        return Double(sum)
    }
}
