import Documents
import Extraction
import Foundation
import Models
import Schema
import Testing

@testable import Tuning

/// Supervised training of a real span extractor (with the hashing embedder) on two small receipts
/// whose gold answers the zero-shot prior gets partly wrong.
@Suite struct SupervisedTrainingTests {
    static let schema = try! Schema.parse(
        """
        {"properties": {"shop": {"type": "string", "description": "The name of the shop."},
                        "date": {"type": "string", "format": "date", "description": "The date of the purchase."},
                        "total": {"type": "number", "description": "The total amount."},
                        "reference": {"type": "string", "description": "The receipt reference."}}}
        """)

    /// A receipt whose amount paid is labelled "Balance" while "Total items" counts the items.
    static func receipt(shop: String, date: String, items: [(String, String)], balance: String, reference: String) -> Document {
        var lines = [shop, "Open daily 8-6", "Date \(date)", "Ref \(reference)", ""]
        lines += items.map { "\($0.0)    \($0.1)" }
        lines += ["Total items \(items.count)", "Balance \(balance)", "Thank you for visiting"]
        return Document(kind: .text, pages: [Page(number: 1, text: lines.joined(separator: "\n"))])
    }

    static let documents = [
        receipt(
            shop: "Corner Bakery", date: "03/14/2024", items: [("Rye loaf", "4.50"), ("Cinnamon roll", "3.25")],
            balance: "7.75", reference: "CB-20931"),
        receipt(
            shop: "Harbour Fishmongers", date: "05/02/2024", items: [("Mackerel", "6.80"), ("Prawns", "12.40"), ("Lemon", "0.60")],
            balance: "19.80", reference: "HF-77120"),
    ]
    static let gold: [[String: Value]] = [
        ["shop": .string("Corner Bakery"), "date": .date(LocalDate(iso: "2024-03-14")!), "total": .number(7.75), "reference": .string("CB-20931")],
        [
            "shop": .string("Harbour Fishmongers"), "date": .date(LocalDate(iso: "2024-05-02")!), "total": .number(19.8),
            "reference": .string("HF-77120"),
        ],
    ]

    static func wrong(_ extractor: SpanExtractor, _ prepared: [SpanExtractor.Prepared]) -> [String] {
        zip(prepared, gold).enumerated().flatMap { d, pair in
            let row = extractor.decode(pair.0).row
            return schema.fields.map(\.name).filter { row[$0] != pair.1[$0] }.map { "\(d).\($0): \(row[$0].map { "\($0)" } ?? "nil")" }
        }
    }

    @Test func trainingDecodesTheGoldValuesAndTheLikelihoodRises() {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let prepared = Self.documents.map { extractor.prepare($0) }
        // Every gold value is among the options, so every field can be taught.
        for (p, row) in zip(prepared, Self.gold) {
            #expect(extractor.target(matching: row, in: p).fields == Set(Self.schema.fields.indices))
        }
        let before = Self.wrong(extractor, prepared)
        #expect(!before.isEmpty, "the zero-shot prior already decodes the gold rows: the test teaches nothing")

        var settings = SupervisedTraining.Settings()
        settings.epochs = 80
        let (trained, curve) = SupervisedTraining(settings: settings).train(extractor, prepared: prepared, gold: Self.gold)
        #expect(curve.count == 80)
        #expect(Self.wrong(trained, prepared).isEmpty, "still wrong after training: \(Self.wrong(trained, prepared)) (before: \(before))")
        #expect(curve.last! > curve.first! + 1, "\(curve.first!) → \(curve.last!)")
        #expect(curve.last! > -0.5, "the gold answers should end up likely: \(curve.last!)")
        // Adam with a small step: the curve rises almost everywhere.
        let falls = zip(curve, curve.dropFirst()).filter { $1 < $0 - 1e-6 }.count
        #expect(falls <= curve.count / 10, "\(falls) falls in \(curve)")
        // The likelihood is of the gold targets under the trained weights.
        let final =
            zip(prepared, Self.gold).map { p, row in
                trained.logProbability(of: trained.target(matching: row, in: p).candidate, in: p)
            }.reduce(0, +) / 2
        #expect(final >= curve.last! - 0.05, "\(final) vs \(curve.last!)")
    }

    @Test func fieldsWithoutAMatchingOptionAreNotTaught() {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.documents[0])
        var row = Self.gold[0]
        row["reference"] = .string("NOT-IN-THE-TEXT")
        let (target, fields) = extractor.target(matching: row, in: prepared)
        let reference = Self.schema.fields.firstIndex { $0.name == "reference" }!
        #expect(!fields.contains(reference) && fields.count == 3)
        // Its weights stay where they started; the taught fields move.
        var settings = SupervisedTraining.Settings()
        settings.epochs = 10
        let (trained, _) = SupervisedTraining(settings: settings).train(extractor, prepared: [prepared], gold: [row])
        let block = extractor.parameterBlocks[reference].range
        #expect(Array(trained.parameterVector[block]) == Array(extractor.parameterVector[block]))
        #expect(trained.parameterVector != extractor.parameterVector)
        #expect(target.row["total"] == .number(7.75))
    }
}
