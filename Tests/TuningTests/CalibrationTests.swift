import Schema
import Testing

@testable import Tuning

@Suite struct CalibrationTests {
    @Test func binsAndExpectedErrorByHand() {
        // Bin 0.9–1.0: 0.95, 0.95 (one right) → mean 0.95, right 0.5, gap 0.45.
        // Bin 0.2–0.3: 0.25, 0.25 (both wrong) → mean 0.25, right 0, gap 0.25.
        let c = Calibration([(0.95, true), (0.95, false), (0.25, false), (0.25, false)])
        #expect(c.cells == 4 && c.right == 1)
        #expect(c.bins.map(\.cells) == [2, 2] && c.bins.map(\.lower) == [0.2, 0.9])
        #expect(abs(c.expectedCalibrationError - (0.5 * 0.45 + 0.5 * 0.25)) < 1e-12)
        // A confidence of exactly 1 falls in the last bin; perfect calibration has no error.
        let perfect = Calibration([(1, true), (0, false)])
        #expect(perfect.bins.map(\.upper) == [0.1, 1] && perfect.expectedCalibrationError == 0)
        #expect(Calibration([]).expectedCalibrationError == 0)
    }

    @Test func cellsAreValuesWithConfidencesJudgedAgainstTheirDocumentsGold() throws {
        let schema = try Schema.parse(
            #"{"type": "object", "properties": {"vendor": {"type": "string"}, "party": {"type": "array", "items": {"type": "string"}}}}"#)
        let predicted: [String: [String: Value]] = [
            "/docs/a.pdf": ["vendor": .string("ACME"), "party": .array([.string("Acme"), .string("Beta")])],
            "/docs/b.pdf": ["vendor": .string("Gamma"), "party": .null],
        ]
        let confidences: [String: [String: [Int: Double]]] = [
            "/docs/a.pdf": ["vendor": [0: 0.9], "party": [0: 0.8, 1: 0.3]],
            "/docs/b.pdf": ["vendor": [0: 0.6]],
        ]
        let gold = [
            GoldRow(document: "a.pdf", fields: ["vendor": .string("Acme"), "party": .array([.string("Acme"), .string("Delta")])]),
            GoldRow(document: "b.pdf", fields: ["vendor": .string("Gamma Ltd")]),
            GoldRow(document: "c.pdf", fields: ["vendor": .string("Nobody")]),
        ]
        let c = Evaluator.calibration(schema: schema, predicted: predicted, confidences: confidences, gold: gold)
        // ACME (right, 0.9), Acme (right, 0.8), Beta (wrong, 0.3), Gamma (wrong, 0.6); c.pdf has no row.
        #expect(c.cells == 4 && c.right == 2)
        #expect(c.bins.map(\.cells) == [1, 1, 1, 1])
        #expect(abs(c.expectedCalibrationError - (0.1 + 0.2 + 0.3 + 0.6) / 4) < 1e-12)
        // Every cell is listed, for fitting a calibration map; reports drop them.
        let listed = try #require(c.values)
        #expect(
            listed.map(\.value).sorted() == ["ACME", "Acme", "Beta", "Gamma"] && listed.filter(\.right).map(\.field).sorted() == ["party", "vendor"])
        #expect(listed.first { $0.value == "Beta" }?.document == "/docs/a.pdf")
        #expect(c.withoutValues.values == nil && c.withoutValues.expectedCalibrationError == c.expectedCalibrationError)
    }
}
