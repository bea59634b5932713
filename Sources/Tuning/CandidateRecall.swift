import Documents
import Schema

/// How many gold values of a field were among the extractor's candidates at all: the ceiling that
/// no scorer can pass, whatever its weights.
public struct CandidateRecall: Sendable, Codable, Equatable {
    /// The field; a table's columns are `parent.sub`, as in `FieldScore`.
    public let field: String
    /// Gold values some candidate equals (`ValueMatch`), and all gold values.
    public let found: Int
    public let gold: Int
    /// `found / gold`; 0 when the gold holds no value.
    public var recall: Double { gold == 0 ? 0 : Double(found) / Double(gold) }

    public init(field: String, found: Int, gold: Int) { self.field = field; self.found = found; self.gold = gold }

    private enum CodingKeys: String, CodingKey { case field, found, gold, recall }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            field: try c.decode(String.self, forKey: .field), found: try c.decode(Int.self, forKey: .found),
            gold: try c.decode(Int.self, forKey: .gold))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(field, forKey: .field); try c.encode(found, forKey: .found); try c.encode(gold, forKey: .gold)
        try c.encode(recall, forKey: .recall)
    }
}

extension Evaluator {
    /// Per scored column (as `evaluate` scores them), how many gold values equal one of the
    /// document's candidate values. `candidates` maps a document key (a path) to each field's
    /// candidate values; gold documents without candidates count their values as not found.
    public static func candidateRecall(schema: Schema, candidates: [String: [String: [Value]]], gold: [GoldRow]) -> [CandidateRecall] {
        let columns = self.columns(schema.fields, prefix: [])
        let index = DocumentIndex(candidates.keys)
        var counts = [(found: Int, gold: Int)](repeating: (0, 0), count: columns.count)
        for row in gold {
            let offered = index.match(row.document).flatMap { candidates[$0] } ?? [:]
            let options = Value.object(offered.mapValues { Value.array($0) })
            for (i, path) in columns.enumerated() {
                let pool = values(options, path[...])
                for g in values(.object(row.fields), path[...]) {
                    counts[i].gold += 1
                    if pool.contains(where: { ValueMatch.pairs([$0], [g]) == 1 }) { counts[i].found += 1 }
                }
            }
        }
        return zip(columns, counts).map { CandidateRecall(field: $0.joined(separator: "."), found: $1.found, gold: $1.gold) }
    }
}
