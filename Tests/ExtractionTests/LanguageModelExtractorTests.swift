import Documents
import Foundation
import Models
import QuarryTestSupport
import Schema
import Testing

@testable import Extraction

/// The LLM extractor as a policy: rows always parse and validate, every value has evidence in the
/// document, log-probabilities can be recomputed. The tiny random model (committed with the
/// Models tests) writes nonsense, which is the point: the constraint alone must keep it valid.
@Suite(.serialized) struct LanguageModelExtractorTests {
    static let tiny: LanguageModel? = try? LanguageModel(path: Paths.tinyModel)
    static let smol: LanguageModel? = try? LanguageModel()
    static let schema = try! Schema.load(Paths.fixture("schemas/sroie.json"))

    static func receipt(_ name: String) throws -> Document {
        let text = try String(contentsOfFile: Paths.fixture("documents/\(name)"), encoding: .utf8)
        return Document(kind: .text, pages: [Page(number: 1, text: text)])
    }

    /// A small schema keeps the tiny model's prompts short (its vocabulary is mostly single bytes).
    static let small = try! Schema.parse(
        #"{"properties": {"shop": {"type": "string"}, "paid": {"type": "number"}, "day": {"type": "string", "format": "date"}}, "required": ["shop"]}"#
    )

    func check(_ candidate: Candidate, _ document: Document, schema: Schema = Self.schema, validator: Validator) {
        let text = document.pages[0].text
        #expect(validator.validate(candidate.row).violations.allSatisfy { $0.rule != "type" }, "\(candidate.row)")
        for field in schema.fields where !(candidate.row[field.name] ?? .null).isNull {
            let evidence = candidate.evidence.filter { $0.field == field.name }
            #expect(evidence.count == 1, "\(field.name) has no evidence: \(candidate.row)")
            for e in evidence {
                let scalars = Array(text.unicodeScalars)
                #expect(String(String.UnicodeScalarView(scalars[e.location.start..<e.location.end])) == e.quote)
            }
        }
        #expect(candidate.logProbability.isFinite && candidate.logProbability <= 0)
    }

    @Test func anyModelWritesValidGroundedRows() throws {
        let model = try #require(Self.tiny)
        var options = LanguageModelExtractor.Options()
        options.maxTokens = 48
        options.contextTokens = 640  // rotary positions extend past the 256 it was made with
        let extractor = LanguageModelExtractor(schema: Self.small, model: model, options: options)
        let validator = try Validator(schema: Self.small)
        let document = try Self.receipt("receipt-maple-and-tide-coffee-1.txt")
        let prepared = extractor.prepare(document)
        #expect(!prepared.prompt.excerpt.isEmpty && prepared.tokens.count + 48 <= 640)
        let decoded = extractor.decode(prepared)
        #expect(decoded.decisions.first?.isEmpty == false)
        check(decoded, document, schema: Self.small, validator: validator)
        var generator = SeededGenerator(seed: 11)
        let samples = extractor.sample(prepared, count: 3, temperature: 1, using: &generator)
        #expect(samples.count == 3)
        for sample in samples {
            check(sample, document, schema: Self.small, validator: validator)
            let again = extractor.logProbability(of: sample, in: prepared)
            #expect(abs(again - sample.logProbability) < 1e-6)
        }
        #expect(extractor.parameterVector.isEmpty && extractor.gradient(of: decoded, in: prepared).isEmpty)
        #expect(extractor.version == "llm:tiny-llama")
    }

    @Test func dateAndNumberFieldsChooseAmongTheDocumentsMentions() throws {
        let retyped = LanguageModelExtractor.mentionSchema(Self.schema, excerpt: "Date 09-Jul-2024, total $59.69 (2 items)", dates: .dayFirst)
        #expect(retyped.field("date")?.scalarType?.enumValues == ["09-Jul-2024"])
        #expect(retyped.field("total")?.scalarType?.enumValues == ["$59.69", "2"])
        #expect(retyped.field("company")?.scalarType?.enumValues == nil)
        let none = LanguageModelExtractor.mentionSchema(Self.schema, excerpt: "no numbers here", dates: .dayFirst)
        #expect(none.field("total")?.scalarType?.base == .number)
    }

    @Test(.enabled(if: TestModels.smolInstalled, TestModels.smolMissing))
    func smolLM2ReadsAReceipt() throws {
        let model = try #require(Self.smol)
        let extractor = LanguageModelExtractor(schema: Self.schema, model: model)
        let document = try Self.receipt("receipt-kopitiam-sri-melor-1.txt")
        let candidate = extractor.decode(document)
        check(candidate, document, validator: try Validator(schema: Self.schema))
        print("SmolLM2 on a receipt: \(candidate.row)")
        #expect(candidate.row["date"] == .date(LocalDate(iso: "2024-03-14")!))
        #expect(candidate.row["company"]?.isNull == false)
    }
}
