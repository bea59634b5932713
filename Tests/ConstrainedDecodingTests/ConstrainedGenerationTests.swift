import Foundation
import Models
import QuarryTestSupport
import Testing

@testable import ConstrainedDecoding
@testable import Schema

/// Constrained decoding with a real model and its real vocabulary: whatever the (random) weights
/// prefer, every output parses, conforms to its random schema and, grounded, copies the document.
@Suite struct ConstrainedGenerationTests {
    static let tiny: LanguageModel? = try? LanguageModel(path: Paths.tinyModel)

    @Test func everyOutputOfTheTinyModelConformsToItsSchema() throws {
        let model = try #require(ConstrainedGenerationTests.tiny)
        let vocabulary = ConstraintVocabulary(model: model)
        var g = SeededGenerator(seed: 2024)
        let prompt = model.promptTokens("Fill in the form:")
        var complete = 0
        for round in 0..<12 {
            let schemaText = ConstraintFixtures.randomSchema(&g, allowTables: round % 3 == 0)
            let schema = try Schema.parse(schemaText)
            let document = ConstraintFixtures.randomDocument(&g)
            let grounded = round % 2 == 1
            let constraint = JSONConstraint(
                schema: schema, vocabulary: vocabulary, endOfSequence: model.tokenizer.eos,
                grounding: grounded ? GroundingText(document) : nil)
            let session = model.session(capacity: 1024)
            let result = try model.generate(
                prompt: prompt, in: session, maxTokens: 600,
                sampling: SamplingOptions(temperature: 1.5, topK: 0, topP: 1, seed: g.next()),
                constraint: constraint)
            guard result.stopReason == .complete else { continue }  // long outputs may hit the token budget
            complete += 1
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.text.utf8)) as? [String: Any], "\(result.text)")
            #expect(Array(json.keys).sorted() == schema.fields.map(\.name).sorted(), "\(result.text)")
            let row = Dictionary(uniqueKeysWithValues: schema.fields.map { ($0.name, $0.value(fromJSON: json[$0.name])) })
            let violations = try Validator(schema: schema).validate(row).violations.filter { $0.rule == "type" || $0.rule == "required" }
            #expect(violations.isEmpty, "\(schemaText)\n\(result.text)\n\(violations)")
            if grounded {
                for field in schema.fields {
                    guard case .scalar(let type) = field.kind, type.base == .string, type.enumValues == nil,
                        let text = json[field.name] as? String
                    else { continue }
                    #expect(document.contains(text), "\(field.name): \(text)")
                }
            }
        }
        #expect(complete >= 6)
    }
}
