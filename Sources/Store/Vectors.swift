import Documents
import Foundation
internal import GRDB
import Tensors

/// Chunk embeddings to store with a document: row `i` of `vectors` belongs to chunk `i`.
public struct ChunkVectors: Sendable {
    /// The encoder that made them; search compares only vectors of one model.
    public let model: String
    public let vectors: Matrix

    public init(model: String, vectors: Matrix) {
        self.model = model; self.vectors = vectors
    }
}

/// The byte layout of `chunk_vectors.vector`: IEEE half-precision floats, little-endian, one per
/// dimension. Half precision keeps a 384-dimension vector in 768 bytes; for unit vectors it
/// changes cosine similarities by less than 1e-3.
public enum VectorCoding {
    public static func encode(_ values: ArraySlice<Float>) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 2)
        for v in values {
            let bits = Float16(v).bitPattern
            bytes.append(UInt8(bits & 0xFF)); bytes.append(UInt8(bits >> 8))
        }
        return Data(bytes)
    }

    /// Decodes `count` halves from `raw` into `out`. Finite values only (vectors never hold
    /// infinities): the conversion is a shift and a multiply, done eight at a time.
    @inline(__always)
    public static func decode(_ raw: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        let scale = SIMD8<Float>(repeating: 0x1p112)
        while i + 8 <= count {
            let halves = SIMD8<UInt32>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<UInt16>.self))
            let magnitude = unsafeBitCast((halves & 0x7FFF) &<< 13, to: SIMD8<Float>.self) * scale
            let signed = unsafeBitCast(magnitude, to: SIMD8<UInt32>.self) | ((halves & 0x8000) &<< 16)
            UnsafeMutableRawPointer(out + i).storeBytes(of: unsafeBitCast(signed, to: SIMD8<Float>.self), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let h = UInt32(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            let magnitude = Float(bitPattern: (h & 0x7FFF) << 13) * 0x1p112
            out[i] = Float(bitPattern: magnitude.bitPattern | ((h & 0x8000) << 16))
            i += 1
        }
    }

    public static func decode(_ data: Data) -> [Float] {
        let count = data.count / 2
        return [Float](unsafeUninitializedCapacity: count) { buffer, n in
            data.withUnsafeBytes { decode($0, count: count, into: buffer.baseAddress!) }
            n = count
        }
    }
}

/// A chunk found by vector similarity.
public struct VectorMatch: Sendable, Equatable {
    public let chunkID: Int64
    /// Cosine similarity to the query (vectors are unit length).
    public let score: Float
}

extension Store {
    /// Stores vectors for chunks already in the database (ids in the same order as the rows).
    func insertVectors(_ vectors: ChunkVectors, chunkIDs: [Int64], _ db: Database) throws {
        precondition(vectors.vectors.rows == chunkIDs.count, "\(vectors.vectors.rows) vectors for \(chunkIDs.count) chunks")
        let statement = try db.makeStatement(sql: "INSERT OR REPLACE INTO chunk_vectors (chunk_id, model, vector) VALUES (?, ?, ?)")
        let d = vectors.vectors.cols
        for (i, id) in chunkIDs.enumerated() {
            try statement.execute(arguments: [id, vectors.model, VectorCoding.encode(vectors.vectors.values[i * d..<(i + 1) * d])])
        }
    }

