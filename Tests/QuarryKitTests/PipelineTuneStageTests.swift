import Foundation
import QuarryTestSupport
import Testing

@testable import QuarryKit

/// The `tune` stage (the helpers `load` and `error` are `PipelineTests`').
extension PipelineTests {
    @Test func readsATuneStage() throws {
        let p = try load(
            """
            stages:
              - tune:
                  schema: s.json
                  table: receipts
                  paths: [docs]
                  steps: 12
                  samples: 4
                  seed: 7
                  held_back: 0.25
                  kl: 0.1
                  rewards: {consistency: 2, language_model: 0}
                  guidelines: [the company name includes the legal suffix]
                  gold: g.jsonl
                  promote: never
            """)
        guard case .tune(let r) = p.stages.first else { Issue.record("no tune stage"); return }
        #expect(r.schemaPath.hasSuffix("/s.json") && r.table == "receipts" && r.paths.count == 1 && r.paths[0].hasSuffix("/docs"))
        #expect(r.settings.steps == 12 && r.settings.samples == 4 && r.settings.seed == 7 && r.settings.heldBack == 0.25)
        #expect(r.settings.optimizer.klWeight == 0.1 && r.promote == .never && r.goldPath?.hasSuffix("/g.jsonl") == true)
        #expect(r.rewards.weight(of: "consistency") == 2 && r.rewards.weight(of: "language_model") == 0)
        #expect(r.rewards.guidelines == ["the company name includes the legal suffix"] && r.rewards.weight(of: "guidelines") > 0)
        #expect(!r.fromUsage && r.base == nil)

        guard case .tune(let usage) = try load("stages:\n  - tune: {schema: s.json, table: t, from_usage: true, model: t-v2}\n").stages.first else {
            Issue.record("no tune stage"); return
        }
        #expect(usage.fromUsage && usage.paths.isEmpty && usage.base == "t-v2")
    }

    @Test func tuneStageErrorsNameTheKey() {
        #expect(error("stages:\n  - tune: {table: t, paths: a}\n").contains("the tune stage needs `schema`"))
        #expect(error("stages:\n  - tune: {schema: s.json, table: t}\n").contains("the tune stage needs `paths`"))
        let judge = error("stages:\n  - tune: {schema: s.json, table: t, paths: a, rewards: {topc: 1}}\n")
        #expect(judge.contains("tune.rewards") && judge.contains("topc") && judge.contains("set_consistency"))
        #expect(error("stages:\n  - tune: {schema: s.json, table: t, paths: a, samples: 1}\n").contains("tune.samples"))
        #expect(error("stages:\n  - tune: {schema: s.json, table: t, paths: a, promote: maybe}\n").contains("auto, always or never"))
        #expect(error("stages:\n  - tune: {schema: s.json, table: t, paths: a, stepz: 3}\n").contains("tune.stepz"))
    }

    @Test func listCreditIsAChoiceAsOnTheCommandLine() throws {
        guard case .tune(let r) = try load("stages:\n  - tune: {schema: s.json, table: t, paths: a, list_credit: items}\n").stages.first else {
            Issue.record("no tune stage"); return
        }
        #expect(r.settings.optimizer.listCredit == .items)
        let bad = error("stages:\n  - tune: {schema: s.json, table: t, paths: a, list_credit: some}\n")
        #expect(bad.contains("tune.list_credit") && bad.contains("whole, items or both") && bad.contains("'some'"), "\(bad)")
    }

    @Test func theBundledTuningPipelineIsValid() throws {
        let p = try Pipeline.load(Paths.repository.appendingPathComponent("Pipelines/invoices-tune.yaml").path)
        #expect(p.stages.count == 3)
        guard case .tune(let r) = p.stages[1] else { Issue.record("the second stage is not tune"); return }
        #expect(r.fromUsage && r.rewards.guidelines.count == 2)
    }
}
