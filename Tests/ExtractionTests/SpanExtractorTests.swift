import Documents
import Foundation
import Models
import Schema
import Testing

@testable import Extraction

/// A deterministic embedder for tests that need no model: hashed word counts, normalised.
struct HashingEmbedder: TextEmbedder {
    let name = "hashing-test"
    func embed(_ texts: [String]) -> [[Float]] {
        texts.map { text in
            var v = [Float](repeating: 0, count: 64)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                var h: UInt64 = 1_469_598_103_934_665_603
                for b in word.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
                v[Int(h % 64)] += 1
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
    }
}

@Suite struct SpanExtractorTests {
    static let schema = try! Schema.parse(
        """
        {"type": "object", "properties": {
          "invoice_number": {"type": "string", "description": "The invoice number."},
          "invoice_date": {"type": "string", "format": "date", "description": "The date of the invoice."},
          "total": {"type": "number", "description": "The total amount due."},
          "parties": {"type": "array", "items": {"type": "string"}, "description": "The companies named."},
          "currency": {"type": "string", "enum": ["USD", "EUR", "GBP"]},
          "items": {"type": "array", "items": {"type": "object", "properties": {
            "description": {"type": "string", "description": "What was sold."},
            "quantity": {"type": "number", "description": "How many units."},
            "amount": {"type": "number", "description": "The line total."}}}}}}
        """)

    static let document = Document(
        kind: .text,
        pages: [
            Page(
                number: 1,
                text: """
                    ACME TRADING LTD                 INVOICE
                    12 Harbour Road, Portsmouth
                    Invoice No: INV-2024-0042
                    Invoice Date: 14 March 2024
                    Bill to: Northwind Supplies Inc.

                    Description      Quantity   Amount
                    Widgets          4          50.00
                    Gadget covers    2          10.00
                    Total due (GBP)             60.00
                    """),
            Page(number: 2, text: "Payment within 30 days to Acme Trading Ltd. Thank you, Northwind Supplies Inc."),
        ])

    @Test func evidenceQuotesAreVerbatimAtTheirOffsets() {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.document)
        var generator = SeededGenerator(seed: 7)
        for candidate in [extractor.decode(prepared)] + extractor.sample(prepared, count: 20, temperature: 1.5, using: &generator) {
            for e in candidate.evidence {
                let page = Self.document.pages.first { $0.number == e.location.page }!
                let scalars = Array(page.text.unicodeScalars)
                #expect(String(String.UnicodeScalarView(scalars[e.location.start..<e.location.end])) == e.quote)
            }
        }
    }

