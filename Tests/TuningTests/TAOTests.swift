import Documents
import Extraction
import Foundation
import Models
import Schema
import Synchronization
import Testing

@testable import Tuning

/// The TAO loop on the bandit policy: determinism under a seed, the reward rising, the held-back
/// split, early stopping, and how unlabelled scores compare.
@Suite struct TAOTests {
    typealias Loop = TAO<Bandit>

    /// A start that prefers a0 a little, and a reward that prefers a2: decoding starts wrong.
    static let start = Bandit(weights: [0.5, 0, 0, 0, 0, 0, 0])
    static let documents = BanditDocuments.make(8)
    static let prepared = documents.map { start.prepare($0) }

    static func settings(seed: UInt64 = 1, steps: Int = 20) -> Loop.Settings {
        var s = Loop.Settings()
        s.samples = 6; s.steps = steps; s.batchSize = 3; s.heldBack = 0.25; s.seed = seed; s.patience = 100
        s.optimizer.learningRate = 0.15
        return s
    }

    static func run(
        _ settings: Loop.Settings, preferred: [String: String] = ["a": "a2"],
        factory: Loop.RewardFactory? = nil
    ) -> Loop.Result {
        let mix = RewardMix([(PreferenceReward(preferred: preferred), 1)])
        return TAO(policy: start, settings: settings, rewards: factory ?? { _ in mix }).run(documents: documents, prepared: prepared)
    }

    @Test func theSameSeedGivesTheSameRunAndAnotherSeedAnother() {
        let one = Self.run(Self.settings(seed: 7)), two = Self.run(Self.settings(seed: 7))
        #expect(one.policy.parameterVector == two.policy.parameterVector)
        #expect(one.steps.map(\.meanReward) == two.steps.map(\.meanReward))
        #expect(one.steps.map(\.kl) == two.steps.map(\.kl) && one.steps.map(\.clipped) == two.steps.map(\.clipped))
        #expect(one.training == two.training && one.heldBack == two.heldBack)
        #expect(one.before == two.before && one.after == two.after)

        let other = Self.run(Self.settings(seed: 8))
        #expect(other.policy.parameterVector != one.policy.parameterVector)
        #expect(other.steps.map(\.meanReward) != one.steps.map(\.meanReward))
    }

    @Test func theMeanRewardRisesAndTheHeldBackDocumentsScoreBetter() {
        var steps: [Loop.Step] = []
        let mix = RewardMix([(PreferenceReward(preferred: ["a": "a2"]), 1)])
        let result = TAO(policy: Self.start, settings: Self.settings(), rewards: { _ in mix })
            .run(documents: Self.documents, prepared: Self.prepared) { steps.append($0) }
        #expect(steps.map(\.step) == Array(1...20) && steps.allSatisfy { $0.steps == 20 }, "onStep sees every step")
        #expect(result.steps.count == 20 && !result.stoppedEarly)
        let first = result.steps.prefix(4).map(\.meanReward).reduce(0, +) / 4
        let last = result.steps.suffix(4).map(\.meanReward).reduce(0, +) / 4
        #expect(last > first + 0.1, "mean reward \(first) → \(last)")
        // Held back: the start decodes a0 (field a scores 0, b 0.5); the tuned policy a2.
        #expect(
            abs(result.before.meanReward - 0.25) < 1e-12 && abs(result.after.meanReward - 0.75) < 1e-12,
            "\(result.before.meanReward) → \(result.after.meanReward)")
        #expect(result.after.judges["preference"] == 0.75 && result.before.documents == 2)
        #expect(result.before.validRows == 1, "no validity judge: every row counts as valid")
        for d in result.heldBack { #expect(result.policy.decode(Self.prepared[d]).row["a"] == .string("a2")) }
        #expect(result.after.isWorse(than: result.before) == false && result.before.isWorse(than: result.after))
    }

