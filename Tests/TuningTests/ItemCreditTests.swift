import Documents
import Extraction
import Foundation
import Models
import Schema
import Testing

@testable import Extraction
@testable import Tuning

/// Per-item credit for list fields: the judges' verdicts on each item, their mix, the mapping of
/// items to the decisions that made them, the option-level advantages, and what they do to a list
/// policy that whole-list credit cannot do.
@Suite struct ItemCreditTests {
    typealias Optimizer = GroupRelativeOptimizer<ListBandit>

    static let good = (0..<6).map { "good\($0)" }
    static let bad = (0..<6).map { "bad\($0)" }
    static let document = Document(kind: .text, pages: [Page(number: 1, text: "names")])

    /// `steps` steps of `credit` on one document per step, scored by `judge`.
    static func train(
        _ start: ListBandit, _ judge: any Reward, credit: ListCredit, steps: Int,
        repeating repeated: [String] = []
    ) -> ListBandit {
        var settings = Optimizer.Settings()
        settings.klWeight = 0; settings.epochs = 1; settings.listCredit = credit
        var optimizer = Optimizer(policy: start, settings: settings)
        let mix = RewardMix([(judge, 1)])
        for step in 0..<steps {
            let policy = optimizer.policy
            let prepared = policy.prepared(repeating: repeated)
            var generator = SeededGenerator(seed: UInt64(step + 1))
            let candidates = policy.sample(prepared, count: 8, temperature: 1, using: &generator)
            var rewards: [[Double]] = [], options: [[[Int: Double]]] = []
            for (c, candidate) in candidates.enumerated() {
                let context = RewardContext(
                    document: document, schema: policy.schema, candidate: candidate,
                    siblings: candidates.indices.filter { $0 != c }.map { candidates[$0] })
                let scored = mix.score(context)
                rewards.append(mix.blockRewards(scored, blocks: policy.parameterBlocks))
                options.append(mix.optionRewards(scored, of: candidate, schema: policy.schema, blocks: policy.parameterBlocks))
            }
            optimizer.step([CandidateGroup(prepared: prepared, candidates: candidates, rewards: rewards, optionRewards: options)])
        }
        return optimizer.policy
    }

    /// The lowest inclusion probability of a liked name minus the highest of a disliked one.
    static func separation(_ policy: ListBandit) -> Double {
        (good.map(policy.probability).min() ?? 0) - (bad.map(policy.probability).max() ?? 1)
    }

    // MARK: advantages

    @Test func optionAdvantagesAreTheItemsStandardScoresSignedByTheDecision() {
        // Three candidates of one list block: c0 included options 0 and 1, c1 option 0, c2 option 2.
        let included: [[Set<Int>]] = [[[0, 1]], [[0]], [[2]]]
        let rewards: [[[Int: Double]]] = [[[0: 1, 1: 0]], [[0: 1]], [[2: 0.5]]]
        let a = Optimizer.optionAdvantages(included: included, rewards: rewards)
        let all = [1, 0, 1, 0.5], mean = 0.625
        let sd = (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4).squareRoot()
        let expected = [0: (1 - mean) / sd, 1: (0 - mean) / sd, 2: (0.5 - mean) / sd]
        for (c, chosen) in included.enumerated() {
            #expect(Set(a[c][0].keys) == [0, 1, 2], "every candidate's decision on every included option")
            for (option, value) in expected {
                let signed = chosen[0].contains(option) ? value : -value
                #expect(abs(a[c][0][option]! - signed) < 1e-12, "candidate \(c) option \(option)")
            }
        }
        // A good item left out is a bad decision: its advantage is negative.
        #expect(a[2][0][0]! < 0 && a[0][0][0]! > 0)
        // Equal item rewards, or a single one, teach nothing.
        #expect(Optimizer.optionAdvantages(included: [[[0]], [[1]]], rewards: [[[0: 0.7]], [[1: 0.7]]]) == [[[:]], [[:]]])
        #expect(Optimizer.optionAdvantages(included: [[[0]], [[]]], rewards: [[[0: 0.7]], [[:]]]) == [[[:]], [[:]]])
    }

    // MARK: what per-item credit does

