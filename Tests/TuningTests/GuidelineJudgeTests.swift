import Documents
import Extraction
import QuarryTestSupport
import Schema
import Testing

@testable import Tuning

/// The guideline judge: an expert's sentences compiled into checks on the fields they name.
@Suite struct GuidelineJudgeTests {
    static let schema = try! Schema.parse(
        """
        {"properties": {"parties": {"type": "array", "items": {"type": "string"}, "description": "The companies that sign the agreement"},
                        "term": {"type": "string", "description": "How long the obligations last"},
                        "governing_law": {"type": "string"}, "effective_date": {"type": "string", "format": "date"},
                        "fee": {"type": "number"}, "currency": {"type": "string"}}}
        """)
    static let document = Document(
        kind: .text,
        pages: [
            Page(
                number: 1,
                text: """
                    MUTUAL NON-DISCLOSURE AGREEMENT
                    This Agreement is made between Acme Trading Ltd and Northwind Supplies Inc.
                    The Employee shall be employed for an initial period of two (2) years.
                    The obligations of confidentiality shall survive for three (3) years after disclosure.
                    Governing law: the State of Delaware
                    Fee: 2500 usd
                    """)
        ])

    func score(
        _ guidelines: [String], _ row: [String: Value], evidence: [(field: String, quote: String, after: String?)] = [],
        cache: EmbeddingCache? = nil
    ) -> RewardScore {
        let judge = GuidelineJudge(guidelines: guidelines, schema: Self.schema, cache: cache)
        #expect(judge.unrecognised.isEmpty, "\(judge.unrecognised)")
        return judge.score(Fixture.context(Self.document, Self.schema, Fixture.candidate(row, evidence: evidence, in: Self.document)))
    }

