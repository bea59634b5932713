import Testing

@testable import Schema

private func outcome(_ source: String, _ row: [String: Value] = [:], tolerance: Double = 0) throws -> RuleOutcome {
    try Rule(source, tolerance: tolerance).evaluate(row)
}

private func parseError(_ source: String) -> String? {
    do { _ = try Rule(source); return nil } catch { return error.description }
}

private func date(_ iso: String) -> Value { LocalDate(iso: iso).map(Value.date) ?? .null }

private let invoice: [String: Value] = [
    "total": .number(110), "subtotal": .number(100), "tax": .number(12), "currency": .string("GBP"),
    "invoice_date": date("2024-02-15"), "due_date": date("2024-03-16"), "discount": .null,
    "line_items": .array([
        .object(["description": .string("Widget"), "amount": .number(40)]),
        .object(["description": .string("Gadget"), "amount": .integer(60)]),
    ]),
    "parties": .array([.string("Acme Ltd"), .string("Globex")]),
]

/// The rule language; one parent suite so `--filter RuleTests` selects every case.
@Suite struct RuleTests {
    @Suite struct Parsing {
        @Test(arguments: [
            ("a >= sqrt(b)", "unknown function 'sqrt' at 5"),
            ("abs(total - (subtotal + tax) <= 0.01", "expected ')' at 36"),
            ("currency == \"USD", "unterminated string at 12"),
            ("total # 2", "unexpected character '#' at 6"),
            ("", "expected a value, found end of rule at 0"),
            ("total ==", "expected a value, found end of rule at 8"),
            ("total + tax", "expected a condition (a comparison, 'in', 'and', 'or' or 'not') at 0"),
            ("a > 1 and b + 1", "expected a condition (a comparison, 'in', 'and', 'or' or 'not') at 10"),
            ("a < b < c", "comparisons cannot be chained; join them with 'and' at 6"),
            ("a == b ±", "expected a number after '±', found end of rule at 8"),
            ("a == b ± c", "expected a number after '±', found 'c' at 9"),
            ("round(a, 1, 2) == 1", "round takes 1 or 2 arguments, got 3 at 0"),
            ("count() > 1", "count takes 1 argument, got 0 at 0"),
            ("items. > 1", "expected a field name after '.' at 6"),
            ("a == b c", "expected end of rule, found 'c' at 7"),
            ("a == (b", "expected ')' at 7"),
            ("x in [1, 2", "expected ']' at 10"),
        ])
        func errorsCarryPositions(source: String, expected: String) {
            #expect(parseError(source) == expected)
        }

        @Test func validRulesParse() {
            for source in [
                "total == subtotal + tax", "due_date >= invoice_date", "abs(total - (subtotal + tax)) <= 0.01",
                "total == subtotal + tax ± 0.02", "total == subtotal + tax +/- 0.02", "count(parties) >= 2",
                "sum(line_items.amount) == subtotal ± 0.01", "currency in [\"USD\", \"EUR\"]", "not (discount > subtotal)",
                "a > 1 AND b < 2 or c == null", "is_paid", "x not in [1, 2]", "a ≤ b && b ≠ c", "total = .5 * 2",
            ] {
                #expect(parseError(source) == nil, "\(source)")
            }
        }

        @Test func sizeLimitsKeepParsingAndEvaluationOnTheStack() throws {
            #expect(parseError(String(repeating: "(", count: 70) + "1") == "rule is nested too deeply at 64")
            let long = (1...300).map { "a\($0)" }.joined(separator: " + ") + " > 0"
            #expect(parseError(long) == "rule is too long (over 500 tokens) at 0")
            let nested = String(repeating: "(", count: 60) + "1 == 1" + String(repeating: ")", count: 60)
            #expect(try outcome(nested) == .passed)
            #expect(try outcome(String(repeating: "not ", count: 200) + "1 > 2") == .failed("1 ≤ 2"))
            #expect(try outcome(String(repeating: "- ", count: 240) + "1 == 1") == .passed)
        }

        @Test func negativeToleranceIsRejected() {
            #expect(throws: SchemaError.self) { try Rule("a == b", tolerance: -1) }
        }

        @Test func fieldsAreTopLevelNames() throws {
            #expect(try Rule("sum(line_items.amount) == subtotal ± 0.01").fields == ["line_items", "subtotal"])
            #expect(try Rule("abs(total - (subtotal + tax)) <= 0.01 or discount != null").fields == ["total", "subtotal", "tax", "discount"])
            #expect(try Rule("1 + 2 * 3 == 7").fields.isEmpty)
        }
    }

