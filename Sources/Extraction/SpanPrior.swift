import Foundation
import Schema
import Tensors

/// The span extractor's zero-shot scorer, learnt from labelled documents of other schemas
/// (`Benchmarks/prior/`): per kind of field (text, date, number, other) a weight per feature and a
/// null score, and a low-rank bilinear match between the encoder vector of the field's name and
/// description and the vectors of a candidate's label, header, line and value. The match is what
/// lets an unlabelled value be recognised (a shop's name at the top of a receipt, an address
/// block): `match = (Uᵀ q) · Σₖ (Vₖᵀ cₖ)`. It becomes the feature `learned_match`, which tuning
/// weighs per field like any other.
public struct SpanPrior: Sendable, Codable {
    public static let format = "quarry-span-prior/1"

    /// The linear part for one kind of field.
    public struct Linear: Sendable, Codable {
        /// One weight per feature of `features` (the match has weight 1).
        public let weights: [Double]
        public let nullScore: Double
    }

    public let format: String
    /// Names this prior (a hash of its contents): zero-shot rows record it in their model.
    public let id: String
    /// The features the weights are for, in order (without `learned_match`).
    public let features: [String]
    /// The embedding model the bilinear part was learnt on; with another, the match is 0.
    public let encoder: String
    public let dimension: Int
    public let rank: Int
    /// Keyed by `text`, `date`, `number`, `other`.
    public let linear: [String: Linear]
    /// Added to the null score of a field with several values (a list's inclusion threshold).
    public let listOffset: Double
    /// The order of the candidate's context vectors in `contexts`.
    public let contextNames: [String]
    /// Uᵀ, `rank × dimension`, row-major, then each Vₖᵀ likewise: little-endian float32, base64.
    public let matrices: String
    /// How the prior was made: the data, the split, the settings and the held-out figures.
    public let provenance: String
    /// The hand-set weights the fit started from, per kind of field: the prior for a field unlike
    /// any it learnt from.
    public let fallback: [String: Linear]
    public let fallbackListOffset: Double
    /// The encoder vectors of the fields learnt from (their names and descriptions): little-endian
    /// float32, `fields × dimension`, base64.
    public let learntQueries: String
    /// How far the learnt weights are trusted for a field: 0 when its description's cosine with
    /// the nearest learnt field's is at most `trust[0]`, 1 from `trust[1]`, linear between.
    public let trust: [Double]
    /// The match the fitting script computed for three probe vectors (see `SpanPriorTests`): the
    /// check that the matrices read here are the ones it learnt.
    public let reference: [Double]

    /// The prior Quarry ships (`SpanPriorWeights.swift`).
    public static let shipped: SpanPrior = {
        do { return try decode(Data(SpanPrior.shippedJSON.utf8)) } catch { fatalError("the shipped span prior does not decode: \(error)") }
    }()

    public static func decode(_ data: Data) throws -> SpanPrior {
        let prior = try JSONDecoder().decode(SpanPrior.self, from: data)
        guard prior.format == format else { throw ExtractionError.invalidParameters(file: "span prior", reason: "format \(prior.format)") }
        guard prior.unpacked().count == (1 + prior.contextNames.count) * prior.rank * prior.dimension else {
            throw ExtractionError.invalidParameters(file: "span prior", reason: "matrices of the wrong size")
        }
        return prior
    }

    /// The float32 matrices, decoded.
    func unpacked() -> [Float] { Self.floats(matrices) }

