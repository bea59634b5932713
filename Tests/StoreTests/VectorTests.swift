import Documents
import Foundation
import QuarryTestSupport
import Tensors
import Testing

@testable import Store

@Suite struct VectorTests {
    let store: Store

    init() throws {
        let dir = try Paths.scratch("vectors")
        store = try Store(path: dir.appendingPathComponent("q.db").path)
    }

    /// Deterministic unit vectors.
    func unitVectors(_ count: Int, _ d: Int, seed: UInt64) -> Matrix {
        var state = seed
        var m = Matrix(rows: count, cols: d)
        for r in 0..<count {
            var row = (0..<d).map { _ -> Float in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
            }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            row = row.map { $0 / norm }
            m.values.replaceSubrange(r * d..<(r + 1) * d, with: row)
        }
        return m
    }

    func storeDocument(_ path: String, pages: Int, vectors: Matrix?, model: String = "m") throws -> [Chunk] {
        let doc = Document(kind: .text, pages: (1...pages).map { Page(number: $0, text: "page \($0) of \(path)") })
        let chunks = Chunker().chunks(of: doc)
        try store.replaceDocument(
            FileStamp(path: path, sha256: path, size: 1, mtime: 1), document: doc, chunks: chunks,
            vectors: vectors.map { ChunkVectors(model: model, vectors: $0) })
        return chunks
    }

    @Test func halfPrecisionRoundTripsCloselyAndExactlyForZero() {
        let values: [Float] = [0, -0.0, 1, -1, 0.5, 0.333333, -0.0001234, 6.1e-5, 3e-7, 65504]
        let decoded = VectorCoding.decode(VectorCoding.encode(values[...]))
        #expect(decoded.count == values.count)
        for (a, b) in zip(values, decoded) { #expect(abs(a - b) <= max(abs(a) * 1e-3, 6e-8), "\(a) → \(b)") }
        #expect(decoded[1].sign == .minus)
        let random = unitVectors(50, 384, seed: 9)
        for r in 0..<50 {
            let row = random.row(r)
            let back = VectorCoding.decode(VectorCoding.encode(row[...]))
            #expect(zip(row, back).reduce(0) { $0 + $1.0 * $1.1 } > 0.9999)
        }
    }

    @Test func nearestChunksIsAnExactScanAcrossBlocks() throws {
        // More rows than one 4096-row block, so the block boundary is crossed.
        let d = 16, perDocument = 1500, documents = 3
        var all: [Matrix] = []
        for i in 0..<documents {
            let vectors = unitVectors(perDocument, d, seed: UInt64(i + 1))
            let doc = Document(kind: .text, pages: (1...perDocument).map { Page(number: $0, text: "p\($0)") })
            let chunks = Chunker().chunks(of: doc)
            try store.replaceDocument(
                FileStamp(path: "/d\(i)", sha256: "\(i)", size: 1, mtime: 1), document: doc,
                chunks: chunks, vectors: ChunkVectors(model: "m", vectors: vectors))
            all.append(vectors)
        }
        let stacked = Matrix.stacking(all)
        let query = unitVectors(1, d, seed: 99).row(0)
        // Brute force over the half-precision values as stored.
        let decoded = (0..<stacked.rows).map { VectorCoding.decode(VectorCoding.encode(stacked.row($0)[...])) }
        let scores = decoded.map { zip($0, query).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        let expected = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(5).map { Int64($0 + 1) }
        let found = try store.nearestChunks(to: query, model: "m", limit: 5)
        #expect(found.map(\.chunkID) == expected)
        #expect(zip(found.map(\.score), expected.map { scores[Int($0) - 1] }).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(try store.nearestChunks(to: query, model: "other", limit: 5).isEmpty)
        #expect(try store.vectorCount(model: "m") == perDocument * documents)
        #expect(try store.hasVectors(model: "m") && !store.hasVectors(model: "other"))
    }

    @Test func vectorsGoWithTheirChunksAndMissingOnesAreFound() throws {
        _ = try storeDocument("/a", pages: 2, vectors: unitVectors(2, 8, seed: 1))
        _ = try storeDocument("/b", pages: 1, vectors: nil)
        _ = try storeDocument("/c", pages: 1, vectors: unitVectors(1, 8, seed: 2), model: "older")
        let ids = try store.documents().map(\.id)
        #expect(try store.documentsMissingVectors(model: "m") == [ids[1], ids[2]])
        // Replacing a document drops its old vectors with its chunks.
        _ = try storeDocument("/a", pages: 1, vectors: nil)
        #expect(try store.vectorCount(model: "m") == 0)
        // Re-chunking stores new chunks with their vectors.
        let b = ids[1]
        let pages = try store.pages(documentID: b)
        let chunks = Chunker().chunks(of: Document(kind: .text, pages: pages))
        try store.replaceChunks(documentID: b, chunks: chunks, vectors: ChunkVectors(model: "m", vectors: unitVectors(chunks.count, 8, seed: 3)))
        #expect(try store.vectorCount(model: "m") == chunks.count)
        #expect(try !store.documentsMissingVectors(model: "m").contains(b))
        #expect(try store.search("page").count == 3)  // the full-text index follows the chunks
    }

    @Test func hitsKeepTheGivenOrderAndSkipUnknownIDs() throws {
        let chunks = try storeDocument("/a", pages: 3, vectors: nil)
        #expect(chunks.count == 3)
        let hits = try store.hits([(3, 0.9), (99, 0.8), (1, 0.5)])
        #expect(hits.map(\.chunkID) == [3, 1])
        #expect(hits[0].location.page == 3 && hits[0].snippet == "page 3 of /a" && hits[0].score == 0.9)
    }
}