    @Suite struct Evaluation {
        @Test(arguments: [
            ("1 + 2 * 3 == 7", true), ("1 + 2 * 3 == 9", false), ("(1 + 2) * 3 == 9", true),
            ("10 - 4 - 3 == 3", true), ("8 / 4 / 2 == 1", true), ("-2 * 3 == -6", true), ("- -2 == 2", true),
            ("2 * 3 > 5 and 1 > 2", false), ("true or false and false", true), ("(true or false) and false", false),
            ("not 1 == 2", true), ("not not true", true), ("0.1 + 0.2 == 0.3", true), ("\"b\" > \"a\"", true),
            ("max(1, 5, 3) == 5", true), ("min(4, 2) == 2", true), ("round(2.675, 2) == 2.68", true),
            ("round(2.5) == 3", true), ("round(-2.5) == -3", true), ("abs(-3) == 3", true), ("3 in [1, 2, 3]", true),
            ("3 not in [1, 2]", true), ("true == (1 < 2)", true),
        ])
        func literalRules(source: String, holds: Bool) throws {
            let result = try outcome(source)
            if holds { #expect(result == .passed, "\(source)") } else { #expect(result != .passed, "\(source)") }
        }

        @Test func toleranceParameterAndInlineOverride() throws {
            let row: [String: Value] = ["total": .number(112.01), "subtotal": .number(100), "tax": .integer(12)]
            #expect(try outcome("total == subtotal + tax", row) != .passed)
            #expect(try outcome("total == subtotal + tax", row, tolerance: 0.02) == .passed)
            #expect(try outcome("total == subtotal + tax ± 0.02", row) == .passed)
            #expect(try outcome("total == subtotal + tax +/- 0.02", row) == .passed)
            #expect(try outcome("total == subtotal + tax ± 0.001", row, tolerance: 0.05) != .passed)
            #expect(try outcome("total != subtotal + tax ± 0.02", row) != .passed)
            #expect(try outcome("abs(total - (subtotal + tax)) <= 0.01", row) == .passed)
            #expect(try outcome("abs(total - (subtotal + tax)) <= 0.009", row) != .passed)
            #expect(try outcome("total <= subtotal + tax ± 0.01", row) == .passed)
            #expect(try outcome("total > subtotal + tax ± 0.01", row) != .passed)
        }

        @Test func dates() throws {
            #expect(try outcome("due_date >= invoice_date", invoice) == .passed)
            #expect(try outcome("due_date - invoice_date == 30", invoice) == .passed)
            #expect(try outcome("invoice_date + 30 == due_date", invoice) == .passed)  // across 29 February 2024
            #expect(try outcome("due_date - 30 == invoice_date", invoice) == .passed)
            #expect(try outcome("invoice_date <= \"2024-02-15\"", invoice) == .passed)
            #expect(try outcome("start + 366 == end", ["start": date("2024-01-01"), "end": date("2025-01-01")]) == .passed)
            #expect(try outcome("start - 1 == end", ["start": date("2000-03-01"), "end": date("2000-02-29")]) == .passed)
            #expect(
                try outcome("end_date > start_date", ["start_date": date("2024-05-02"), "end_date": date("2024-05-01")])
                    == .failed("end_date 2024-05-01 ≤ start_date 2024-05-02"))
            #expect(
                try outcome("invoice_date + 0.5 > due_date", invoice)
                    == .failed("invoice_date + 0.5 is not a valid date (2024-02-15 and 0.5 days)"))
            #expect(try outcome("due_date > 5", invoice) == .failed("cannot compare due_date 2024-03-16 (date) with 5 (number)"))
        }

