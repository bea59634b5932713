import Testing

@testable import Schema

@Suite struct ValidatorTests {
    let validator: Validator

    init() throws {
        validator = try Validator(schema: try Schema.parse(SchemaTests.invoice))
    }

    func date(_ iso: String) -> Value { .date(LocalDate(iso: iso)!) }

    var goodRow: [String: Value] {
        [
            "invoice_number": .string("INV-2024-7"), "invoice_date": date("2024-03-14"), "currency": .string("EUR"),
            "total": .number(100), "paid": .boolean(false), "parties": .array([.string("Acme GmbH"), .string("Beta Ltd")]),
            "line_items": .array([
                .object(["description": .string("Bolts"), "amount": .number(40)]),
                .object(["description": .string("Nuts"), "amount": .number(60.004)]),
            ]),
        ]
    }

    @Test func aGoodRowPassesEveryCheck() {
        let report = validator.validate(goodRow)
        #expect(report.violations == [])
        #expect(report.score == 1 && report.checks > 10)
    }

    @Test func violationsNameTheFieldAndTheRule() {
        var row = goodRow
        row["invoice_number"] = .string("inv 7")  // pattern
        row["invoice_date"] = .string("14/03/2024")  // not normalised: format
        row["currency"] = .string("JPY")  // enum
        row["total"] = .number(-5)  // minimum, and the lines no longer add up
        row["parties"] = .array([.string("A")])  // item minLength
        row["line_items"] = .array([.object(["description": .string("Bolts")])])  // required amount missing
        let report = validator.validate(row)
        let found = Set(report.violations.map { "\($0.field) \($0.rule)" })
        #expect(
            found == [
                "invoice_number pattern", "invoice_date format", "currency enum", "total minimum",
                "parties[0] minLength", "line_items[0].amount required", "total rule: total >= 0",
            ])
        #expect(report.score > 0 && report.score < 1)
        // The sum rule cannot be checked (an amount is missing), so it is not counted either way.
        #expect(!report.violations.contains { $0.rule.contains("sum(") })
    }

    @Test func crossFieldRulesReportTheirMessage() {
        var row = goodRow
        row["total"] = .number(110)
        let report = validator.validate(row)
        #expect(report.violations.count == 1)
        let violation = report.violations[0]
        #expect(violation.rule == "rule: total == sum(line_items.amount)" && violation.field == "line_items, total")
        #expect(violation.message.hasPrefix("lines must add up (") && violation.message.contains("110"))
    }

    @Test func missingRequiredFieldsAndTypeMismatchesLowerTheScore() {
        let report = validator.validate(["total": .string("a hundred"), "paid": .string("yes")])
        #expect(Set(report.violations.map(\.rule)) == ["required", "type"])
        #expect(report.violations.contains { $0.field == "invoice_number" && $0.message == "is required but empty" })
        #expect(report.score < 0.5)
        #expect(validator.validate([:]).score == 0)  // only the two required checks, both failed
    }

    @Test func aRuleThatDoesNotParseIsASchemaError() {
        let schema = try? Schema.parse("{\"properties\": {\"a\": {\"type\": \"number\"}}, \"x-quarry-rules\": [\"a >\"]}")
        #expect(throws: SchemaError.self) { try Validator(schema: schema!, file: "s.json") }
        do { _ = try Validator(schema: schema!, file: "s.json") } catch { #expect(error.description.hasPrefix("s.json: /x-quarry-rules/0: ")) }
    }

    @Test func formatsAreChecked() throws {
        let schema = try Schema.parse(
            "properties:\n  mail: {type: string, format: email}\n  site: {type: string, format: uri}\n  n: {type: integer}\n")
        let v = try Validator(schema: schema)
        #expect(v.validate(["mail": .string("a@b.co"), "site": .string("https://x.org/a"), "n": .number(3)]).isValid)
        let bad = v.validate(["mail": .string("a@b"), "site": .string("x.org"), "n": .number(3.5)])
        #expect(bad.violations.map(\.field).sorted() == ["mail", "n", "site"])
    }
}
