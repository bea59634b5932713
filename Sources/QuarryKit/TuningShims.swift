// TEMPORARY while the judges and model-version branches land; deleted at merge.
import Extraction
import Store
import Tuning
import Models

public struct RewardConfiguration: Sendable {
    public var weights: [String: Double] = ["validity": 1, "grounding": 1, "consistency": 1]
    public init() {}
    public var guidelines: [String] = []
    public static let judgeNames = ["validity", "grounding", "consistency"]
    public mutating func setWeight(_ name: String, _ w: Double) throws(QuarryError) { weights[name] = w }
    func factory(validator: Validator, embedder: any TextEmbedder) throws(QuarryError) -> TAO<SpanExtractor>.RewardFactory {
        let w = weights
        return { _ in
            RewardMix([(ValidityReward(validator: validator), w["validity"] ?? 0), (GroundingJudge(), w["grounding"] ?? 0),
                       (ConsistencyJudge(), w["consistency"] ?? 0)])
        }
    }
}

extension Store {
    func usedDocumentIDs(table: String) throws(StoreError) -> [Int64] { [] }
}

extension TuningRun {
    func baseParameters(_ request: TuneRequest, schema: Schema) throws(QuarryError) -> SpanParameters {
        guard let path = request.base else { return .zeroShot(for: schema) }
        do { return try SpanParameters.load(path, schema: schema) } catch { throw .extraction(error) }
    }
    func saveVersion(_ request: TuneRequest, tuned: inout SpanParameters, records: [DocumentRecord], result: TAO<SpanExtractor>.Result,
                     report: inout TuneReport) throws(QuarryError) -> String {
        "draft"
    }
}
