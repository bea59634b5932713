import Documents
import Foundation
import Models
import Testing
@testable import Extraction

/// The LLM extractor as a policy: rows always parse and validate, every value has evidence in the
/// document, log-probabilities can be recomputed. The tiny random model (committed with the
/// Models tests) writes nonsense, which is the point: the constraint alone must keep it valid.
@Suite(.serialized) struct LanguageModelExtractorTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tiny: LanguageModel? = try? LanguageModel(path: repository.appendingPathComponent("Tests/ModelsTests/Golden/tiny-llama.gguf").path)
    static let smol: LanguageModel? = try? LanguageModel()
    static let schema = try! Schema.load(repository.appendingPathComponent("Fixtures/schemas/sroie.json").path)

    static func receipt(_ name: String) throws -> Document {
        let text = try String(contentsOf: repository.appendingPathComponent("Fixtures/documents/\(name)"), encoding: .utf8)
        return Document(kind: .text, pages: [Page(number: 1, text: text)])
    }

    /// A small schema keeps the tiny model's prompts short (its vocabulary is mostly single bytes).
    static let small = try! Schema.parse(#"{"properties": {"shop": {"type": "string"}, "paid": {"type": "number"}, "day": {"type": "string", "format": "date"}}, "required": ["shop"]}"#)

    func check(_ candidate: Candidate, _ document: Document, schema: Schema = Self.schema, validator: Validator) {
        let text = document.pages[0].text
        #expect(validator.validate(candidate.row).violations.allSatisfy { $0.rule != "type" }, "\(candidate.row)")
        for field in schema.fields where !(candidate.row[field.name] ?? .null).isNull {
            let evidence = candidate.evidence.filter { $0.field == field.name }
            #expect(evidence.count == 1, "\(field.name) has no evidence: \(candidate.row)")
            for e in evidence {
                let scalars = Array(text.unicodeScalars)
                #expect(String(String.UnicodeScalarView(scalars[e.start..<e.end])) == e.quote)
            }
        }
        #expect(candidate.logProbability.isFinite && candidate.logProbability <= 0)
    }

    @Test func anyModelWritesValidGroundedRows() throws {
        let model = try #require(Self.tiny)
        var options = LanguageModelExtractor.Options()
        options.maxTokens = 48
        options.contextTokens = 640   // rotary positions extend past the 256 it was made with
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

    @Test(.enabled(if: Self.smol != nil, "SmolLM2-135M-Instruct is not installed: run bash scripts/setup.sh"))
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

/// Constrained decoding with a real model and its real vocabulary: whatever the (random) weights
/// prefer, every output parses, conforms to its random schema and, grounded, copies the document.
@Suite struct ConstrainedGenerationTests {
    @Test func everyOutputOfTheTinyModelConformsToItsSchema() throws {
        let model = try #require(LanguageModelExtractorTests.tiny)
        let vocabulary = ConstraintVocabulary(model: model)
        var g = SeededGenerator(seed: 2024)
        let prompt = model.promptTokens("Fill in the form:")
        var complete = 0
        for round in 0..<12 {
            let schemaText = ConstraintFixtures.randomSchema(&g, allowTables: round % 3 == 0)
            let schema = try Schema.parse(schemaText)
            let document = ConstraintFixtures.randomDocument(&g)
            let grounded = round % 2 == 1
            let constraint = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: model.tokenizer.eos,
                                            grounding: grounded ? GroundingText(document) : nil)
            let session = model.session(capacity: 1024)
            let result = try model.generate(prompt: prompt, in: session, maxTokens: 600,
                                            sampling: SamplingOptions(temperature: 1.5, topK: 0, topP: 1, seed: g.next()),
                                            constraint: constraint)
            guard result.stopReason == .complete else { continue }   // long outputs may hit the token budget
            complete += 1
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.text.utf8)) as? [String: Any], "\(result.text)")
            #expect(Array(json.keys).sorted() == schema.fields.map(\.name).sorted(), "\(result.text)")
            let row = Dictionary(uniqueKeysWithValues: schema.fields.map { ($0.name, $0.value(fromJSON: json[$0.name])) })
            let violations = try Validator(schema: schema).validate(row).violations.filter { $0.rule == "type" || $0.rule == "required" }
            #expect(violations.isEmpty, "\(schemaText)\n\(result.text)\n\(violations)")
            if grounded {
                for field in schema.fields {
                    guard case .scalar(let type) = field.kind, type.base == .string, type.enumValues == nil,
                          let text = json[field.name] as? String else { continue }
                    #expect(document.contains(text), "\(field.name): \(text)")
                }
            }
        }
        #expect(complete >= 6)
    }
}
