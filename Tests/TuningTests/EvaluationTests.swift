import Foundation
import Schema
import Testing

@testable import Tuning

@Suite struct EvaluationTests {
    static let scalars = try! Schema.parse(
        """
        {"properties": {"vendor": {"type": "string"}, "invoice_date": {"type": "string", "format": "date"},
                        "total": {"type": "number"}}}
        """)
    static let nested = try! Schema.parse(
        """
        {"properties": {"parties": {"type": "array", "items": {"type": "string"}},
                        "line_items": {"type": "array", "items": {"type": "object",
                           "properties": {"description": {"type": "string"}, "amount": {"type": "number"}}}}}}
        """)

    static func gold(_ lines: String, _ schema: Schema, dates: DateOrder = .monthFirst) throws -> [GoldRow] {
        try GoldFile.parse(Data(lines.utf8), schema: schema, dates: dates, file: "gold.jsonl")
    }

    static func date(_ iso: String) -> Value { .date(LocalDate(iso: iso)!) }

    static func approx(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    @Test func scalarsCountHitsMissesAndExactDocuments() throws {
        let gold = try Self.gold(
            """
            {"document": "a.pdf", "fields": {"vendor": "Acme Corp., Inc.", "invoice_date": "2024-03-01", "total": 100}}
            {"document": "b.pdf", "fields": {"vendor": "Beta GmbH", "invoice_date": null, "total": "50.00"}}
            """, Self.scalars)
        let predicted: [String: [String: Value]] = [
            "/tmp/in/A.PDF": ["vendor": .string("ACME CORP INC"), "invoice_date": Self.date("2024-03-01"), "total": .number(100.004)],
            "b.pdf": ["vendor": .string("Gamma"), "invoice_date": Self.date("2024-01-01"), "total": .number(50.01)],
        ]
        let report = Evaluator.evaluate(schema: Self.scalars, predicted: predicted, gold: gold)
        #expect(report.fields.map(\.field) == ["vendor", "invoice_date", "total"])
        #expect(report.documents == 2 && report.missing.isEmpty)

        // vendor: a matches after folding; b is one false positive and one false negative.
        let vendor = try #require(report.field("vendor"))
        #expect(vendor == FieldScore(field: "vendor", truePositives: 1, falsePositives: 1, falseNegatives: 1, exactMatches: 1, documents: 2))
        #expect(vendor.precision == 0.5 && vendor.recall == 0.5 && vendor.f1 == 0.5 && vendor.exact == 0.5)
        // invoice_date: b has no gold date, so its prediction is a false positive only.
        let date = try #require(report.field("invoice_date"))
        #expect(date.truePositives == 1 && date.falsePositives == 1 && date.falseNegatives == 0)
        #expect(date.precision == 0.5 && date.recall == 1 && Self.approx(date.f1, 2.0 / 3))
        // total: 100.004 is within half a cent of 100; 50.01 is not 50.
        let total = try #require(report.field("total"))
        #expect(total.truePositives == 1 && total.falsePositives == 1 && total.falseNegatives == 1 && total.exactMatches == 1)

        // micro: TP 3, FP 3, FN 2 → P 0.5, R 0.6, F1 6/11; 3 exact of 6 field-document pairs.
        #expect(report.micro == FieldScore(field: "micro", truePositives: 3, falsePositives: 3, falseNegatives: 2, exactMatches: 3, documents: 6))
        #expect(Self.approx(report.micro.f1, 6.0 / 11) && report.micro.exact == 0.5)
        #expect(Self.approx(report.macroF1, (0.5 + 2.0 / 3 + 0.5) / 3))
        #expect(Self.approx(report.macroPrecision, 0.5) && Self.approx(report.macroRecall, (0.5 + 1 + 0.5) / 3) && report.macroExact == 0.5)
    }

    @Test func listsAreMultisets() throws {
        let gold = try Self.gold(
            """
            {"document": "nda.pdf", "fields": {"parties": ["Acme Inc.", "Beta LLC", "Beta LLC"]}}
            """, Self.nested)
        let predicted: [String: [String: Value]] = ["nda.pdf": ["parties": .array([.string("acme inc"), .string("Beta LLC"), .string("Gamma")])]]
        let parties = try #require(Evaluator.evaluate(schema: Self.nested, predicted: predicted, gold: gold).field("parties"))
        // The second "Beta LLC" finds no partner: TP 2, FP 1 (Gamma), FN 1.
        #expect(parties == FieldScore(field: "parties", truePositives: 2, falsePositives: 1, falseNegatives: 1, exactMatches: 0, documents: 1))
        #expect(Self.approx(parties.precision, 2.0 / 3) && Self.approx(parties.recall, 2.0 / 3) && Self.approx(parties.f1, 2.0 / 3))

        // Order does not matter, and no values on either side is an exact match.
        let same: [String: [String: Value]] = ["nda.pdf": ["parties": .array([.string("Beta LLC"), .string("ACME, Inc"), .string("beta llc")])]]
        #expect(Evaluator.evaluate(schema: Self.nested, predicted: same, gold: gold).field("parties")?.exactMatches == 1)
        #expect(Evaluator.evaluate(schema: Self.nested, predicted: same, gold: gold).field("line_items.amount")?.exact == 1)
    }

    @Test func tablesAreScoredColumnByColumn() throws {
        let gold = try Self.gold(
            """
            {"document": "inv.pdf", "fields": {"line_items": [{"description": "Widget", "amount": 10}, \
            {"description": "Gadget", "amount": "5.50"}, {"description": "Service fee", "amount": null}]}}
            """, Self.nested)
        let row = { (d: Value, a: Value) in Value.object(["description": d, "amount": a]) }
        let predicted: [String: [String: Value]] = [
            "inv.pdf": [
                "line_items": .array([
                    row(.string("widget"), .number(10)), row(.string("Gizmo"), .number(5.5)), row(.null, .number(3)),
                ])
            ]
        ]
        let report = Evaluator.evaluate(schema: Self.nested, predicted: predicted, gold: gold)
        #expect(report.fields.map(\.field) == ["parties", "line_items.description", "line_items.amount"])
        #expect(
            report.field("line_items.description")
                == FieldScore(field: "line_items.description", truePositives: 1, falsePositives: 1, falseNegatives: 2, exactMatches: 0, documents: 1))
        #expect(
            report.field("line_items.amount")
                == FieldScore(field: "line_items.amount", truePositives: 2, falsePositives: 1, falseNegatives: 0, exactMatches: 0, documents: 1))
        #expect(report.field("line_items") == nil)
    }

    @Test func missingDocumentsCountAsFalseNegatives() throws {
        let gold = try Self.gold(
            """
            {"document": "a.pdf", "fields": {"vendor": "Acme", "total": 1}}

            {"document": "c.pdf", "fields": {"vendor": "Cobalt", "invoice_date": "2024-05-01", "total": 3}}
            """, Self.scalars)
        let report = Evaluator.evaluate(schema: Self.scalars, predicted: ["a.pdf": ["vendor": .string("Acme"), "total": .integer(1)]], gold: gold)
        #expect(report.documents == 2 && report.missing == ["c.pdf"])
        #expect(report.micro == FieldScore(field: "micro", truePositives: 2, falsePositives: 0, falseNegatives: 3, exactMatches: 3, documents: 6))
        #expect(report.field("invoice_date")?.exactMatches == 1)  // a.pdf: nothing predicted, nothing in gold
    }

    @Test func documentsMatchByFileNameThenByStem() {
        let index = Evaluator.DocumentIndex(["/data/cuad/foo_agreement.pdf", "/x/Bar Contract.txt", "/x/other.pdf", "/x/other.txt"])
        #expect(index.match("FOO_AGREEMENT.PDF") == "/data/cuad/foo_agreement.pdf")
        #expect(index.match("bar contract.PDF") == "/x/Bar Contract.txt")
        #expect(index.match("OTHER.TXT") == "/x/other.txt")  // the exact name wins over the stem
        #expect(index.match("missing.pdf") == nil)
        #expect(Evaluator.DocumentIndex.stem("x_04_07_2020-ex-99.01-joint filing agreement") == "x_04_07_2020-ex-99.01-joint filing agreement")
        #expect(Evaluator.DocumentIndex(["ex-99.01-joint filing agreement.pdf"]).match("EX-99.01-JOINT FILING AGREEMENT") != nil)
    }

    @Test func stringsFoldCaseDiacriticsPunctuationAndAnArticle() {
        let f = ValueMatch.folded
        #expect(f("The Acme Corp., Inc.") == "acme corp inc" && f("ACME CORP INC") == "acme corp inc")
        #expect(f("Société  Générale\n") == "societe generale")
        #expect(f("ﬁnance ＡＢＣ") == "finance abc")
        #expect(f("Straße") == "strasse")
        #expect(f("Weber & Söhne KG") == "weber sohne kg")
        #expect(f("e-business, 9.00 (net)") == "e-business 9.00 net")
        #expect(f("O’Brien–Smith") == "o'brien-smith")
        #expect(f("Theodor") == "theodor" && f("the") == "the")
    }

    @Test func valuesCompareByType() {
        func same(_ a: Value, _ b: Value) -> Bool { ValueMatch.same(.init(a), .init(b)) }
        #expect(same(.number(1234.5), .integer(1234)) == false)
        #expect(same(.number(5.004), .integer(5)))
        #expect(same(.number(1_000_000_000), .number(1_000_000_500)))  // relative 1e-6
        #expect(!same(.number(1_000_000_000), .number(1_000_002_000)))
        #expect(same(.string("9.00"), .number(9)) && same(.number(9), .string("RM 9.00")))
        #expect(same(.string("2024-03-01"), Self.date("2024-03-01")))
        #expect(same(.string("14 March 2024"), Self.date("2024-03-14")))
        #expect(!same(.string("03/04/2024"), Self.date("2024-03-04")))  // ambiguous text is not read as a date
        #expect(same(.boolean(true), .string("Yes")) && !same(.boolean(true), .boolean(false)))
        #expect(same(.string("3 Years"), .string("3 years")))
    }

    @Test func pairingFindsTheMostMatches() {
        // 1.006 is close to both gold values; pairing it with 1.004 first would leave 1.000 alone.
        #expect(ValueMatch.pairs([.number(1.006), .number(1.000)], [.number(1.004), .number(1.010)]) == 2)
        #expect(ValueMatch.pairs([.string("x")], [.string("X"), .string("x")]) == 1)
        #expect(ValueMatch.pairs([], [.string("x")]) == 0)
    }

    @Test func goldValuesAreNormalisedByTheSchema() throws {
        let rows = try Self.gold(
            """
            {"document": "a.pdf", "fields": {"vendor": "  Acme \\n GmbH ", "invoice_date": "03/04/2024", "total": "$1,234.50"}}\r
            """, Self.scalars, dates: .dayFirst)
        #expect(rows.count == 1 && rows[0].document == "a.pdf")
        #expect(rows[0].fields["vendor"] == .string("Acme GmbH"))
        #expect(rows[0].fields["invoice_date"] == Self.date("2024-04-03"))
        #expect(rows[0].fields["total"] == .number(1234.5))
    }

    @Test func goldErrorsNameTheLineAndTheField() {
        func error(_ text: String, _ schema: Schema = Self.scalars) -> String {
            do { _ = try Self.gold(text, schema); return "no error" } catch { return "\(error)" }
        }
        let ok = #"{"document": "a.pdf", "fields": {}}"#
        #expect(error(ok + "\n\n" + #"{"document": "b.pdf", "fields": {"totl": 3}}"#).hasPrefix("gold.jsonl:3: unknown field \"totl\""))
        #expect(error(ok + "\n{\"document\": \"b.pdf\",") == "gold.jsonl:2: not valid JSON (each line holds one object)")
        #expect(error(#"{"fields": {}}"#) == "gold.jsonl:1: \"document\" must be the document's file name")
        #expect(error(#"{"document": "a.pdf", "field": {}}"#).hasPrefix("gold.jsonl:1: unknown key \"field\""))
        #expect(
            error(#"{"document": "a.pdf", "fields": {"vendor": ["A", "B"]}}"#)
                == "gold.jsonl:1: field vendor: expected one value, not a list or an object")
        #expect(
            error(#"{"document": "a.pdf", "fields": {"line_items": [{"amount": 1}, {"amt": 2}]}}"#, Self.nested)
                .hasPrefix("gold.jsonl:1: unknown field \"line_items[1].amt\""))
        #expect(
            error(#"{"document": "a.pdf", "fields": {"line_items": {"amount": 1}}}"#, Self.nested)
                == "gold.jsonl:1: field line_items: expected a list of row objects")
        #expect(throws: TuningError.invalidGold(file: "/nonexistent/gold.jsonl", line: 0, reason: "the file cannot be read")) {
            try GoldFile.load("/nonexistent/gold.jsonl", schema: Self.scalars)
        }
    }

    @Test func reportsEncodeTheirScores() throws {
        let report = EvaluationReport(
            fields: [
                FieldScore(
                    field: "total", truePositives: 1, falsePositives: 1, falseNegatives: 0,
                    exactMatches: 1, documents: 2)
            ], documents: 2, missing: ["x.pdf"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let total = (json?["fields"] as? [[String: Any]])?.first
        #expect(total?["precision"] as? Double == 0.5 && total?["recall"] as? Double == 1)
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: JSONEncoder().encode(report)) == report)
    }
}

