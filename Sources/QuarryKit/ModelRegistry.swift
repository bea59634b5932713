import Extraction
import Foundation
import Store

/// A stored version of a table's extractor as a face lists it.
public struct ModelVersionListing: Sendable {
    public let version: ModelVersion
    /// Whether its table extracts with it now.
    public let promoted: Bool
    /// Its metrics as stored, and their headline figures.
    public let metrics: JSONValue?
    public let figures: [MetricFigure]
}

/// One number of a version's metrics: `name before→value`, or `name value` when there is no before.
public struct MetricFigure: Sendable, Equatable {
    public let name: String
    public let before: Double?
    public let value: Double

    /// The figures of free-form metrics: `before`/`after` pairs (from `{"before": {…}, "after": {…}}`
    /// or `{"name": {"before": b, "after": a}}`), then top-level numbers; names sorted.
    static func figures(_ metrics: JSONValue?) -> [MetricFigure] {
        guard case .object(let object) = metrics else { return [] }
        var figures: [MetricFigure] = []
        if case .object(let before) = object["before"], case .object(let after) = object["after"] {
            for key in before.keys.sorted() {
                if let b = before[key]?.number, let a = after[key]?.number { figures.append(MetricFigure(name: key, before: b, value: a)) }
            }
        }
        for key in object.keys.sorted() where key != "before" && key != "after" {
            if case .object(let pair) = object[key], let b = pair["before"]?.number, let a = pair["after"]?.number {
                figures.append(MetricFigure(name: key, before: b, value: a))
            } else if let n = object[key]?.number {
                figures.append(MetricFigure(name: key, before: nil, value: n))
            }
        }
        return figures
    }
}

/// Everything about one version: lineage, promotions, parameters, reward configuration, metrics.
public struct ModelVersionDetails: Sendable {
    public let version: ModelVersion
    /// The version, its base, its base's base…, ending with `zero-shot` (or a base missing from the database).
    public let lineage: [String]
    public let promoted: Bool
    /// The promotions (and restorations by rollback) of this version.
    public let promotions: [ModelPromotion]
    /// The parameter artefact as JSON, or its text when it is not JSON.
    public let parameters: JSONValue
    public let rewardConfig: JSONValue?
    public let metrics: JSONValue?
    /// A summary of span extractor parameters; nil for other artefacts.
    public let spanSummary: SpanParameterSummary?
}

/// What span extractor parameters hold, field by field.
public struct SpanParameterSummary: Sendable {
    /// One field's weights: its null score, the weights' norm and the strongest one.
    public struct FieldWeights: Sendable {
        public let field: String
        public let nullScore: Double
        public let norm: Double
        public let strongest: (feature: String, weight: Double)?
    }

    public let format: String
    public let features: Int
    public let rowFeatures: Int
    public let fields: [FieldWeights]

    init?(_ text: String) {
        guard let p = try? JSONDecoder().decode(SpanParameters.self, from: Data(text.utf8)) else { return nil }
        format = p.format; features = p.features.count; rowFeatures = p.rowFeatures.count
        fields = p.fields.keys.sorted().compactMap { name in
            guard let w = p.fields[name] else { return nil }
            let names = w.weights.count == p.features.count ? p.features : w.weights.count == p.rowFeatures.count ? p.rowFeatures : []
            let strongest = w.weights.indices.max { abs(w.weights[$0]) < abs(w.weights[$1]) }
                .map { i in (i < names.count ? names[i] : "#\(i)", Double(w.weights[i])) }
            let norm = Double(w.weights.reduce(0) { $0 + $1 * $1 }.squareRoot())
            return FieldWeights(field: name, nullScore: Double(w.nullScore), norm: norm, strongest: strongest)
        }
    }
}

/// A change of the version a table extracts with; nil stands for the zero-shot prior.
public struct PromotionChange: Sendable, Equatable {
    public let table: String
    public let from: String?
    public let to: String?
}

extension Workspace {
    /// The version id that stands for the untuned prior.
    public static let zeroShot = SpanParameters.zeroShotVersion

    /// Stored versions (of one table, or all), newest first, and the version in force for each
    /// table they belong to (nil: zero-shot), by lowercased table name.
    public func modelVersions(table: String? = nil) throws(QuarryError) -> (versions: [ModelVersionListing], inForce: [String: String?]) {
        try storing { () throws(StoreError) in
            let versions = try store.modelVersions(table: table)
            var inForce: [String: String?] = [:]
            for name in versions.map(\.table) + (table.map { [$0] } ?? []) where inForce[name.lowercased()] == nil {
                inForce[name.lowercased()] = .some(try store.promotedVersion(table: name)?.id)
            }
            let listed = versions.map { v in
                let metrics = JSONValue.parse(v.metrics)
                return ModelVersionListing(
                    version: v, promoted: inForce[v.table.lowercased()] == .some(v.id), metrics: metrics,
                    figures: MetricFigure.figures(metrics))
            }
            return (listed, inForce)
        }
    }

    /// Everything about the version `id`; an unknown id is `StoreError.unknownModelVersion`.
    public func modelVersion(_ id: String) throws(QuarryError) -> ModelVersionDetails {
        try storing { () throws(StoreError) in
            guard let version = try store.modelVersion(id: id) else { throw .unknownModelVersion(id: id) }
            let lineage = try lineage(of: version)
            let history = try store.promotions(table: version.table)
            return ModelVersionDetails(
                version: version, lineage: lineage, promoted: history.last?.version == version.id,
                promotions: history.filter { $0.version == version.id },
                parameters: JSONValue.parse(version.parameters) ?? .string(version.parameters),
                rewardConfig: JSONValue.parse(version.rewardConfig), metrics: JSONValue.parse(version.metrics),
                spanSummary: SpanParameterSummary(version.parameters))
        }
    }

    /// The version, its base, its base's base…, ending with `zero-shot` (or a base missing from the database).
    func lineage(of version: ModelVersion) throws(StoreError) -> [String] {
        var chain = [version.id]
        var next = version.base
        while let id = next {
            guard !chain.contains(id) else { return chain + [id + " (cycle)"] }
            guard let base = try store.modelVersion(id: id) else { return chain + [id + " (not in this database)"] }
            chain.append(id)
            next = base.base
        }
        return chain + [Self.zeroShot]
    }

    /// Makes the version `id` (or, with `zeroShot` and a table, the prior) the one its table extracts with.
    public func promote(_ id: String, table: String? = nil, reason: String? = nil) throws(QuarryError) -> PromotionChange {
        let target: (id: String?, table: String)
        if id == Self.zeroShot {
            guard let table else { throw .invalidOption(name: "table", message: "name the table that goes back to zero-shot") }
            target = (nil, table)
        } else {
            let version = try modelVersion(id).version
            target = (version.id, table ?? version.table)
        }
        let change = try storing { () throws(StoreError) in try store.promote(version: target.id, table: target.table, reason: reason) }
        return PromotionChange(table: target.table, from: change.from, to: change.to)
    }

    /// Undoes a table's latest promotion.
    public func rollback(table: String, reason: String? = nil) throws(QuarryError) -> PromotionChange {
        let change = try storing { () throws(StoreError) in try store.rollback(table: table, reason: reason) }
        return PromotionChange(table: table, from: change.from, to: change.to)
    }
}