        @Test func aggregatesOverArraysOfObjects() throws {
            #expect(try outcome("sum(line_items.amount) == subtotal ± 0.01", invoice) == .passed)
            #expect(try outcome("count(parties) >= 2", invoice) == .passed)
            #expect(try outcome("count(line_items) == 2", invoice) == .passed)
            #expect(try outcome("min(line_items.amount) == 40 and max(line_items.amount) == 60", invoice) == .passed)
            #expect(try outcome("\"Widget\" in line_items.description", invoice) == .passed)
            #expect(
                try outcome("sum(line_items.amount) == total", invoice)
                    == .failed("sum(line_items.amount) = sum([40, 60]) = 100 ≠ total 110 (off by 10)"))
            #expect(try outcome("sum(items.amount) == 0 and count(items) == 0", ["items": .array([])]) == .passed)
            #expect(
                try outcome("sum(line_items.description) > 0", invoice)
                    == .failed("sum(line_items.description) needs numbers, got \"Widget\""))
            #expect(try outcome("sum(total.amount) > 0", invoice) == .failed("total is 110, not an object or a list of objects"))
            let partial: [String: Value] = ["items": .array([.object(["amount": .number(1)]), .object([:])])]
            #expect(try outcome("sum(items.amount) == 1", partial) == .notApplicable)
            #expect(try outcome("count(items.amount) == 1", partial) == .passed)
        }

        @Test func nullsAndMissingFields() throws {
            #expect(try outcome("discount <= subtotal", invoice) == .notApplicable)
            #expect(try outcome("absent + 1 > 0", invoice) == .notApplicable)
            #expect(try outcome("count(absent) >= 2", invoice) == .notApplicable)
            #expect(try outcome("not (discount > subtotal)", invoice) == .notApplicable)
            #expect(try outcome("discount == null", invoice) == .passed)
            #expect(try outcome("absent == null", invoice) == .passed)
            #expect(try outcome("discount != null", invoice) == .failed("discount is missing"))
            #expect(try outcome("total != null", invoice) == .passed)
            #expect(try outcome("null == total", invoice) == .failed("total 110 is present"))
            // Three-valued logic: a known operand can decide `and` / `or` on its own.
            #expect(try outcome("discount == null or discount <= subtotal", invoice) == .passed)
            #expect(try outcome("discount <= subtotal or tax <= total", invoice) == .passed)
            #expect(try outcome("discount <= subtotal and tax > total", invoice) == .failed("tax 12 ≤ total 110"))
            #expect(try outcome("discount <= subtotal and tax <= total", invoice) == .notApplicable)
            #expect(try outcome("discount <= subtotal or tax > total", invoice) == .notApplicable)
        }

        @Test func failureMessagesQuoteTheValues() throws {
            #expect(try outcome("total == subtotal + tax", invoice) == .failed("total 110 ≠ subtotal + tax = 100 + 12 = 112 (off by 2)"))
            #expect(
                try outcome("total == subtotal + tax ± 0.5", invoice)
                    == .failed("total 110 ≠ subtotal + tax = 100 + 12 = 112 (off by 2, tolerance ± 0.5)"))
            #expect(try outcome("currency in [\"USD\", \"EUR\"]", invoice) == .failed("currency \"GBP\" not in [\"USD\", \"EUR\"]"))
            #expect(try outcome("not (tax < subtotal)", invoice) == .failed("tax 12 < subtotal 100"))
            #expect(try outcome("tax <= total and tax > subtotal", invoice) == .failed("tax 12 ≤ subtotal 100"))
            #expect(try outcome("tax > total or tax > subtotal", invoice) == .failed("tax 12 ≤ total 110; tax 12 ≤ subtotal 100"))
            #expect(try outcome("1 + 2 * 3 == 9") == .failed("1 + 2 * 3 = 7 ≠ 9 (off by 2)"))
            #expect(try outcome("is_paid", ["is_paid": .boolean(false)]) == .failed("is_paid false"))
        }

        @Test func incompatibleTypesAndDivisionByZeroFailWithoutCrashing() throws {
            #expect(try outcome("currency < 5", invoice) == .failed("cannot compare currency \"GBP\" (text) with 5 (number)"))
            #expect(
                try outcome("currency + 1 > 0", invoice)
                    == .failed("cannot apply '+' to currency \"GBP\" (text) and 1 (number)"))
            #expect(
                try outcome("total / quantity > 1", ["total": .number(10), "quantity": .integer(0)])
                    == .failed("division by zero in total / quantity (quantity 0)"))
            #expect(try outcome("total", invoice) == .failed("total 110 is not true or false"))
            #expect(try outcome("currency in total", invoice) == .failed("'in' needs a list, got total 110"))
            #expect(
                try outcome("max(total, currency) > 0", invoice)
                    == .failed("max cannot compare 110 (number) with \"GBP\" (text)"))
            #expect(try outcome("round(total, 0.5) > 0", invoice) == .failed("round needs 0 to 12 digits, got 0.5"))
        }

        @Test func aliasesAndMixedNumberKinds() throws {
            let row: [String: Value] = ["a": .integer(3), "b": .number(3.0), "c": .string("USD")]
            #expect(try outcome("a = b", row) == .passed)
            #expect(try outcome("a ≤ b && b ≥ a AND NOT a ≠ b", row) == .passed)
            #expect(try outcome("c == 'USD' || a > 10", row) == .passed)
            #expect(try outcome("c == \"usd\"", row) == .failed("c \"USD\" ≠ \"usd\""))
        }
    }
}
