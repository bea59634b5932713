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
    /// The gold values no candidate equals, with their documents: what to look at first.
    public let missed: [Miss]
    /// `found / gold`; 0 when the gold holds no value.
    public var recall: Double { gold == 0 ? 0 : Double(found) / Double(gold) }

    /// A gold value that no candidate of its document equals.
    public struct Miss: Sendable, Codable, Equatable {
        public let document: String
        public let value: String
    }

    public init(field: String, found: Int, gold: Int, missed: [Miss] = []) {
        self.field = field; self.found = found; self.gold = gold; self.missed = missed
    }

    private enum CodingKeys: String, CodingKey { case field, found, gold, recall, missed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            field: try c.decode(String.self, forKey: .field), found: try c.decode(Int.self, forKey: .found),
            gold: try c.decode(Int.self, forKey: .gold), missed: try c.decodeIfPresent([Miss].self, forKey: .missed) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(field, forKey: .field); try c.encode(found, forKey: .found); try c.encode(gold, forKey: .gold)
        try c.encode(recall, forKey: .recall); try c.encode(missed, forKey: .missed)
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
        var missed = [[CandidateRecall.Miss]](repeating: [], count: columns.count)
        for row in gold {
            let offered = index.match(row.document).flatMap { candidates[$0] } ?? [:]
            let options = Value.object(offered.mapValues { Value.array($0) })
            for (i, path) in columns.enumerated() {
                let pool = values(options, path[...])
                for g in values(.object(row.fields), path[...]) {
                    counts[i].gold += 1
                    if pool.contains(where: { ValueMatch.pairs([$0], [g]) == 1 }) {
                        counts[i].found += 1
                    } else {
                        missed[i].append(.init(document: row.document, value: g.description))
                    }
                }
            }
        }
        return columns.indices.map {
            CandidateRecall(field: columns[$0].joined(separator: "."), found: counts[$0].found, gold: counts[$0].gold, missed: missed[$0])
        }
    }
}