    @Test func partyNamesIncludeTheLegalSuffix() {
        let guideline = "Party names include the legal suffix"
        let full = score([guideline], ["parties": .array([.string("Acme Trading Ltd"), .string("Northwind Supplies Inc.")])])
        let cut = score([guideline], ["parties": .array([.string("Acme Trading"), .string("Northwind Supplies Inc.")])])
        #expect(full.value == 1 && full.fields == ["parties": 1])
        #expect(cut.value == 0.5)
        #expect(cut.explanation.contains(guideline) && cut.explanation.contains("Acme Trading"), "\(cut.explanation)")
        // A bare suffix or a defined term names no party.
        #expect(
            score([guideline], ["parties": .array([.string("Company"), .string("the Company"), .string("Acme Co.")])]).items["parties"]
                == [0: 0, 1: 0, 2: 1])
        // And the opposite instruction.
        #expect(score(["Parties must not include the legal suffix"], ["parties": .array([.string("Acme Trading")])]).value == 1)
    }

    @Test func theTermIsTheDurationOfConfidentialityNotOfEmployment() {
        let guideline = "The term is the duration of confidentiality, not of employment."
        let confidentiality = score([guideline], ["term": .string("three (3) years")], evidence: [("term", "three (3) years", nil)])
        let employment = score([guideline], ["term": .string("two (2) years")], evidence: [("term", "two (2) years", nil)])
        let nowhere = score([guideline], ["term": .string("three (3) years")])
        #expect(confidentiality.value == 1, "\(confidentiality)")
        #expect(employment.value == 0 && employment.explanation.contains(guideline) && employment.explanation.contains("two (2) years"))
        #expect(nowhere.value == 0)
    }

    @Test func aboutChecksFallBackToTheEncoderWhenNoWordDecides() throws {
        let document = Document(kind: .text, pages: [Page(number: 1, text: "Duty of secrecy lasts for 5 years")])
        let schema = try Schema.parse(#"{"properties": {"term": {"type": "string"}}}"#)
        let candidate = Fixture.candidate(["term": .string("5 years")], evidence: [("term", "5 years", nil)], in: document)
        let context = Fixture.context(document, schema, candidate)
        let words = GuidelineJudge(guidelines: ["The term is the duration of secrecy obligations, not of employment"], schema: schema)
        #expect(words.score(context).value == 1)  // "secrecy" is a word of the context
        // "Confidentiality" is not: without an encoder the judge cannot tell; with one that knows
        // the two are alike, it can.
        let paraphrase = ["The term refers to confidentiality, not employment"]
        #expect(GuidelineJudge(guidelines: paraphrase, schema: schema).score(context).value == 0.5)
        let encoder = GuidelineJudge(guidelines: paraphrase, schema: schema, cache: EmbeddingCache(embedder: SynonymEmbedder()))
        #expect(encoder.score(context).value > 0.9, "\(encoder.score(context))")
        let contrary = GuidelineJudge(
            guidelines: ["The term refers to employment, not confidentiality"], schema: schema,
            cache: EmbeddingCache(embedder: SynonymEmbedder()))
        #expect(contrary.score(context).value < 0.1)
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func theSentenceEncoderReadsParaphrases() throws {
        let document = Document(
            kind: .text,
            pages: [
                Page(
                    number: 1,
                    text: """
                        The recipient shall keep the disclosed information secret for 5 years
                        The consultant is engaged for 2 years
                        """)
            ])
        let schema = try Schema.parse(#"{"properties": {"term": {"type": "string"}}}"#)
        let judge = GuidelineJudge(
            guidelines: ["The term refers to confidentiality, not employment"], schema: schema,
            cache: EmbeddingCache(embedder: try #require(TestModels.encoder)))
        let secret = judge.score(
            Fixture.context(document, schema, Fixture.candidate(["term": .string("5 years")], evidence: [("term", "5 years", nil)], in: document)))
        let engaged = judge.score(
            Fixture.context(document, schema, Fixture.candidate(["term": .string("2 years")], evidence: [("term", "2 years", nil)], in: document)))
        print("guideline judge with all-MiniLM-L6-v2: confidentiality context \(secret.value), employment context \(engaged.value)")
        #expect(secret.value > engaged.value)
    }

    @Test func otherFormsBecomeChecks() {
        #expect(score(["Currency is one of USD, EUR or GBP"], ["currency": .string("usd")]).value == 1)
        #expect(score(["Currency is one of USD, EUR or GBP"], ["currency": .string("yen")]).value == 0)
        #expect(score(["The currency is in upper case"], ["currency": .string("usd")]).value == 0)
        #expect(score(["The currency is in upper case"], ["currency": .string("USD")]).value == 1)
        #expect(score(["Governing law has at most 4 words"], ["governing_law": .string("the State of Delaware")]).value == 1)
        #expect(score(["Governing law has at most 3 words"], ["governing_law": .string("the State of Delaware")]).value == 0)
        #expect(score(["The fee must be at least 1000"], ["fee": .number(2500)]).value == 1)
        #expect(score(["The fee must be at least 1000"], ["fee": .number(500)]).value == 0)
        #expect(score(["Fees are between 100 and 5,000"], ["fee": .number(2500)]).value == 1)
        #expect(score(["The effective date is always present"], [:]).value == 0)
        #expect(score(["The effective date is always present"], ["effective_date": .date(LocalDate(iso: "2024-01-01")!)]).value == 1)
        #expect(score(["The term is a duration"], ["term": .string("three (3) years")]).value == 1)
        #expect(score(["The term is a duration"], ["term": .string("Delaware")]).value == 0)
        #expect(score(["The term is at most 5 years"], ["term": .string("three (3) years")]).value == 1)
        #expect(score(["The term is at most 5 years"], ["term": .string("ten years")]).value == 0)
        #expect(score(["Currency starts with \"U\""], ["currency": .string("USD")]).value == 1)
        // Several guidelines: the explanation names the one that failed, the fields score the mean.
        let mixed = score(
            ["Currency is one of USD, EUR or GBP", "The currency is in upper case", "The fee is positive"],
            ["currency": .string("usd"), "fee": .number(10)])
        #expect(mixed.fields == ["currency": 0.5, "fee": 1] && mixed.value == 0.75)
        #expect(mixed.explanation.contains("1 of 3") && mixed.explanation.contains("upper case"), "\(mixed.explanation)")
    }

    @Test func guidelinesFindTheirFieldsByNameOrDescription() throws {
        func fields(_ text: String) throws -> [String] { try GuidelineJudge.compile(text, schema: Self.schema).get().fields }
        #expect(try fields("Each party includes the legal suffix") == ["parties"])
        #expect(try fields("The governing law is at most 6 words") == ["governing_law"])
        #expect(try fields("The companies that sign include the legal suffix") == ["parties"])
        #expect(try fields("The law is at most 6 words") == ["governing_law"])
        #expect(
            try GuidelineJudge.compile("The term is the duration of confidentiality, not of employment", schema: Self.schema).get().check
                == .about("confidentiality", not: "employment"))
        #expect(try GuidelineJudge.compile("Parties do not end with the legal suffix", schema: Self.schema).get().check == .legalSuffix(false))
    }

    @Test func unrecognisedGuidelinesAreReportedAndSkipped() {
        let judge = GuidelineJudge(
            guidelines: [
                "Invoice numbers start with INV", "Be generous when reading the parties",
                "Currency is one of USD, EUR or GBP",
            ], schema: Self.schema)
        #expect(judge.guidelines.map(\.fields) == [["currency"]])
        #expect(judge.unrecognised.count == 2)
        #expect(judge.unrecognised[0].description.contains("names no field"), "\(judge.unrecognised[0])")
        #expect(judge.unrecognised[1].description.contains("names parties"), "\(judge.unrecognised[1])")
        // With nothing that applies, the judge has nothing to say.
        let context = Fixture.context(Self.document, Self.schema, Fixture.candidate(["fee": .number(1)], in: Self.document))
        #expect(judge.score(context).value == 1)
    }
}
