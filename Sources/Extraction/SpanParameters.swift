import Foundation
import Schema

/// The span extractor's parameters: for every field, a weight per feature and the score of
/// answering null. Saved as a versioned JSON artefact; the zero-shot prior is the starting point
/// that tuning moves from.
public struct SpanParameters: Sendable, Equatable, Codable {
    /// The weights of one field.
    public struct FieldWeights: Sendable, Equatable, Codable {
        public var weights: [Double]
        /// The score of null for a single-valued field; the inclusion threshold for a list.
        public var nullScore: Double
        /// The temperature at which values' confidences are read (nil: 1); it changes no choice.
        /// Tuning sets it so that a sharpened field is not more sure of itself than before
        /// (`SpanExtractor.calibratingConfidence`).
        public var confidenceTemperature: Double? = nil
    }

    public static let format = "quarry-span-parameters/1"

    public var format: String = SpanParameters.format
    /// The version id (`zero-shot`, or the id a tuning run gives).
    public var version: String
    /// The version this one was tuned from.
    public var base: String?
    /// The feature names, in weight order; a file with other features is refused.
    public var features: [String]
    /// The feature names of table rows (fields that are arrays of objects).
    public var rowFeatures: [String] = RowFeatures.names
    public var fields: [String: FieldWeights]

    /// The version id of the prior.
    public static let zeroShotVersion = "zero-shot"

    /// The prior for a schema, no labels: per field the shipped prior's weights for its kind of
    /// value, trusted as far as `embedder` finds the field's description near the fields the prior
    /// learnt from (without an embedder, fully).
    public static func zeroShot(for schema: Schema, embedder: (any TextEmbedder)? = nil) -> SpanParameters {
        let trust = embedder.map { SpanPrior.shipped.trust(of: schema.fields.map(SpanFeatures.query), embedder: $0) }
        var fields: [String: FieldWeights] = [:]
        for (f, field) in schema.fields.enumerated() { fields[field.name] = SpanFeatures.prior(for: field, trust: trust?[f] ?? 1) }
        return SpanParameters(version: zeroShotVersion, base: nil, features: SpanFeatures.names, fields: fields)
    }

    /// Reads a parameter file; fields of the schema it lacks get the prior.
    public static func load(_ path: String, schema: Schema) throws(ExtractionError) -> SpanParameters {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidParameters(file: path, reason: "the file cannot be read")
        }
        return try decode(data, source: path, schema: schema)
    }

    /// Decodes parameters from JSON (a file's bytes, or a version stored in the database) with
    /// the checks of `load`; `source` names where they came from in errors. Fields of the schema
    /// they lack get the prior.
    public static func decode(_ data: Data, source: String, schema: Schema) throws(ExtractionError) -> SpanParameters {
        var parameters: SpanParameters
        do { parameters = try JSONDecoder().decode(SpanParameters.self, from: data) } catch {
            throw .invalidParameters(file: source, reason: "not a span extractor parameter file: \(error)")
        }
        guard parameters.format == format else {
            throw .invalidParameters(file: source, reason: "format \(parameters.format), expected \(format)")
        }
        guard parameters.features == SpanFeatures.names, parameters.rowFeatures == RowFeatures.names else {
            throw .invalidParameters(
                file: source, reason: "made for other features (\(parameters.features.count) instead of \(SpanFeatures.names.count)); tune again")
        }
        for field in schema.fields {
            if let w = parameters.fields[field.name], w.weights.count != SpanFeatures.width(of: field) {
                throw .invalidParameters(
                    file: source, reason: "field \(field.name) has \(w.weights.count) weights, expected \(SpanFeatures.width(of: field))")
            }
        }
        for field in schema.fields where parameters.fields[field.name] == nil {
            parameters.fields[field.name] = SpanFeatures.prior(for: field)
        }
        return parameters
    }

    /// The artefact: pretty-printed, key-sorted JSON, as `save` writes it and a model version stores it.
    public func encoded() throws(ExtractionError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch {
            throw .invalidParameters(file: version, reason: "cannot encode: \(error)")
        }
    }

    /// Writes the parameters as pretty-printed JSON.
    public func save(_ path: String) throws(ExtractionError) {
        let data = try encoded()
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .invalidParameters(file: path, reason: "cannot write: \(error)")
        }
    }
}
