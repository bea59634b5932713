import Foundation
import Testing

@testable import Store

/// Model versions, their promotion history and the usage log.
@Suite struct ModelVersionTests {
    let base: StoreTests
    var store: Store { base.store }

    init() throws { base = try StoreTests() }

    func version(_ id: String, table: String = "receipts", base: String? = nil, createdAt: String = "2024-05-01T10:00:00Z") -> ModelVersion {
        ModelVersion(
            id: id, table: table, method: "tao", base: base, schemaSHA256: "ab12", parameters: #"{"version":"x"}"#,
            inputs: ["/docs/a.pdf", "/docs/b.txt"], rewardConfig: #"{"validity":1}"#,
            metrics: #"{"before":{"reward":0.4},"after":{"reward":0.6}}"#, createdAt: createdAt)
    }

    @Test func versionsRoundTripNewestFirstWithNumberedIDs() throws {
        #expect(try store.nextModelVersionID(table: "Receipts") == "receipts-v1")
        let v1 = version("receipts-v1")
        try store.addModelVersion(v1)
        #expect(try store.nextModelVersionID(table: "receipts") == "receipts-v2")
        try store.addModelVersion(version("receipts-v7", base: "receipts-v1", createdAt: "2024-05-02T10:00:00Z"))
        try store.addModelVersion(version("invoices-v1", table: "invoices", createdAt: "2024-05-03T10:00:00Z"))
        // The highest number counts, not the count; other tables and odd suffixes are ignored.
        #expect(try store.nextModelVersionID(table: "receipts") == "receipts-v8")
        #expect(try store.nextModelVersionID(table: "invoices") == "invoices-v2")
        #expect(try store.nextModelVersionID(table: "contracts") == "contracts-v1")

        #expect(try store.modelVersion(id: "receipts-v1") == v1)
        #expect(try store.modelVersion(id: "receipts-v9") == nil)
        #expect(try store.modelVersions().map(\.id) == ["invoices-v1", "receipts-v7", "receipts-v1"])
        #expect(try store.modelVersions(table: "RECEIPTS").map(\.id) == ["receipts-v7", "receipts-v1"])
        #expect(
            try base.query("SELECT inputs, base FROM model_versions WHERE id = 'receipts-v1'")
                == [[.text(#"["/docs/a.pdf","/docs/b.txt"]"#), .null]])

        #expect(throws: StoreError.self) { try store.addModelVersion(v1) }
        do { try store.addModelVersion(v1) } catch { #expect(error.description.contains("receipts-v1")) }
        #expect(throws: StoreError.self) { try store.nextModelVersionID(table: "documents") }
    }

    @Test func promotionsAndRollbacksWalkTheHistory() throws {
        for (n, id) in ["receipts-v1", "receipts-v2"].enumerated() {
            try store.addModelVersion(version(id, createdAt: "2024-05-0\(n + 1)T10:00:00Z"))
        }
        try store.addModelVersion(version("invoices-v1", table: "invoices"))
        #expect(try store.promotedVersion(table: "receipts") == nil)
        #expect(throws: StoreError.self) { try store.rollback(table: "receipts") }

        // Unknown ids and versions of another table are refused, naming the id.
        do { try store.promote(version: "receipts-v9", table: "receipts"); Issue.record("accepted an unknown id") } catch {
            guard case .unknownModelVersion("receipts-v9") = error else { Issue.record("\(error)"); return }
        }
        do { try store.promote(version: "invoices-v1", table: "receipts"); Issue.record("accepted another table's version") } catch {
            #expect(error.description.contains("invoices-v1") && error.description.contains("receipts"), "\(error)")
        }
        #expect(try store.promotions(table: "receipts").isEmpty)

        #expect(try store.promote(version: "receipts-v1", table: "receipts", reason: "first tuning") == (nil, "receipts-v1"))
        #expect(try store.promote(version: "receipts-v2", table: "Receipts") == ("receipts-v1", "receipts-v2"))
        #expect(try store.promote(version: "receipts-v2", table: "receipts") == ("receipts-v2", "receipts-v2"))
        #expect(try store.promotedVersion(table: "receipts")?.id == "receipts-v2")
        #expect(try store.promotedVersion(table: "invoices") == nil)
        #expect(try store.promotions(table: "receipts").map(\.version) == ["receipts-v1", "receipts-v2"])
        #expect(try store.promotions(table: "receipts").first?.reason == "first tuning")

        // Rollbacks undo promotions one by one, down to the zero-shot prior, then refuse.
        #expect(try store.rollback(table: "receipts") == ("receipts-v2", "receipts-v1"))
        #expect(try store.promotedVersion(table: "receipts")?.id == "receipts-v1")
        #expect(try store.rollback(table: "receipts", reason: "worse on new receipts") == ("receipts-v1", nil))
        #expect(try store.promotedVersion(table: "receipts") == nil)
        do { try store.rollback(table: "receipts"); Issue.record("rolled back past the zero-shot prior") } catch {
            guard case .nothingToRollBack("receipts") = error else { Issue.record("\(error)"); return }
        }
        let history = try store.promotions(table: "receipts")
        #expect(history.map(\.version) == ["receipts-v1", "receipts-v2", "receipts-v1", nil])
        #expect(history.map(\.rollbackOf) == [nil, nil, history[1].id, history[0].id])
        #expect(history.last?.reason == "worse on new receipts")

        // A promotion after a rollback is undone back to where the rollback left the table.
        try store.promote(version: "receipts-v2", table: "receipts")
        try store.promote(version: nil, table: "receipts", reason: "compare with the prior")
        #expect(try store.promotedVersion(table: "receipts") == nil)
        #expect(try store.rollback(table: "receipts") == (nil, "receipts-v2"))
        #expect(try store.rollback(table: "receipts") == ("receipts-v2", nil))
    }

    @Test func usageIsLoggedAndGoesWithItsDocuments() throws {
        let a = try store.replaceDocument(base.stamp("/a.pdf"), document: base.document(["alpha"]), chunks: [])
        let b = try store.replaceDocument(base.stamp("/b.pdf"), document: base.document(["bravo"]), chunks: [])
        let c = try store.replaceDocument(base.stamp("/c.pdf"), document: base.document(["charlie"]), chunks: [])
        try store.recordUsage(table: "receipts", schemaSHA256: "ab12", model: "span/zero-shot/m", documentIDs: [b, a])
        try store.recordUsage(table: "Receipts", schemaSHA256: "ab12", model: "span/receipts-v1/m", documentIDs: [a, c, b])
        try store.recordUsage(table: "invoices", schemaSHA256: "cd34", model: "span/zero-shot/m", documentIDs: [c])
        #expect(try store.usedDocumentIDs(table: "receipts") == [b, a, c])
        #expect(try store.usedDocumentIDs(table: "invoices") == [c])
        #expect(try store.usedDocumentIDs(table: "contracts").isEmpty)
        #expect(
            try base.query("SELECT count(*), count(DISTINCT model) FROM usage_log WHERE table_name = 'receipts'")
                == [[.integer(5), .integer(2)]])

        // Replacing a document drops its usage, as it drops everything derived from it.
        try store.replaceDocument(base.stamp("/a.pdf", "v2"), document: base.document(["alpha 2"]), chunks: [])
        #expect(try store.usedDocumentIDs(table: "receipts") == [b, c])
        // A document that does not exist is refused, and nothing of the batch is kept.
        #expect(throws: StoreError.self) {
            try store.recordUsage(table: "receipts", schemaSHA256: "ab12", model: "m", documentIDs: [b, 999])
        }
        #expect(try base.query("SELECT count(*) FROM usage_log") == [[.integer(4)]])
    }

    @Test func resultTablesCannotTakeTheModelTablesNames() throws {
        for name in ["model_versions", "Model_Promotions", "usage_log"] {
            #expect(throws: StoreError.self) { try store.prepareResultTable(ResultTableLayout(name: name, columns: [])) }
        }
    }
}
