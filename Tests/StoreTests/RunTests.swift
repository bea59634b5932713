import Foundation
import Testing

@testable import Store

/// Evaluation runs and their metrics.
@Suite struct RunTests {
    let base: StoreTests
    var store: Store { base.store }

    init() throws { base = try StoreTests() }

    @Test func runsAndMetricsRoundTripNewestFirst() throws {
        let first = RunRecord(
            kind: "eval", table: "invoices", model: "span-v1", source: "Fixtures/gold.jsonl",
            startedAt: "2024-05-01T10:00:00Z", details: #"{"documents":3}"#)
        let metrics = [
            Metric(field: "total", name: "f1", value: 0.75), Metric(field: "micro", name: "precision", value: 1),
            Metric(field: "due", name: "recall", value: .nan),
        ]
        let id1 = try store.recordRun(first, metrics: metrics)
        let id2 = try store.recordRun(RunRecord(kind: "eval", table: "receipts", startedAt: "2024-05-02T10:00:00Z"), metrics: [])
        let id3 = try store.recordRun(
            RunRecord(kind: "eval", table: "invoices", model: "span-v2", startedAt: "2024-05-03T09:00:00Z"),
            metrics: [Metric(field: "macro", name: "f1", value: 0.5)])
        #expect(Set([id1, id2, id3]).count == 3)

        #expect(try store.runs().map(\.id) == [id3, id2, id1])
        let invoices = try store.runs(table: "invoices")
        #expect(invoices.map(\.id) == [id3, id1])
        #expect(
            invoices.last
                == RunRecord(
                    id: id1, kind: "eval", table: "invoices", model: "span-v1", source: "Fixtures/gold.jsonl",
                    startedAt: "2024-05-01T10:00:00Z", details: #"{"documents":3}"#))
        #expect(try store.runs(table: "nothing").isEmpty)

        let stored = try store.metrics(runID: id1)
        #expect(stored.map(\.field) == ["due", "micro", "total"])
        #expect(stored[0].value.isNaN)
        #expect(Array(stored.dropFirst()) == [metrics[1], metrics[0]])
        #expect(try store.metrics(runID: id2).isEmpty)
        #expect(try base.query("SELECT value FROM metrics WHERE field = 'due'") == [[.null]])
    }

    @Test func aRunWithDuplicateMetricsIsNotRecorded() throws {
        let run = RunRecord(kind: "eval", table: "invoices", startedAt: "2024-05-01T10:00:00Z")
        let twice = [Metric(field: "total", name: "f1", value: 0.1), Metric(field: "total", name: "f1", value: 0.2)]
        #expect(throws: StoreError.self) { try store.recordRun(run, metrics: twice) }
        #expect(try store.runs().isEmpty)
    }
}
