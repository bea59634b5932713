import Documents
import Foundation
import Schema
import Testing

@testable import Extraction

@Suite struct SpanConfidenceTests {
    let extractor = SpanExtractor(schema: SpanExtractorTests.schema, embedder: HashingEmbedder())

    /// The mean confidence of a field's decoded values.
    func meanConfidence(_ e: SpanExtractor, _ prepared: [SpanExtractor.Prepared], field: String) -> Double {
        let values = prepared.flatMap { e.decode($0).evidence.filter { $0.field == field }.compactMap(\.confidence) }
        return values.reduce(0, +) / Double(max(1, values.count))
    }

    @Test func aSharpenedVersionKeepsItsBasesConfidenceAndItsChoices() throws {
        let prepared = [SpanExtractorTests.document, Document(kind: .text, pages: [Page(number: 1, text: "Invoice No: A-17\nTotal 99.00 EUR")])]
            .map(extractor.prepare)
        // A base unsure of itself (the prior's weights softened), and a version sharpened from it
        // by a factor of 4, as tuning toward the samples' majority does.
        let base = extractor.with(parameterVector: extractor.parameterVector.map { $0 * 0.25 })
        let sharp = base.with(parameterVector: base.parameterVector.map { $0 * 4 })
        let calibrated = sharp.calibratingConfidence(to: base, on: prepared)
        let fields = SpanExtractorTests.schema.fields.map(\.name).filter { field in
            prepared.contains { !base.decode($0).evidence.filter { $0.field == field }.isEmpty }
                && meanConfidence(sharp, prepared, field: field) > meanConfidence(base, prepared, field: field) + 0.01
        }
        #expect(fields.count >= 2, "the test needs fields the sharper version is surer of: \(fields)")
        for field in fields {
            #expect(abs(meanConfidence(calibrated, prepared, field: field) - meanConfidence(base, prepared, field: field)) < 1e-3, "\(field)")
            #expect((calibrated.parameters.fields[field]?.confidenceTemperature ?? 1) > 1)
        }
        for p in prepared { #expect(calibrated.decode(p).row == sharp.decode(p).row) }
        // Parameters round-trip with their temperatures; a version no surer than its base keeps 1.
        let data = try calibrated.parameters.encoded()
        #expect(try SpanParameters.decode(data, source: "test", schema: SpanExtractorTests.schema) == calibrated.parameters)
        let same = extractor.calibratingConfidence(to: extractor, on: prepared)
        #expect(same.parameters.fields.values.allSatisfy { $0.confidenceTemperature == nil })
    }
}