    @Test func itemCreditSeparatesGoodFromBadItemsWhereWholeListCreditCannot() {
        // The judge's list score says nothing about which items were chosen (it is constant); its
        // item scores do. Whole-list credit sees equal rewards and does not move; item credit
        // raises every liked name and lowers every other, in the same lists.
        let start = ListBandit(labels: Self.good + Self.bad)
        let judge = LikedNames(liked: Set(Self.good), constant: 0.5)
        let whole = Self.train(start, judge, credit: .whole, steps: 15)
        #expect(whole.weights == start.weights)
        for credit in [ListCredit.items, .both] {
            let tuned = Self.train(start, judge, credit: credit, steps: 15)
            for name in Self.good { #expect(tuned.probability(of: name) > 0.75, "\(credit): p(\(name)) = \(tuned.probability(of: name))") }
            for name in Self.bad { #expect(tuned.probability(of: name) < 0.25, "\(credit): p(\(name)) = \(tuned.probability(of: name))") }
        }
    }

    @Test func itemCreditSeparatesFasterThanWholeListCreditWhenTheListScoreIsTheItemsMean() {
        // The usual case: the list scores the mean of its items. Whole-list credit learns too, but
        // each name's share of the list's reward is weak; item credit gives each name its own.
        let start = ListBandit(labels: Self.good + Self.bad)
        let judge = LikedNames(liked: Set(Self.good))
        let whole = Self.separation(Self.train(start, judge, credit: .whole, steps: 8))
        let items = Self.separation(Self.train(start, judge, credit: .items, steps: 8))
        let both = Self.separation(Self.train(start, judge, credit: .both, steps: 8))
        #expect(items > 0.3 && both > 0.3, "items \(items), both \(both)")
        #expect(items > whole + 0.2 && both > whole + 0.2, "whole \(whole), items \(items), both \(both)")
    }

    @Test func optionsWithTheSameValueShareTheirItemsCredit() {
        // good0 and bad0 appear twice in the document: both options of each are credited with
        // their one item's score, so their shared weight moves the right way.
        let start = ListBandit(labels: Self.good + Self.bad)
        let prepared = start.prepared(repeating: ["good0", "bad0"])
        let candidate = start.candidate([0, 6, 12, 13], prepared)  // good0, bad0, good0 again, bad0 again
        #expect(candidate.row["names"] == .array([.string("good0"), .string("bad0")]))
        #expect(candidate.decisionItems == [[0, 1, 0, 1]])
        let mix = RewardMix([(LikedNames(liked: Set(Self.good)), 1)])
        let scored = mix.score(RewardContext(document: Self.document, schema: start.schema, candidate: candidate))
        #expect(mix.optionRewards(scored, of: candidate, schema: start.schema, blocks: start.parameterBlocks) == [[0: 1, 12: 1, 6: 0, 13: 0]])
        let tuned = Self.train(
            start, LikedNames(liked: Set(Self.good), constant: 0.5), credit: .items, steps: 15,
            repeating: ["good0", "bad0"])
        #expect(tuned.probability(of: "good0") > 0.75 && tuned.probability(of: "bad0") < 0.25)
    }

    @Test func aPolicyWithoutOptionDecisionsKeepsWholeBlockCredit() {
        // The bandit of single choices has no option-level log-probabilities (the protocol's
        // default): item rewards, were there any, change nothing.
        let policy = Bandit()
        let prepared = policy.prepared()
        let candidate = policy.candidate([[1], [2]], prepared)
        #expect(policy.optionLogProbabilities(of: candidate, in: prepared) == [[], []])
        #expect(policy.optionGradient(of: candidate, in: prepared, weights: [[], []]) == [Double](repeating: 0, count: 7))
        var generator = SeededGenerator(seed: 4)
        let candidates = policy.sample(prepared, count: 8, temperature: 1, using: &generator)
        let rewards = candidates.map { $0.decisions[0][0] == 2 ? [1.0, 0.5] : [0.0, 0.5] }
        let items: [[[Int: Double]]] = candidates.map { _ in [[0: 1], [:]] }
        var plain = GroupRelativeOptimizer(policy: policy), credited = GroupRelativeOptimizer(policy: policy)
        plain.step([CandidateGroup(prepared: prepared, candidates: candidates, rewards: rewards)])
        credited.step([CandidateGroup(prepared: prepared, candidates: candidates, rewards: rewards, optionRewards: items)])
        #expect(plain.policy.weights == credited.policy.weights)
    }

    // MARK: the judges' item scores and their mix

    static let schema = try! Schema.parse(
        """
        {"properties": {"parties": {"type": "array", "items": {"type": "string"}, "description": "The companies that sign the agreement"},
                        "codes": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{3}$"}},
                        "term": {"type": "string"}}}
        """)
    static let contract = Document(
        kind: .text,
        pages: [
            Page(
                number: 1,
                text: """
                    AGREEMENT between Acme Trading Ltd and Northwind Supplies
                    Codes: ABC and abcd
                    Term: two years
                    """)
        ])
    static let parties = Fixture.candidate(
        [
            "parties": .array([.string("Acme Trading Ltd"), .string("Northwind Supplies"), .string("Nowhere Corp")]),
            "codes": .array([.string("ABC"), .string("abcd")]), "term": .string("two years"),
        ],
        evidence: [
            ("parties", "Acme Trading Ltd", nil), ("parties", "Northwind Supplies", nil),
            ("codes", "ABC", nil), ("codes", "abcd", nil), ("term", "two years", nil),
        ],
        in: contract)

    static func context(_ candidate: Candidate, siblings: [Candidate] = []) -> RewardContext {
        Fixture.context(contract, schema, candidate, siblings: siblings)
    }

    @Test func judgesScoreListItemsOneByOne() throws {
        // Grounding: the third party has no evidence.
        let grounding = GroundingJudge().score(Self.context(Self.parties))
        #expect(grounding.items["parties"] == [0: 1, 1: 1, 2: 0] && grounding.items["term"] == nil)
        // Guidelines: the legal suffix, item by item.
        let guidelines = GuidelineJudge(guidelines: ["party names include the legal suffix"], schema: Self.schema)
            .score(Self.context(Self.parties))
        #expect(guidelines.items["parties"] == [0: 1, 1: 0, 2: 1])
        // Validity: only items with checks of their own are judged one by one.
        let validity = ValidityReward(validator: try Validator(schema: Self.schema)).score(Self.context(Self.parties))
        #expect(validity.items["codes"] == [0: 1, 1: 0] && validity.items["parties"] == nil)
        // Consistency: the share of samples that include each item.
        let other = Fixture.candidate(["parties": .array([.string("Acme Trading Ltd")])], in: Self.contract)
        let consistency = ConsistencyJudge().score(Self.context(Self.parties, siblings: [other, other, Self.parties]))
        #expect(consistency.items["parties"] == [0: 1, 1: 0.5, 2: 0.5])
        // Topic: each judged item's own share; the one without evidence scores 0.
        let topic = TopicJudge(embedder: HashingEmbedder()).score(Self.context(Self.parties))
        let topicItems = try #require(topic.items["parties"])
        #expect(topicItems[2] == 0 && topicItems.keys.allSatisfy { (0..<3).contains($0) })
        #expect(topic.items["term"] == nil)
        // A field's score stays the mean of its items'.
        #expect(abs(guidelines.fields["parties"]! - 2.0 / 3) < 1e-12 && abs(grounding.fields["parties"]! - 2.0 / 3) < 1e-12)
    }

    @Test func theMixOfItemScoresIsAWeightedMeanAndAJudgeThatSkippedAnItemCountsWithItsFieldScore() {
        struct Fixed: Reward {
            let name: String
            let field: Double
            let items: [Int: Double]
            func score(_ context: RewardContext) -> RewardScore {
                RewardScore(value: field, fields: ["parties": field], items: items.isEmpty ? [:] : ["parties": items], explanation: "")
            }
        }
        let mix = RewardMix([
            (Fixed(name: "a", field: 0.5, items: [0: 1, 1: 0]), 1),
            (Fixed(name: "b", field: 0.2, items: [0: 0.4]), 3),
            (Fixed(name: "whole", field: 0.9, items: [:]), 5),
        ])
        let scored = mix.score(Self.context(Self.parties))
        let items = mix.itemScores(scored)["parties"]
        // Item 0: (1·1 + 3·0.4) / 4; item 1: judge b skipped it and counts with its field score 0.2.
        // The judge of whole lists abstains.
        #expect(items.map { Set($0.keys) } == [0, 1])
        #expect(abs(items![0]! - (1 + 1.2) / 4) < 1e-12 && abs(items![1]! - (0 + 0.6) / 4) < 1e-12)
    }

    // MARK: the span extractor's list decisions

    static let invoice = Document(
        kind: .text,
        pages: [
            Page(
                number: 1,
                text: """
                    ACME TRADING LTD                 INVOICE
                    Invoice No: INV-2024-0042
                    Invoice Date: 14 March 2024
                    Bill to: Northwind Supplies Inc.
                    Seller: ACME TRADING LTD
                    Total due                   60.00
                    """)
        ])

    @Test func spanExtractorOptionDecisionsSumToTheListsBlockAndTheirGradientIsExact() {
        let extractor = SpanExtractor(schema: GroupRelativeOptimizerTests.invoiceSchema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.invoice)
        let list = GroupRelativeOptimizerTests.invoiceSchema.fields.map { if case .scalar = $0.kind { false } else { true } }
        var generator = SeededGenerator(seed: 7)
        let theta = extractor.parameterVector
        for candidate in extractor.sample(prepared, count: 4, temperature: 2, using: &generator) {
            let options = extractor.optionLogProbabilities(of: candidate, in: prepared)
            let blocks = extractor.blockLogProbabilities(of: candidate, in: prepared)
            for f in list.indices {
                #expect(options[f].count == (list[f] ? prepared.optionCounts[f] : 0))
                if list[f] { #expect(abs(options[f].reduce(0, +) - blocks[f]) < 1e-9) }
            }
            // d/dθ Σ w_i log p_i against finite differences, with weights on a few options.
            let weights = options.map { o in o.indices.map { Double($0 % 3) - 0.5 } }
            let g = extractor.optionGradient(of: candidate, in: prepared, weights: weights)
            func objective(_ v: [Double]) -> Double {
                zip(extractor.with(parameterVector: v).optionLogProbabilities(of: candidate, in: prepared), weights)
                    .reduce(0) { $0 + zip($1.0, $1.1).reduce(0) { $0 + $1.0 * $1.1 } }
            }
            for block in extractor.parameterBlocks {
                for k in [block.range.lowerBound, block.range.upperBound - 1] {
                    var up = theta, down = theta
                    up[k] += 1e-5; down[k] -= 1e-5
                    let numeric = (objective(up) - objective(down)) / 2e-5
                    #expect(abs(numeric - g[k]) < 1e-4 * max(1, abs(numeric)), "coordinate \(k): \(numeric) vs \(g[k])")
                }
            }
        }
    }

    @Test func spanExtractorDecisionsMapToTheItemsTheirValuesBecame() throws {
        // ACME TRADING LTD is written twice: two options, one list item.
        let schema = try Schema.parse(
            """
            {"properties": {"parties": {"type": "array", "items": {"type": "string"}, "description": "The companies named."}}}
            """)
        let extractor = SpanExtractor(schema: schema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.invoice)
        let options = try #require(prepared.fields[0])
        let values = options.groups.count
        let everything = extractor.with(
            parameterVector: extractor.parameterVector.enumerated().map { $0.offset == extractor.parameterVector.count - 1 ? -50 : $0.element })
        let candidate = everything.decode(prepared)
        // A very low null score includes every value, each through its best occurrence.
        #expect(candidate.decisions[0].count == values && Set(candidate.decisions[0].map { options.group[$0] }).count == values)
        guard case .array(let items) = candidate.row["parties"] else { Issue.record("no list"); return }
        #expect(values < options.count, "the test needs options with equal values: \(options.values)")
        #expect(candidate.decisionItems[0].count == candidate.decisions[0].count)
        for (option, item) in zip(candidate.decisions[0], candidate.decisionItems[0]) {
            #expect(items[item] == options.values[option])
        }
        #expect(Set(candidate.decisionItems[0]) == Set(items.indices))
    }
}