    @Test func theHeldBackSplitIsDisjointCoversEveryDocumentAndNeverTrains() {
        for count in 0...12 {
            for share in [0, 0.1, 0.2, 0.5, 0.99] {
                for seed: UInt64 in [1, 2, 99] {
                    let (training, held) = Loop.split(count: count, heldBack: share, seed: seed)
                    #expect(Set(training).isDisjoint(with: held), "\(count) \(share)")
                    #expect((training + held).sorted() == Array(0..<count), "\(count) \(share)")
                    #expect(training == training.sorted() && held == held.sorted())
                    if count >= 2 && share > 0 {
                        #expect(!held.isEmpty && !training.isEmpty, "\(count) \(share)")
                    } else {
                        #expect(held.isEmpty)
                    }
                }
            }
        }
        #expect(Loop.split(count: 10, heldBack: 0.2, seed: 1).heldBack.count == 2)
        let splits = Set((1...6).map { Loop.split(count: 10, heldBack: 0.3, seed: UInt64($0)).heldBack })
        #expect(splits.count > 1, "the seed chooses the held-back documents")

        // A run trains on its training documents only: the judges of the steps never see the others.
        let notebook = Notebook()
        let calls = Locked(0)
        let result = Self.run(Self.settings(steps: 6)) { rows in
            // The first mix is the evaluation's; every later one is a step's.
            let call = calls.update { n in
                n += 1; return n
            }
            return RewardMix([(PreferenceReward(preferred: ["a": "a2"], noting: call > 1 ? notebook : nil), 1)])
        }
        #expect(calls.value == 7)
        #expect(Set(result.training).isDisjoint(with: result.heldBack))
        #expect((result.training + result.heldBack).sorted() == Array(Self.documents.indices))
        let seen = notebook.seen
        let text = { (d: Int) in Self.documents[d].pages[0].text }
        #expect(result.heldBack.allSatisfy { !seen.contains(text($0)) }, "a held-back document was trained on")
        #expect(result.training.allSatisfy { seen.contains(text($0)) }, "every training document is visited")
    }

    @Test func theRewardFactorySeesTheTrainingRowsOfTheCurrentPolicy() {
        let counts = Locked<[Int]>([])
        _ = Self.run(Self.settings(steps: 3)) { rows in
            counts.update { $0.append(rows.count) }
            return RewardMix([(PreferenceReward(preferred: ["a": "a2"]), 1)])
        }
        #expect(counts.value == [6, 6, 6, 6], "the evaluation's mix and one per step, each over the 6 training rows")
    }

    @Test func aPlateauStopsTheRunEarly() {
        // Rewards that never differ: nothing improves after the first step.
        var flat = Self.settings(steps: 50)
        flat.patience = 4
        let constant = Self.run(flat, preferred: [:])
        #expect(constant.stoppedEarly && constant.steps.count == 5, "\(constant.steps.count) steps")
        #expect(constant.policy.parameterVector == Self.start.parameterVector, "constant rewards teach nothing")

        // A reward the policy learns to collect fully, then plateaus.
        var fast = Self.settings(steps: 200)
        fast.patience = 6
        fast.optimizer.learningRate = 0.5
        let learnt = Self.run(fast)
        #expect(learnt.stoppedEarly && learnt.steps.count < 200, "\(learnt.steps.count) steps")
        #expect(learnt.steps.last!.meanReward > 0.7, "\(learnt.steps.last!.meanReward)")

        // Without a plateau within the steps, the run goes the distance.
        var patient = Self.settings(steps: 5)
        patient.patience = 5
        let full = Self.run(patient, preferred: [:])
        #expect(!full.stoppedEarly && full.steps.count == 5)
    }

    @Test func unlabelledScoresAreWorseOnlyBeyondRounding() {
        func score(_ reward: Double, _ valid: Double) -> UnlabelledScore {
            UnlabelledScore(documents: 3, meanReward: reward, validRows: valid, judges: [:])
        }
        let base = score(0.6, 0.8)
        #expect(score(0.5, 0.8).isWorse(than: base), "a lower mean reward")
        #expect(score(0.6, 0.7).isWorse(than: base), "fewer valid rows")
        #expect(score(0.9, 0.7).isWorse(than: base), "a better reward does not make up for fewer valid rows")
        #expect(score(0.5, 1).isWorse(than: base), "nor more valid rows for a lower reward")
        #expect(!base.isWorse(than: base), "equal is not worse")
        #expect(!score(0.6 - 1e-12, 0.8 - 1e-12).isWorse(than: base), "rounding is not worse")
        #expect(!score(0.7, 0.9).isWorse(than: base))
        #expect(base.isWorse(than: score(0.7, 0.9)))
    }

