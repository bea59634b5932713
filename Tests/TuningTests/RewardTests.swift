import Documents
import Extraction
import Foundation
import Models
import QuarryTestSupport
import Schema
import Testing

@testable import Tuning

/// The judges of tuning, each on its own: validity, grounding, self-consistency, and their mix.
@Suite struct RewardTests {
    static let schema = try! Schema.parse(
        """
        {"properties": {"shop": {"type": "string"}, "date": {"type": "string", "format": "date"},
                        "total": {"type": "number", "minimum": 0}, "tags": {"type": "array", "items": {"type": "string"}}},
         "required": ["shop", "total"]}
        """)
    static let text = "Maple & Tide\nDate 14 March 2024\nTOTAL $59.69"
    static let document = Document(kind: .text, pages: [Page(number: 1, text: text)])

    static func evidence(_ field: String, _ quote: String, index: Int = 0) -> Evidence {
        let range = text.range(of: quote)!
        let start = text.unicodeScalars.distance(from: text.startIndex, to: range.lowerBound)
        return Evidence(
            field: field, valueIndex: index, location: Location(page: 1, start: start, end: start + quote.unicodeScalars.count), quote: quote)
    }

    static func candidate(_ row: [String: Value], _ evidence: [Evidence] = []) -> Candidate {
        Candidate(row: row, evidence: evidence, logProbability: 0, decisions: [])
    }

    static let good = candidate(
        ["shop": .string("Maple & Tide"), "date": .date(LocalDate(iso: "2024-03-14")!), "total": .number(59.69)],
        [evidence("shop", "Maple & Tide"), evidence("date", "14 March 2024"), evidence("total", "$59.69")])

    @Test func validityIsTheShareOfPassedChecks() throws {
        let reward = ValidityReward(validator: try Validator(schema: Self.schema))
        #expect(reward.score(RewardContext(document: Self.document, schema: Self.schema, candidate: Self.good)).value == 1)
        let bad = reward.score(
            RewardContext(
                document: Self.document, schema: Self.schema,
                candidate: Self.candidate(["total": .number(-3)])))
        #expect(bad.value < 1 && bad.value > 0)
        #expect(bad.explanation.contains("shop") && bad.explanation.contains("total"), "\(bad.explanation)")
    }

    @Test func groundingNeedsEvidenceAtItsPlaceThatReadsAsTheValue() {
        let judge = GroundingJudge()
        #expect(judge.score(RewardContext(document: Self.document, schema: Self.schema, candidate: Self.good)).value == 1)
        // A value without evidence, a quote that is not at its offsets, a quote that reads as another value.
        var moved = Self.evidence("total", "$59.69")
        moved = Evidence(
            field: "total", location: Location(page: 1, start: moved.location.start - 1, end: moved.location.end - 1), quote: moved.quote)
        let wrong = Self.candidate(
            ["shop": .string("Maple & Tide"), "date": .date(LocalDate(iso: "2024-03-15")!), "total": .number(59.69)],
            [Self.evidence("date", "14 March 2024"), moved])
        let verdict = judge.score(RewardContext(document: Self.document, schema: Self.schema, candidate: wrong))
        #expect(verdict.value == 0 && verdict.fields == ["shop": 0, "date": 0, "total": 0])
        #expect(verdict.explanation.contains("3 of 3"))
        // Lists: each item needs its own evidence.
        let tags = Self.candidate(["tags": .array([.string("Maple"), .string("Tide")])], [Self.evidence("tags", "Maple")])
        #expect(judge.score(RewardContext(document: Self.document, schema: Self.schema, candidate: tags)).fields["tags"] == 0.5)
    }

    @Test func consistencyRewardsTheMajority() {
        let judge = ConsistencyJudge()
        let other = Self.candidate(["shop": .string("Maple & Tide"), "total": .number(13.95)])
        let context = { (c: Candidate, siblings: [Candidate]) in
            RewardContext(document: Self.document, schema: Self.schema, candidate: c, siblings: siblings)
        }
        #expect(judge.score(context(Self.good, [])).value == 1)
        let majority = judge.score(context(Self.good, [Self.good, other]))
        let minority = judge.score(context(other, [Self.good, Self.good]))
        #expect(majority.value > minority.value)
        #expect(minority.fields["total"] == 1.0 / 3 && minority.fields["shop"] == 1)
    }

