import Foundation
import Schema
import Testing

@testable import Extraction

/// Span extractor parameters decoded from JSON text, as a model version stored in the database holds them.
@Suite struct SpanParametersTests {
    let schema = SpanExtractorTests.schema

    @Test func decodesTheArtefactWithTheChecksOfLoad() throws {
        var parameters = SpanParameters.zeroShot(for: schema)
        parameters.version = "receipts-v2"
        parameters.base = "receipts-v1"
        let data = try parameters.encoded()
        #expect(try SpanParameters.decode(data, source: "model version receipts-v2", schema: schema) == parameters)

        // A field the artefact lacks gets the prior.
        let first = try #require(schema.fields.first?.name)
        var partial = parameters
        partial.fields[first] = nil
        #expect(try SpanParameters.decode(try partial.encoded(), source: "x", schema: schema) == parameters)

        // Errors name the source.
        var wrong = parameters
        wrong.fields[first]?.weights.append(1)
        for bad in [Data(#"{"format": "other"}"#.utf8), try wrong.encoded()] {
            do {
                _ = try SpanParameters.decode(bad, source: "model version receipts-v2", schema: schema)
                Issue.record("accepted \(String(decoding: bad, as: UTF8.self).prefix(60))")
            } catch {
                #expect(error.description.hasPrefix("model version receipts-v2: "), "\(error)")
            }
        }
    }
}