    @Test func optionsAreTypedValues() {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.document)
        let dates = prepared.fields[1]!.values
        #expect(dates == [.date(LocalDate(year: 2024, month: 3, day: 14)!)])
        #expect(prepared.fields[2]!.values.contains(.number(60)))
        #expect(prepared.fields[0]!.values.contains(.string("INV-2024-0042")))
        #expect(Set(prepared.fields[4]!.values) == [.string("GBP")], "enum fields find their tokens")
        #expect(prepared.fields[3]!.values.contains(.string("Northwind Supplies Inc.")))
        #expect(prepared.fields[3]!.values.contains(.string("ACME TRADING LTD")))
    }

    @Test func tableRowsAreCutByTheirHeader() {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.document)
        let rows = prepared.fields[5]!.values
        #expect(rows.first == .object(["description": .string("Widgets"), "quantity": .number(4), "amount": .number(50)]))
        #expect(rows.contains(.object(["description": .string("Gadget covers"), "quantity": .number(2), "amount": .number(10)])))
        // Every cell of every row carries evidence at its place.
        var all = extractor.decode(prepared)
        all.decisions[5] = Array(rows.indices)
        let page = Array(Self.document.pages[0].text.unicodeScalars)
        let cells = extractor.gradient(of: all, in: prepared).count
        #expect(cells == extractor.parameterVector.count)
        var generator = SeededGenerator(seed: 1)
        for candidate in extractor.sample(prepared, count: 10, temperature: 3, using: &generator) {
            for e in candidate.evidence where e.field.hasPrefix("items[") {
                #expect(String(String.UnicodeScalarView(page[e.location.start..<e.location.end])) == e.quote)
            }
        }
    }

    @Test func probabilitiesOfAllDecisionsSumToOne() throws {
        // One single-valued field, and one multi-valued field over a short text: every decision enumerated.
        let scalar = try Schema.parse(#"{"type": "object", "properties": {"total": {"type": "number"}}}"#)
        let extractor = SpanExtractor(schema: scalar, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.document)
        // The policy chooses between values: each value's best occurrence is a choice.
        let options = prepared.fields[0]!
        let choices = options.representatives(extractor.scores(options, extractor.weights(scalar.fields[0])))
        #expect(choices.count > 3)
        var base = extractor.decode(prepared)
        var total = 0.0
        for choice in [[]] + choices.map({ [$0] }) {
            base.decisions[0] = choice
            total += exp(extractor.logProbability(of: base, in: prepared))
        }
        #expect(abs(total - 1) <= 1e-9)

        let list = try Schema.parse(#"{"type": "object", "properties": {"names": {"type": "array", "items": {"type": "string"}}}}"#)
        let listExtractor = SpanExtractor(schema: list, embedder: HashingEmbedder())
        let short = Document(kind: .text, pages: [Page(number: 1, text: "Acme Ltd and Beta GmbH")])
        let listPrepared = listExtractor.prepare(short)
        let listOptions = listPrepared.fields[0]!
        let listChoices = listOptions.representatives(listExtractor.scores(listOptions, listExtractor.weights(list.fields[0])))
        let m = listChoices.count
        #expect((2...10).contains(m))
        var sum = 0.0
        for mask in 0..<(1 << m) {
            base.decisions = [(0..<m).filter { mask & (1 << $0) != 0 }.map { listChoices[$0] }]
            sum += exp(listExtractor.logProbability(of: base, in: listPrepared))
        }
        #expect(abs(sum - 1) <= 1e-9)
    }

    @Test func aRepeatedValueIsOneChoiceSampledAsOftenAsItIsDecoded() throws {
        // A defined term repeated in every sentence, against a name said once: sampling each
        // occurrence on its own would put the term in nearly every sample whatever its score.
        let list = try Schema.parse(#"{"type": "object", "properties": {"names": {"type": "array", "items": {"type": "string"}}}}"#)
        let extractor = SpanExtractor(schema: list, embedder: HashingEmbedder())
        let text = "Acme Holdings Ltd (the Company).\n" + (1...30).map { "Clause \($0). The Company shall keep it secret." }.joined(separator: "\n")
        let prepared = extractor.prepare(Document(kind: .text, pages: [Page(number: 1, text: text)]))
        let options = prepared.fields[0]!
        let s = extractor.scores(options, extractor.weights(list.fields[0]))
        let company = try #require(options.groups.first { options.values[$0[0]] == .string("The Company") })
        #expect(company.count >= 30)
        let expected = SpanExtractor.sigmoid(company.map { s[$0] }.max()! - extractor.weights(list.fields[0]).nullScore)
        #expect((0.05...0.95).contains(expected), "the test needs a value that is neither sure nor hopeless: \(expected)")
        var generator = SeededGenerator(seed: 5)
        let samples = extractor.sample(prepared, count: 4000, temperature: 1, using: &generator)
        let including = samples.filter { sample in
            if case .array(let items) = sample.row["names"] ?? .null { items.contains(.string("The Company")) } else { false }
        }
        let share = Double(including.count) / Double(samples.count)
        #expect(abs(share - expected) < 0.03, "sampled in \(share) of samples, probability \(expected)")
        // Each sample decides the value once.
        #expect(samples.allSatisfy { $0.decisions[0].filter(company.contains).count <= 1 })

        // A decision stands for its value, whichever occurrence it names and whichever occurrence
        // scores best under the weights it is judged with (tuning judges samples under weights
        // that moved since they were drawn).
        // Weights that favour the other end of the document move each value's best occurrence.
        let position = try #require(SpanFeatures.names.firstIndex(of: "document_position"))
        let movers = [-10.0, 10].map { delta in
            var vector = extractor.parameterVector
            vector[position] += delta
            return extractor.with(parameterVector: vector)
        }
        let moved = try #require(
            movers.first { options.representatives($0.scores(options, $0.weights(list.fields[0]))) != options.representatives(s) })
        let movedScores = moved.scores(options, moved.weights(list.fields[0]))
        #expect(options.representatives(movedScores) != options.representatives(s), "the test needs weights that change the best occurrences")
        for sample in samples.prefix(20) {
            var other = sample
            other.decisions[0] = sample.decisions[0].map { options.groups[options.group[$0]].last! }
            #expect(abs(moved.logProbability(of: other, in: prepared) - moved.logProbability(of: sample, in: prepared)) < 1e-12)
            #expect(moved.gradient(of: other, in: prepared) == moved.gradient(of: sample, in: prepared))
            #expect(moved.optionLogProbabilities(of: other, in: prepared) == moved.optionLogProbabilities(of: sample, in: prepared))
        }
    }

    @Test func gradientMatchesFiniteDifferencesForSamplesOfOtherWeights() {
        // Policy-gradient steps judge samples drawn under earlier weights.
        let base = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        var g = SeededGenerator(seed: 11)
        let prepared = base.prepare(Self.document)
        let samples = base.sample(prepared, count: 5, temperature: 2, using: &g)
        let extractor = base.with(parameterVector: base.parameterVector.map { $0 + (g.unit() - 0.5) })
        for candidate in samples { Self.expectGradientMatchesFiniteDifferences(extractor, candidate, prepared) }
    }

    /// Every partial derivative of the candidate's log-probability against a central difference.
    static func expectGradientMatchesFiniteDifferences(_ extractor: SpanExtractor, _ candidate: Candidate, _ prepared: SpanExtractor.Prepared) {
        let analytic = extractor.gradient(of: candidate, in: prepared)
        let theta = extractor.parameterVector
        #expect(analytic.count == theta.count)
        for k in theta.indices {
            let h = 1e-5
            var plus = theta, minus = theta
            plus[k] += h; minus[k] -= h
            let numeric =
                (extractor.with(parameterVector: plus).logProbability(of: candidate, in: prepared)
                    - extractor.with(parameterVector: minus).logProbability(of: candidate, in: prepared)) / (2 * h)
            #expect(abs(analytic[k] - numeric) <= 1e-5 * max(1, abs(numeric)), "parameter \(k)")
        }
    }

    @Test func gradientMatchesFiniteDifferences() {
        var extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        // Move away from the prior so that no symmetry hides a wrong term.
        var g = SeededGenerator(seed: 3)
        extractor = extractor.with(parameterVector: extractor.parameterVector.map { $0 + (g.unit() - 0.5) })
        let prepared = extractor.prepare(Self.document)
        let samples = extractor.sample(prepared, count: 5, temperature: 2, using: &g)
        for candidate in samples { Self.expectGradientMatchesFiniteDifferences(extractor, candidate, prepared) }
    }

    @Test func samplingIsSeededAndTemperatureSpreadsChoices() {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let prepared = extractor.prepare(Self.document)
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11)
        let first = extractor.sample(prepared, count: 10, temperature: 1, using: &a).map(\.decisions)
        let second = extractor.sample(prepared, count: 10, temperature: 1, using: &b).map(\.decisions)
        #expect(first == second)
        var c = SeededGenerator(seed: 5)
        let cold = Set(extractor.sample(prepared, count: 30, temperature: 0.01, using: &c).map { $0.decisions[2] })
        let hot = Set(extractor.sample(prepared, count: 30, temperature: 10, using: &c).map { $0.decisions[2] })
        #expect(cold == [extractor.decode(prepared).decisions[2]])
        #expect(hot.count > 2)
    }

    @Test func parametersRoundTripAndRejectForeignFiles() throws {
        let extractor = SpanExtractor(schema: Self.schema, embedder: HashingEmbedder())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("span-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        var p = extractor.parameters
        p.version = "v-test"
        try p.save(url.path)
        #expect(try SpanParameters.load(url.path, schema: Self.schema) == p)
        try Data(#"{"format": "other"}"#.utf8).write(to: url)
        let error = try #require(throws: (any Error).self) { try SpanParameters.load(url.path, schema: Self.schema) }
        #expect("\(error)".contains(url.path))
    }

    @Test func longDocumentsAreReadToTheEnd() throws {
        // 60 pages of running text; the only labelled date is on page 57.
        let filler = (1...40).map { "Clause \($0) sets out obligations of the parties in ordinary words." }.joined(separator: "\n")
        var pages = (1...60).map { Page(number: $0, text: filler) }
        pages[56] = Page(number: 57, text: filler + "\nInvoice Date: 14 March 2024\n" + filler)
        let schema = try Schema.parse(#"{"type": "object", "properties": {"invoice_date": {"type": "string", "format": "date"}}}"#)
        let extractor = SpanExtractor(schema: schema, embedder: HashingEmbedder())
        let candidate = extractor.decode(Document(kind: .text, pages: pages))
        #expect(candidate.row["invoice_date"] == .date(LocalDate(year: 2024, month: 3, day: 14)!))
        #expect(candidate.evidence.first?.location.page == 57)
    }

    @Test func dayFirstIsDetectedFromUnambiguousDates() throws {
        let doc = Document(kind: .text, pages: [Page(number: 1, text: "Date: 03/04/2024\nPrinted 25/12/2018")])
        let schema = try Schema.parse(#"{"type": "object", "properties": {"date": {"type": "string", "format": "date"}}}"#)
        let prepared = SpanExtractor(schema: schema, embedder: HashingEmbedder()).prepare(doc)
        #expect(prepared.fields[0]!.values.contains(.date(LocalDate(year: 2024, month: 4, day: 3)!)))
    }
}