/// Candidate recall: the share of gold values among the candidates, the ceiling of any weights.
@Suite struct CandidateRecallTests {
    @Test func goldValuesAreFoundAmongCandidatesByTypeAwareEquality() throws {
        let schema = try Schema.parse(
            #"{"properties": {"total": {"type": "number"}, "parties": {"type": "array", "items": {"type": "string"}}}}"#)
        let gold = [
            GoldRow(document: "a.pdf", fields: ["total": .number(12.5), "parties": .array([.string("Acme Ltd"), .string("Beta")])]),
            GoldRow(document: "b.pdf", fields: ["total": .number(3), "parties": .null]),
            GoldRow(document: "c.pdf", fields: ["total": .number(1)]),
        ]
        let candidates: [String: [String: [Value]]] = [
            "/docs/a.pdf": ["total": [.number(12.50), .number(99)], "parties": [.string("ACME LTD."), .string("Gamma")]],
            "/docs/b.pdf": ["total": [.number(4)]],
        ]
        let recall = Evaluator.candidateRecall(schema: schema, candidates: candidates, gold: gold)
        // The values no candidate equals are listed with their documents: what to look at first.
        #expect(
            recall == [
                CandidateRecall(
                    field: "total", found: 1, gold: 3, missed: [.init(document: "b.pdf", value: "3"), .init(document: "c.pdf", value: "1")]),
                CandidateRecall(field: "parties", found: 1, gold: 2, missed: [.init(document: "a.pdf", value: "Beta")]),
            ])
        #expect(abs(recall[0].recall - 1.0 / 3) < 1e-12 && CandidateRecall(field: "x", found: 0, gold: 0).recall == 0)
    }
}
