import Documents
import Extraction
import Schema
import Testing

@testable import Tuning

/// A judge that likes the values it is told to, per field.
private struct Liking: Reward {
    let name: String
    let liked: Set<String>
    func score(_ context: RewardContext) -> RewardScore {
        var fields: [String: Double] = [:]
        for field in context.schema.fields {
            let value = context.candidate.row[field.name] ?? .null
            fields[field.name] = liked.contains(value.description) ? 1 : 0
        }
        return RewardScore(value: fields.values.reduce(0, +) / Double(max(1, fields.count)), fields: fields, explanation: "")
    }
}

@Suite struct JudgeSeparationTests {
    @Test func aucCountsPairsAndHalvesTies() throws {
        // Right: 0.9, 0.5; wrong: 0.5, 0.1. Pairs: (0.9>0.5) 1, (0.9>0.1) 1, (0.5=0.5) ½, (0.5>0.1) 1 → 3.5 / 4.
        let auc = JudgeSeparation.auc([(0.9, true), (0.5, true), (0.5, false), (0.1, false)])
        #expect(try #require(auc) == 0.875)
        #expect(JudgeSeparation.auc([(0.2, false), (0.4, true)]) == 1)
        #expect(JudgeSeparation.auc([(0.2, true), (0.4, false)]) == 0)
        #expect(JudgeSeparation.auc([(0.2, true)]) == nil)
    }

    @Test func judgesAreMeasuredAgainstGoldOncePerValueAndDocument() throws {
        let schema = try Schema.parse(#"{"type": "object", "properties": {"vendor": {"type": "string"}}}"#)
        let document = Document(kind: .text, pages: [Page(number: 1, text: "Acme or Beta")])
        func candidate(_ value: String?) -> Candidate {
            Candidate(row: ["vendor": value.map(Value.string) ?? .null], evidence: [], logProbability: 0, decisions: [[]])
        }
        // Two documents, gold Acme and nothing; sampled values Acme, Acme, Beta and Beta, none.
        let samples = [
            JudgeSeparation.Sample(
                document: document, candidates: [candidate("Acme"), candidate("Acme"), candidate("Beta")], gold: ["vendor": .string("Acme")]),
            JudgeSeparation.Sample(document: document, candidates: [candidate("Beta"), candidate(nil)], gold: ["vendor": .null]),
        ]
        let good = Liking(name: "good", liked: ["Acme", "null"]), bad = Liking(name: "bad", liked: ["Beta"])
        let mix = RewardMix([(good, 1), (bad, 0)])
        let report = Dictionary(uniqueKeysWithValues: JudgeSeparation.measure(mix: mix, schema: schema, samples: samples).map { ($0.judge, $0) })
        // Units: (doc 0, Acme) right, (doc 0, Beta) wrong, (doc 1, Beta) wrong, (doc 1, nothing) right.
        let measured = try #require(report["good"])
        #expect(measured.right == 2 && measured.wrong == 2)
        #expect(measured.auc == 1 && measured.fields["vendor"] == 1)
        #expect(report["bad"]?.auc == 0)
        // The mix counts only weighted judges: the observer with weight 0 does not move it.
        #expect(report["mix"]?.auc == 1)
    }
}