    /// Ids of documents with at least one chunk that has no vector from `model`.
    public func documentsMissingVectors(model: String) throws(StoreError) -> [Int64] {
        try guarded {
            try pool.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT c.document_id FROM chunks c
                        LEFT JOIN chunk_vectors v ON v.chunk_id = c.id AND v.model = ?
                        WHERE v.chunk_id IS NULL ORDER BY c.document_id
                        """, arguments: [model])
            }
        }
    }

    /// All pages of a document, in order; with their word boxes when `withBoxes` is true.
    public func pages(documentID: Int64, withBoxes: Bool = false) throws(StoreError) -> [Page] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT page_number, text, width, height\(withBoxes ? ", word_boxes" : "") FROM pages
                        WHERE document_id = ? ORDER BY page_number
                        """, arguments: [documentID]
                ).map { row in
                    let boxes: Data? = withBoxes ? row["word_boxes"] : nil
                    return Page(
                        number: row["page_number"], text: row["text"], width: row["width"], height: row["height"],
                        words: boxes.map(WordBoxCoding.decode) ?? [])
                }
            }
        }
    }

    /// Replaces a document's chunks (and with them their vectors and full-text entries) in one transaction.
    public func replaceChunks(documentID: Int64, chunks: [Chunk], vectors: ChunkVectors?) throws(StoreError) {
        try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM chunks WHERE document_id = ?", arguments: [documentID])
                let ids = try insertChunks(chunks, documentID: documentID, db)
                if let vectors { try insertVectors(vectors, chunkIDs: ids, db) }
            }
        }
    }

    func insertChunks(_ chunks: [Chunk], documentID: Int64, _ db: Database) throws -> [Int64] {
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO chunks (document_id, page_number, start, "end", text) VALUES (?, ?, ?, ?, ?)
                """)
        return try chunks.map { c in
            try statement.execute(arguments: [documentID, c.location.page, c.location.start, c.location.end, c.text])
            return db.lastInsertedRowID
        }
    }

    /// Whether any chunk has a vector from `model` (cheaper than counting them).
    public func hasVectors(model: String) throws(StoreError) -> Bool {
        try guarded {
            try pool.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM chunk_vectors WHERE model = ?)", arguments: [model]) ?? false
            }
        }
    }

    /// How many chunks have a vector from `model`.
    public func vectorCount(model: String) throws(StoreError) -> Int {
        try guarded {
            try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk_vectors WHERE model = ?", arguments: [model]) ?? 0 }
        }
    }

    /// The `limit` chunks whose vectors are most similar to `query`, best first: an exact scan of
    /// every stored vector of `model` (or only those of chunks in `scope`), in blocks multiplied
    /// with BLAS, keeping memory flat.
    public func nearestChunks(
        to query: [Float], model: String, limit: Int,
        scope: ChunkScope = .all
    ) throws(StoreError) -> [VectorMatch] {
        guard limit > 0, !query.isEmpty else { return [] }
        let d = query.count, blockRows = 4096
        return try guarded {
            try pool.read { db in
                var best = TopK(limit: limit)
                var block = Matrix(rows: blockRows, cols: d)
                var ids = [Int64](repeating: 0, count: blockRows)
                var filled = 0
                func flush() {
                    guard filled > 0 else { return }
                    var scores = [Float](repeating: 0, count: filled)
                    block.values.withUnsafeBufferPointer { a in
                        query.withUnsafeBufferPointer { x in
                            scores.withUnsafeMutableBufferPointer { y in
                                BLAS.gemv(m: filled, n: d, a: a.baseAddress!, lda: d, x: x.baseAddress!, y: y.baseAddress!)
                            }
                        }
                    }
                    for i in 0..<filled { best.offer(VectorMatch(chunkID: ids[i], score: scores[i])) }
                    filled = 0
                }
                let rows: RowCursor
                if scope != .all {
                    rows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT v.chunk_id, v.vector FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
                            WHERE v.model = ? AND \(scope.condition)
                            """, arguments: [model])
                } else {
                    rows = try Row.fetchCursor(db, sql: "SELECT chunk_id, vector FROM chunk_vectors WHERE model = ?", arguments: [model])
                }
                while let row = try rows.next() {
                    ids[filled] = row[0]
                    let stored = try row.withUnsafeData(atIndex: 1) { data -> Bool in
                        guard let data, data.count == 2 * d else { return false }
                        data.withUnsafeBytes { raw in
                            block.values.withUnsafeMutableBufferPointer { VectorCoding.decode(raw, count: d, into: $0.baseAddress! + filled * d) }
                        }
                        return true
                    }
                    guard stored else { continue }  // a vector of another dimension cannot be compared
                    filled += 1
                    if filled == blockRows { flush() }
                }
                flush()
                return best.sorted
            }
        }
    }
}

/// The `limit` best matches seen so far.
struct TopK {
    let limit: Int
    private var items: [VectorMatch] = []  // sorted, best first
    init(limit: Int) { self.limit = limit }

    mutating func offer(_ match: VectorMatch) {
        if items.count == limit, let worst = items.last, match.score <= worst.score { return }
        let at = items.firstIndex { $0.score < match.score } ?? items.count
        items.insert(match, at: at)
        if items.count > limit { items.removeLast() }
    }

    var sorted: [VectorMatch] { items }
}