    @Test func aRunOfTheSpanExtractorWithTheDefaultJudgesIsDeterministic() throws {
        // The judges' scores must not depend on the order a dictionary happens to iterate in: the
        // same seed gives the same version, bit for bit.
        let schema = SupervisedTrainingTests.schema
        let validator = try Validator(schema: schema)
        let documents =
            SupervisedTrainingTests.documents + [
                SupervisedTrainingTests.receipt(
                    shop: "Pine Street Deli", date: "06/11/2024", items: [("Bagel", "2.20"), ("Coffee", "3.10")],
                    balance: "5.30", reference: "PS-1188"),
                SupervisedTrainingTests.receipt(
                    shop: "Quayside Books", date: "07/19/2024", items: [("Atlas", "24.00")],
                    balance: "24.00", reference: "QB-4410"),
            ]
        func tune() -> TAO<SpanExtractor>.Result {
            let policy = SpanExtractor(schema: schema, embedder: HashingEmbedder())
            var settings = TAO<SpanExtractor>.Settings()
            settings.samples = 6; settings.steps = 4; settings.batchSize = 3; settings.heldBack = 0.25
            let rewards = RewardConfiguration().factory(for: SpanExtractor.self, validator: validator, embedder: HashingEmbedder())
            return TAO(policy: policy, settings: settings, rewards: rewards).run(documents: documents, prepared: documents.map(policy.prepare))
        }
        let one = tune(), two = tune()
        #expect(one.steps.map(\.meanReward) == two.steps.map(\.meanReward))
        #expect(one.before == two.before && one.after == two.after)
        #expect(one.policy.parameterVector == two.policy.parameterVector)
        #expect(one.policy.parameterVector != SpanExtractor(schema: schema, embedder: HashingEmbedder()).parameterVector)
    }

    @Test func aFieldTuningSilencedKeepsItsStartingWeights() throws {
        // Tuning that raises one field's null score until it is never filled (the empty answer no
        // judge can fault) gets that field's starting weights back; the other fields keep theirs.
        let schema = SupervisedTrainingTests.schema
        let documents = SupervisedTrainingTests.documents
        let policy = SpanExtractor(schema: schema, embedder: HashingEmbedder())
        let prepared = documents.map(policy.prepare)
        let filled = schema.fields.first { field in
            prepared.filter { !(policy.decode($0).row[field.name] ?? .null).isEmptyValue }.count * 2 >= documents.count
        }!
        let blocks = policy.parameterBlocks
        var vector = policy.parameterVector
        for block in blocks {
            if block.field == filled.name { vector[block.range.upperBound - 1] = 1e6 } else { vector[block.range.lowerBound] += 0.25 }
        }
        let rewards = RewardConfiguration().factory(for: SpanExtractor.self, validator: try Validator(schema: schema), embedder: HashingEmbedder())
        let tao = TAO(policy: policy, settings: TAO<SpanExtractor>.Settings(), rewards: rewards)
        let (kept, restored) = tao.keepingFilledFields(policy.with(parameterVector: vector), on: Array(documents.indices), prepared: prepared)
        #expect(restored.map(\.field) == [filled.name] && restored[0].after == 0 && restored[0].before * 2 >= documents.count)
        for block in blocks {
            let expected = block.field == filled.name ? policy.parameterVector[block.range] : vector[block.range]
            #expect(kept.parameterVector[block.range] == expected, "\(block.field ?? "")")
        }
    }

    @Test func aJudgesScoreDoesNotDependOnTheOrderADictionaryIterates() {
        // Dictionaries with the same contents iterate in different orders from one instance to the
        // next; a mean summed in that order differs in its last bits, and TAO's advantages with it.
        var means = Set<Double>(), reasoned = Set<Double>()
        var kept: [[String: Double]] = []  // alive, so that each table has its own storage
        for _ in 0..<64 {
            var fields: [String: Double] = [:]
            for (name, score) in [("company", 0.1), ("date", 0.7), ("address", 0.3333333), ("total", 0.2)] { fields[name] = score }
            means.insert(RewardScore.mean(of: fields, judged: "field").value)
            reasoned.insert(RewardScore.mean(of: fields, reasons: [:], judged: "field").value)
            kept.append(fields)
        }
        #expect(Set(kept.map { Array($0.keys) }).count > 1, "the test needs tables that iterate in different orders")
        #expect(means.count == 1 && reasoned.count == 1, "\(means) \(reasoned)")
    }
}
