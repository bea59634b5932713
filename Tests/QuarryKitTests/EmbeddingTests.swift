import Assistant
import Foundation
import Models
import QuarryTestSupport
import Store
import Testing

@testable import QuarryKit

@Suite(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
struct EmbeddingTests {
    let encoder = TestModels.encoder!

    @Test func ingestEmbedsEveryChunkWithinTheModelLength() throws {
        let ws = try ScratchWorkspace(fixtures: ["documents/invoice-kestrel-maschinenbau-2024-0815.pdf", "documents/receipt-weber-baustoffe-1.txt"])
        // A long paragraph without breaks, far over 256 tokens, must be split, not truncated.
        try ws.write("long.txt", Data(String(repeating: "Confidential information includes trade secrets and know-how. ", count: 60).utf8))
        let report = try Ingestor(store: ws.store, encoder: encoder).ingest([ws.docs.path])
        #expect(report.ingested == 3 && report.embedded == report.chunks)
        #expect(try ws.store.vectorCount(model: encoder.name) == report.chunks)
        let texts = try Store.readOnlyQuery("SELECT text FROM chunks", databasePath: ws.store.path).rows.map { row -> String in
            guard case .text(let t) = row[0] else { return "" }
            return t
        }
        #expect(texts.allSatisfy { encoder.tokenCount($0) <= encoder.textTokenLimit })
        // Unchanged files are neither re-parsed nor re-embedded.
        let again = try Ingestor(store: ws.store, encoder: encoder).ingest([ws.docs.path])
        #expect(again.unchanged == 3 && again.embedded == 0)
    }

    @Test func documentsIngestedWithoutVectorsAreEmbeddedLater() throws {
        let ws = try ScratchWorkspace(fixtures: ["documents/receipt-weber-baustoffe-1.txt"])
        try ws.write("long.txt", Data(String(repeating: "The term of this agreement is three years from the effective date. ", count: 40).utf8))
        let plain = try Ingestor(store: ws.store).ingest([ws.docs.path])
        #expect(plain.embedded == 0 && plain.chunks > 0)
        #expect(try ws.store.documentsMissingVectors(model: encoder.name).count == 2)
        let later = try Ingestor(store: ws.store, encoder: encoder).ingest([ws.docs.path])
        #expect(later.unchanged == 2 && later.embedded > plain.chunks)  // the long chunk was split to fit
        #expect(try ws.store.documentsMissingVectors(model: encoder.name).isEmpty)
    }

    @Test func semanticAndHybridSearchFindMeaningNotJustWords() throws {
        let ws = try ScratchWorkspace(fixtures: [])
        try ws.write("law.txt", Data("This Agreement shall be governed by and construed in accordance with the laws of the State of Delaware.".utf8))
        try ws.write("pay.txt", Data("Invoices are payable within thirty days of receipt by bank transfer.".utf8))
        try ws.write("food.txt", Data("The cafeteria serves soup, salad and sandwiches at noon.".utf8))
        _ = try Ingestor(store: ws.store, encoder: encoder).ingest([ws.docs.path])
        let searcher = Searcher(store: ws.store, encoder: encoder)
        // No word in common with the answer: lexical finds nothing, semantic ranks it first.
        #expect(try searcher.search("jurisdiction", mode: .lexical).isEmpty)
        let semantic = try searcher.search("which jurisdiction's rules apply", mode: .semantic, limit: 3)
        #expect(semantic.first.map { ($0.path as NSString).lastPathComponent } == "law.txt")
        #expect(semantic.count == 3 && semantic[0].score >= semantic[1].score)
        let hybrid = try searcher.search("when must invoices be paid", mode: .hybrid, limit: 3)
        #expect(hybrid.first.map { ($0.path as NSString).lastPathComponent } == "pay.txt")
        // Hybrid scores are reciprocal-rank sums: first lexically, first document, first by meaning
        // within that document, and first in the whole collection at half weight.
        #expect(abs(hybrid[0].score - 3.5 / 61) < 1e-9)
        // A query sharing no word with any chunk still finds by meaning in hybrid mode.
        let noWords = try searcher.search("jurisdiction", mode: .hybrid, limit: 1)
        #expect(noWords.first.map { ($0.path as NSString).lastPathComponent } == "law.txt")
    }

    @Test func semanticSearchWithoutVectorsSaysWhatToDo() throws {
        let ws = try ScratchWorkspace(fixtures: ["documents/receipt-weber-baustoffe-1.txt"])
        _ = try Ingestor(store: ws.store).ingest([ws.docs.path])
        #expect { try Searcher(store: ws.store, encoder: encoder).search("total", mode: .semantic) } throws: { error in
            "\(error)".contains("no chunk has a vector")
        }
    }
}
