import Documents
import Foundation
import QuarryTestSupport
import Store
import Testing

@testable import QuarryKit

/// The service layer's own pieces: typed reports the faces format, and the workspace operations
/// that used to live in the command line.
@Suite struct WorkspaceTests {
    func workspace() throws -> Workspace {
        try Workspace(database: try Paths.scratch("workspace").appendingPathComponent("q.db").path, create: true)
    }

    @Test func metricsBecomeFiguresWithoutParsingInTheFace() {
        let nested = JSONValue.parse(#"{"before": {"reward": 0.42, "f1": 0.5}, "after": {"reward": 0.61, "f1": 0.625}}"#)
        #expect(
            MetricFigure.figures(nested) == [
                MetricFigure(name: "f1", before: 0.5, value: 0.625),
                MetricFigure(name: "reward", before: 0.42, value: 0.61),
            ])
        // Top-level numbers count; booleans and text do not; `name: {before, after}` pairs do.
        let flat = JSONValue.parse(#"{"reward": 0.42, "tuned": true, "steps": 1, "note": "x", "f1": {"before": 0.1, "after": 0.2}}"#)
        #expect(
            MetricFigure.figures(flat) == [
                MetricFigure(name: "f1", before: 0.1, value: 0.2),
                MetricFigure(name: "reward", before: nil, value: 0.42),
                MetricFigure(name: "steps", before: nil, value: 1),
            ])
        #expect(MetricFigure.figures(JSONValue.parse("not json")).isEmpty && MetricFigure.figures(nil).isEmpty)
    }

    @Test func jsonValuesKeepBooleansApartFromNumbers() throws {
        let value = try #require(JSONValue.parse(#"{"a": [1, true, null, "x"], "b": {"c": 0}}"#))
        #expect(value == .object(["a": .array([.number(1), .bool(true), .null, .string("x")]), "b": .object(["c": .number(0)])]))
        let back = try JSONSerialization.data(withJSONObject: value.foundationObject, options: [.sortedKeys])
        #expect(String(decoding: back, as: UTF8.self) == #"{"a":[1,true,null,"x"],"b":{"c":0}}"#)
    }

    @Test func guidanceSaysWhatEachNoteDoes() throws {
        let ws = try workspace()
        let rule = try ws.addGuidance("  prefer the annual report over press releases ")
        #expect(rule.isRule && rule.text == "prefer the annual report over press releases" && rule.meaning.contains("0 documents now"))
        let advice = try ws.addGuidance("be concise")
        #expect(!advice.isRule && advice.meaning.contains("not a retrieval rule"))
        #expect(try ws.guidance().map(\.id) == [rule.id, advice.id])
        #expect(try ws.removeGuidance(id: rule.id) && !(try ws.removeGuidance(id: rule.id)))
        #expect(throws: QuarryError.self) { try ws.addGuidance("   ") }
    }

    @Test func theModelRegistryRefusesWhatTheCallerGotWrong() throws {
        let ws = try workspace()
        for attempt: () throws -> Void in [
            { _ = try ws.promote(Workspace.zeroShot) }, { _ = try ws.rollback(table: "receipts") },
            { _ = try ws.modelVersion("receipts-v9") },
        ] {
            do {
                try attempt()
                Issue.record("accepted")
            } catch let error as QuarryError {
                #expect(error.isCallersFault, "\(error)")
            }
        }
        #expect(try ws.modelVersions().versions.isEmpty)
    }

    @Test func theLineageEndsWithTheZeroShotPriorOrSaysWhereItBreaks() throws {
        let ws = try workspace()
        func add(_ id: String, base: String?) throws {
            try ws.store.addModelVersion(
                ModelVersion(
                    id: id, table: "t", method: "tao", base: base, schemaSHA256: "ab",
                    parameters: "{}", inputs: []))
        }
        try add("t-v1", base: nil)
        try add("t-v2", base: "t-v1")
        try add("t-v3", base: "t-v9")
        #expect(try ws.modelVersion("t-v2").lineage == ["t-v2", "t-v1", "zero-shot"])
        #expect(try ws.modelVersion("t-v3").lineage == ["t-v3", "t-v9 (not in this database)"])
        let change = try ws.promote("t-v2", reason: "better")
        #expect(change == PromotionChange(table: "t", from: nil, to: "t-v2"))
        #expect(try ws.modelVersions(table: "t").versions.filter(\.promoted).map(\.version.id) == ["t-v2"])
        #expect(try ws.modelVersion("t-v2").spanSummary == nil)  // "{}" is no span parameter file
    }

    @Test func choicesReadAsTheyAreWritten() {
        #expect(DateReading.allCases.map(\.rawValue) == ["auto", "day-first", "month-first"])
        #expect(DateReading.auto.order == nil && DateReading.dayFirst.order == .dayFirst && DateReading.monthFirst.order == .monthFirst)
        #expect(ExtractorKind(rawValue: "llm") == .llm && ExtractorKind(rawValue: "LLM") == nil)
    }

    @Test func sqlForPeopleQuotesWhatMustBeQuoted() {
        #expect(SQLText.identifier("total") == "total")
        #expect(SQLText.identifier("end") == "\"end\"" && SQLText.identifier("due date") == "\"due date\"")
        #expect(SQLText.identifier("a\"b") == "\"a\"\"b\"")
    }

    @Test func placesAreWrittenFlatInJSON() throws {
        let hit = SearchHit(chunkID: 3, documentID: 1, path: "/a.pdf", location: Location(page: 2, start: 5, end: 9), snippet: "x", score: 1.5)
        let object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(hit)) as? [String: Any])
        #expect(object["page"] as? Int == 2 && object["start"] as? Int == 5 && object["end"] as? Int == 9 && object["location"] == nil)
        #expect(try JSONDecoder().decode(SearchHit.self, from: try JSONEncoder().encode(hit)) == hit)
        let evidence = Evidence(field: "total", valueIndex: 1, location: Location(page: 1, start: 0, end: 4), quote: "12.5")
        #expect(try JSONDecoder().decode(Evidence.self, from: try JSONEncoder().encode(evidence)) == evidence)
    }
}