    /// Little-endian float32 values from base64.
    static func floats(_ base64: String) -> [Float] {
        guard let data = Data(base64Encoded: base64) else { return [] }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// The weights for a field of kind `type` whose description the learnt weights are trusted
    /// for to degree `trust` (0: the hand-set fallback, 1: the learnt prior, mixed between): the
    /// feature weights, the match's weight last, the null score and the list offset.
    func weights(for type: SpanFeatures.TypeClass, trust: Double) -> (weights: [Double], nullScore: Double, listOffset: Double) {
        let learnt = linear["\(type)"] ?? linear["other"]!
        let hand = fallback["\(type)"] ?? fallback["other"]!
        let t = min(max(trust, 0), 1)
        func mix(_ a: Double, _ b: Double) -> Double { t * a + (1 - t) * b }
        return (
            zip(learnt.weights, hand.weights).map(mix) + [t], mix(learnt.nullScore, hand.nullScore),
            mix(listOffset, fallbackListOffset)
        )
    }

    /// How far the learnt weights are trusted for each text (a field's name and description):
    /// from its cosine with the nearest field learnt from; 0 with another encoder.
    public func trust(of queries: [String], embedder: any TextEmbedder) -> [Double] {
        guard embedder.name == encoder, trust.count == 2, !queries.isEmpty else { return queries.map { _ in 0 } }
        let learnt = Self.floats(learntQueries)
        let fields = learnt.count / dimension
        return embedder.embed(queries).map { q in
            guard q.count == dimension else { return 0 }
            var best = -1.0
            for f in 0..<fields {
                var dot: Float = 0
                for i in 0..<dimension { dot += q[i] * learnt[f * dimension + i] }
                best = max(best, Double(dot))
            }
            return min(max((best - trust[0]) / (trust[1] - trust[0]), 0), 1)
        }
    }
}

/// The bilinear part, unpacked for scoring: `Uᵀ` and each `Vₖᵀ` as `rank × dimension` matrices.
struct PriorProjection: Sendable {
    let encoder: String
    let query: Matrix
    let contexts: [Matrix]

    /// The shipped prior's, unpacked once.
    static let shipped = PriorProjection(SpanPrior.shipped)

    init(_ prior: SpanPrior) {
        encoder = prior.encoder
        let values = prior.unpacked()
        let size = prior.rank * prior.dimension
        func matrix(_ m: Int) -> Matrix {
            Matrix(rows: prior.rank, cols: prior.dimension, values: Array(values[m * size..<(m + 1) * size]))
        }
        query = matrix(0)
        contexts = prior.contextNames.indices.map { matrix($0 + 1) }
    }
}

/// The shipped prior's bilinear match within one document: every distinct text's vector is
/// projected once per context (one matrix product each), then a field's match with a candidate
/// is a sum of `rank`-long dot products.
struct PriorMatch {
    private let texts: [String: Int]
    private let vectors: Matrix?
    private let query: Matrix
    /// Per context (label, header, line, value): `texts × rank`.
    private let projected: [Matrix]

    /// `texts` indexes `vectors`; the match is 0 throughout when the vectors are not the
    /// prior's encoder's.
    init(embedder: String, texts: [String: Int], vectors: [[Float]], projection: PriorProjection = .shipped) {
        self.texts = texts
        query = projection.query
        guard embedder == projection.encoder, let dimension = vectors.first?.count, dimension == projection.query.cols else {
            self.vectors = nil; projected = []; return
        }
        let matrix = Matrix(rows: vectors.count, cols: dimension, values: vectors.flatMap { $0 })
        self.vectors = matrix
        projected = projection.contexts.map { matrix.multiplied(byTransposed: $0) }
    }

    /// The match of the field described by `query` with a candidate.
    func field(_ queryText: String) -> (SpanCandidate) -> Double {
        guard let vectors, let q = texts[queryText], !projected.isEmpty else { return { _ in 0 } }
        let zq = query.multiplied(by: vectors.row(q))
        let rank = zq.count
        return { c in
            var sum: Float = 0
            for (k, text) in [c.keyLeft, c.keyAbove, c.line, c.text].enumerated() {
                guard let t = texts[text] else { continue }
                for r in 0..<rank { sum += zq[r] * projected[k].values[t * rank + r] }
            }
            return Double(sum)
        }
    }
}
