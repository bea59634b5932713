import Documents
import Extraction
import Foundation
import QuarryTestSupport
import Schema
import Store
import Testing

@testable import QuarryKit

/// Extraction with stored model versions (promoted, or named by `--model`) and the usage log it keeps.
@Suite(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
struct ModelVersionExtractionTests {
    let encoder = TestModels.encoder!
    static let sample = ["documents/receipt-weber-baustoffe-1.txt", "documents/invoice-nightjar-studio-nj-2024-007.md"]
    static let schemaPath = TableExtractionTests.invoiceSchema

    func extract(_ ws: ScratchWorkspace, model: String? = nil) throws(QuarryError) -> ExtractReport {
        var request = ExtractRequest(schemaPath: Self.schemaPath, table: "invoices", paths: [ws.docs.path])
        request.parametersPath = model
        return try TableExtraction(store: ws.store, encoder: encoder).run(request)
    }

    /// Stores a version whose `total` is never answered (its null always wins), so its rows differ
    /// from the zero-shot prior's; `extraWeight` gives `vendor` one weight too many.
    @discardableResult
    func addVersion(
        _ ws: ScratchWorkspace, _ id: String, table: String = "invoices", extractor: String = "span",
        extraWeight: Bool = false
    ) throws -> ModelVersion {
        var parameters = SpanParameters.zeroShot(for: try Schema.load(Self.schemaPath))
        parameters.version = "set-by-the-tuning-run"
        parameters.fields["total"]?.nullScore = 1e6
        if extraWeight { parameters.fields["vendor"]?.weights.append(0) }
        let version = ModelVersion(
            id: id, table: table, extractor: extractor, method: "tao", base: nil, schemaSHA256: "ab12",
            parameters: String(decoding: try parameters.encoded(), as: UTF8.self), inputs: [])
        try ws.store.addModelVersion(version)
        return version
    }

    func query(_ ws: ScratchWorkspace, _ sql: String) throws -> [[SQLValue]] {
        try Store.readOnlyQuery(sql, databasePath: ws.store.path).rows
    }

    func filled(_ report: ExtractReport, _ field: String) -> Int? { report.filled.first { $0.field == field }?.filled }

    @Test func extractionUsesThePromotedVersionAndLogsEveryDocument() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let zeroShot = try extract(ws)
        #expect(zeroShot.model == "span/zero-shot.\(SpanPrior.shipped.id)/\(encoder.name)" && zeroShot.extracted == 2)
        #expect(filled(zeroShot, "total") ?? 0 > 0, "the prior should find a total: \(zeroShot.filled)")

        try addVersion(ws, "invoices-v1")
        try ws.store.promote(version: "invoices-v1", table: "invoices")
        let promoted = try extract(ws)
        // Rows made by another model are extracted again, and record the version.
        #expect(promoted.model == "span/invoices-v1/\(encoder.name)")
        #expect(promoted.extracted == 2 && promoted.upToDate == 0 && filled(promoted, "total") == 0, "\(promoted.filled)")
        #expect(try query(ws, "SELECT DISTINCT model FROM invoices") == [[.text(promoted.model)]])
        let again = try extract(ws)
        #expect(again.extracted == 0 && again.upToDate == 2 && again.model == promoted.model)
        // `zero-shot` asks for the prior whatever is promoted.
        let prior = try extract(ws, model: "zero-shot")
        #expect(prior.model == zeroShot.model && prior.extracted == 2)
        #expect(try extract(ws).extracted == 2)

        try ws.store.rollback(table: "invoices")
        #expect(try extract(ws).model == zeroShot.model)

        // Every run logs every document of the request, re-extracted or not, with the schema's hash.
        let sha = SourceFile.sha256(of: try Data(contentsOf: URL(fileURLWithPath: Self.schemaPath)))
        #expect(
            try query(ws, "SELECT count(*), count(DISTINCT document_id), min(schema_sha256), max(schema_sha256) FROM usage_log")
                == [[.integer(12), .integer(2), .text(sha), .text(sha)]])
        #expect(
            try query(ws, "SELECT model, count(*) FROM usage_log GROUP BY model ORDER BY min(id)")
                == [[.text(zeroShot.model), .integer(6)], [.text(promoted.model), .integer(6)]])

        let used = try UsageLog.documents(table: "invoices", in: ws.store)
        #expect(Set(used.map { ($0.path as NSString).lastPathComponent }) == Set(Self.sample.map { ($0 as NSString).lastPathComponent }))
        #expect(used.map(\.id) == (try ws.store.usedDocumentIDs(table: "invoices")))
        #expect(try UsageLog.documents(table: "receipts", in: ws.store).isEmpty)
    }

    @Test func modelNamesAFileOrAVersion() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        try addVersion(ws, "invoices-v1")
        try addVersion(ws, "receipts-v1", table: "receipts")
        try addVersion(ws, "invoices-llm", extractor: "llm")

        let named = try extract(ws, model: "invoices-v1")
        #expect(named.model == "span/invoices-v1/\(encoder.name)" && filled(named, "total") == 0)
        #expect(try ws.store.promotedVersion(table: "invoices") == nil, "--model does not promote")

        // A version of another table serves when its parameters fit the schema.
        #expect(try extract(ws, model: "receipts-v1").model == "span/receipts-v1/\(encoder.name)")
        for (model, reason) in [
            ("invoices-llm", "is for the llm extractor, not span"),
            ("invoices-v9", "no parameter file or model version named invoices-v9"),
        ] {
            do {
                _ = try extract(ws, model: model)
                Issue.record("--model \(model) was accepted")
            } catch {
                guard case .invalidOption("model", let message) = error else { Issue.record("\(model): \(error)"); continue }
                #expect(message.contains(model) && message.contains(reason), "\(message)")
            }
        }

        // A parameter file is read as before.
        var file = SpanParameters.zeroShot(for: try Schema.load(Self.schemaPath))
        file.version = "from-file"
        let path = ws.dir.appendingPathComponent("params.json").path
        try file.save(path)
        #expect(try extract(ws, model: path).model == "span/from-file/\(encoder.name)")

        // A promoted version the schema does not fit is an error naming the version.
        try addVersion(ws, "invoices-v2", extraWeight: true)
        try ws.store.promote(version: "invoices-v2", table: "invoices")
        do {
            _ = try extract(ws)
            Issue.record("a version with a wrong weight count was used")
        } catch {
            #expect(error.description.hasPrefix("model version invoices-v2 (promoted for invoices): field vendor"), "\(error)")
        }
    }
}