    @Test func consistencyJudgesListsByTheirItems() {
        let judge = ConsistencyJudge()
        func tags(_ items: [String]) -> Candidate { Self.candidate(["tags": .array(items.map(Value.string))]) }
        let context = { (c: Candidate, siblings: [Candidate]) in
            RewardContext(document: Self.document, schema: Self.schema, candidate: c, siblings: siblings)
        }
        // No two lists are equal, but "Maple" is in all three and "Tide" in two of three.
        let verdict = judge.score(context(tags(["Maple", "Tide"]), [tags(["Maple"]), tags(["Maple", "Tide", "Oak"])]))
        #expect(abs(verdict.fields["tags"]! - (1 + 2.0 / 3) / 2) < 1e-12)
        // An empty list agrees with the empty lists and nulls among the samples.
        let empty = judge.score(context(tags([]), [Self.candidate([:]), tags(["Maple"])]))
        #expect(abs(empty.fields["tags"]! - 2.0 / 3) < 1e-12)
    }

    @Test func aJudgeThatJudgedNothingAbstains() throws {
        // An all-null row: grounding has no value to judge, so only validity counts (it fails the
        // required fields); the abstaining judge's 1 must not lift the reward.
        let validity = ValidityReward(validator: try Validator(schema: Self.schema))
        let mix = RewardMix([(validity, 1), (GroundingJudge(), 5)])
        let empty = Self.candidate([:])
        let context = RewardContext(document: Self.document, schema: Self.schema, candidate: empty)
        let scored = mix.score(context)
        #expect(scored.verdicts["grounding"]?.fields.isEmpty == true && scored.verdicts["grounding"]?.value == 1)
        #expect(abs(scored.value - validity.score(context).value) < 1e-12)
        let blocks = Self.schema.fields.map { ParameterBlock(range: 0..<1, field: $0.name) }
        #expect(mix.blockRewards(scored, blocks: blocks) == Self.schema.fields.map { validity.score(context).fields[$0.name]! })
    }

    @Test func theMixIsAWeightedMeanWithEveryVerdict() throws {
        let mix = RewardMix([(ValidityReward(validator: try Validator(schema: Self.schema)), 1), (GroundingJudge(), 3), (ConsistencyJudge(), 0)])
        let bare = Self.candidate(["shop": .string("Maple & Tide"), "total": .number(59.69)])
        let (value, verdicts) = mix.score(RewardContext(document: Self.document, schema: Self.schema, candidate: bare))
        // A judge with weight 0 observes: its verdict is kept, but it does not count.
        #expect(Set(verdicts.keys) == ["validity", "grounding", "consistency"])
        #expect(abs(value - (1 * verdicts["validity"]!.value + 3 * verdicts["grounding"]!.value) / 4) < 1e-12)
        #expect(verdicts["grounding"]!.value == 0)
    }
}

/// The language-model judge, with the tiny test model (any model gives a probability) and, when
/// installed, SmolLM2.
@Suite(.serialized) struct LanguageModelJudgeTests {
    static let tiny: LanguageModel? = try? LanguageModel(path: Paths.tinyModel)
    static let smol: LanguageModel? = try? LanguageModel()

    func context(_ candidate: Candidate) -> RewardContext {
        RewardContext(document: RewardTests.document, schema: RewardTests.schema, candidate: candidate)
    }

    @Test func givesAProbabilityPerJudgedField() throws {
        let judge = LanguageModelJudge(model: try #require(Self.tiny))
        let verdict = judge.score(context(RewardTests.good))
        #expect(Set(verdict.fields.keys) == ["shop", "date", "total"])
        #expect(verdict.fields.values.allSatisfy { $0 > 0 && $0 < 1 })
        // A value without evidence scores 0.
        let bare = judge.score(context(RewardTests.candidate(["shop": .string("Maple & Tide")])))
        #expect(bare.fields == ["shop": 0])
    }

    @Test(.enabled(if: TestModels.smolInstalled, TestModels.smolMissing))
    func smolLM2PrefersTheRightValue() throws {
        let judge = LanguageModelJudge(model: try #require(Self.smol))
        let field = RewardTests.schema.field("total")!
        let right = judge.probabilityOfYes(field: field, value: .number(59.69), line: "TOTAL $59.69")
        let wrong = judge.probabilityOfYes(field: field, value: .number(59.69), line: "Date 14 March 2024")
        print("SmolLM2 judge, total: P(yes | its line) \(right), P(yes | the date's line) \(wrong)")
        #expect(right >= 0 && right <= 1 && wrong >= 0 && wrong <= 1)
    }
}
