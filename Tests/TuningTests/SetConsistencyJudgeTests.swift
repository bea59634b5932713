import Documents
import Extraction
import Schema
import Testing

@testable import Tuning

/// The set consistency judge: a value is scored by how typical it is of the same field across
/// the documents of the set.
@Suite struct SetConsistencyJudgeTests {
    static let schema = try! Schema.parse(
        """
        {"properties": {"invoice_number": {"type": "string"}, "vendor": {"type": "string"},
                        "invoice_date": {"type": "string", "format": "date"}, "total": {"type": "number"},
                        "notes": {"type": "string"}, "paid": {"type": "boolean"}}}
        """)
    static let totals: [Double] = [120, 85.5, 430, 99, 1500, 260, 75, 310, 640, 150, 215, 98.4, 1210, 333, 47.25, 505, 720, 88, 190, 410]
    static let vendors = [
        "Acme Trading Ltd", "Northwind Supplies Inc.", "KESTREL GMBH", "Maple & Tide", "x7-99", "Blue Heron Co",
        "Weber Baustoffe", "Harbour Lights", "Grey Stone Ltd", "Vega", "Orion Partners LLP", "12 Bakers",
        "Three Rivers Trading Company", "Zed", "Ace", "Lumen AG", "Q", "Fjord & Fell", "Pine", "Oak Tree",
    ]
    /// Twenty rows as a policy might give them: numbers of one shape, totals spread over two decades,
    /// dates in 2023–2024, notes mostly absent, vendors of every shape.
    static let rows: [[String: Value]] = (0..<20).map { i in
        var row: [String: Value] = [
            "invoice_number": .string("INV-2024-\(1000 + 37 * i)"),
            "vendor": .string(vendors[i]),
            "invoice_date": .date(LocalDate(year: 2023 + i % 2, month: 1 + i % 12, day: 1 + i)!),
            "total": .number(totals[i]),
            "paid": .boolean(i % 3 == 0),
        ]
        if i == 4 { row["notes"] = .string("Paid by cheque") }
        return row
    }
    static let document = Document(kind: .text, pages: [Page(number: 1, text: "INV-2024-1111")])
    static let judge = SetConsistencyJudge(schema: schema, rows: rows)

    func verdict(_ row: [String: Value]) -> RewardScore {
        Self.judge.score(Fixture.context(Self.document, Self.schema, Fixture.candidate(row, in: Self.document)))
    }

    @Test func typicalValuesScoreHigherThanOutliers() {
        // Vendors (of every shape) and booleans are not judged, nor notes (mostly absent).
        let typical = verdict([
            "invoice_number": .string("INV-2024-1111"), "invoice_date": .date(LocalDate(iso: "2024-05-01")!),
            "total": .number(180), "vendor": .string("Acme"), "paid": .boolean(true),
        ])
        #expect(typical.value == 1 && typical.fields == ["invoice_number": 1, "invoice_date": 1, "total": 1], "\(typical)")
        let outliers = verdict([
            "invoice_number": .string("14 March 2024"), "invoice_date": .date(LocalDate(iso: "1899-05-01")!),
            "total": .number(98_000_000), "vendor": .string("Acme"), "paid": .boolean(true),
        ])
        #expect(outliers.fields.count == 3)
        #expect(outliers.fields.values.allSatisfy { $0 < 0.2 }, "\(outliers)")
        #expect(outliers.explanation.contains("invoice_number") && outliers.explanation.contains("shape"))
        #expect(outliers.explanation.contains("total") && outliers.explanation.contains("far above"))
        #expect(outliers.explanation.contains("1899"), "\(outliers.explanation)")
        // A large but plausible total still scores well on the log scale; a negative one does not.
        #expect(verdict(["total": .number(3000)]).fields["total"] == 1)
        #expect(verdict(["total": .number(-60)]).fields["total"] == 0)
    }

    @Test func nullsScoreLowWhereTheSetHasValuesAndValuesAreNeutralWhereItHasNone() {
        let missing = verdict([:])
        #expect(missing.fields["invoice_number"] == 0 && missing.fields["total"] == 0)
        #expect(missing.explanation.contains("null where 100% of the set has a value"), "\(missing.explanation)")
        #expect(missing.fields["notes"] == nil)
        #expect(verdict(["notes": .string("see attached")]).fields["notes"] == nil)
    }

    @Test func fieldsTheSetSaysNothingAboutAreNotJudged() {
        // Vendors of every shape, and booleans: not judged.
        let row: [String: Value] = ["vendor": .string("1234"), "paid": .boolean(true)]
        #expect(verdict(row).fields["vendor"] == nil && verdict(row).fields["paid"] == nil)
        // But a null is judged wherever the set has values.
        #expect(verdict([:]).fields["vendor"] == 0 && verdict([:]).fields["paid"] == 0)
        // A set of four rows says nothing at all.
        let small = SetConsistencyJudge(schema: Self.schema, rows: Array(Self.rows.prefix(4)))
        let context = Fixture.context(Self.document, Self.schema, Fixture.candidate(["total": .number(1e9)], in: Self.document))
        #expect(small.score(context).fields.isEmpty && small.score(context).value == 1)
    }

    @Test func shapesCollapseCharacterClasses() {
        #expect(FieldProfile.shape(of: "Acme Trading Inc.") == FieldProfile.shape(of: "Kestrel Maschinenbau Ltd."))
        #expect(FieldProfile.shape(of: "INV-2024-0042") == FieldProfile.shape(of: "INV-2023-19"))
        #expect(FieldProfile.shape(of: "INV-2024-0042") != FieldProfile.shape(of: "14 March 2024"))
        #expect(FieldProfile.shape(of: "ACME") != FieldProfile.shape(of: "Acme"))
    }
}
