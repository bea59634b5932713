import Documents
import Extraction
import Foundation
import Models
import Schema
import Synchronization

@testable import Tuning

/// A small policy whose right answers are known: every schema field picks one of its options by a
/// softmax over `w_f · x_i`, with `x_i` the option's fixed feature vector (one-hot of the option's
/// label by default, so each weight is that label's logit). One parameter block per field; the
/// gradient is exact. What the tuning machinery does to it can be checked against arithmetic.
struct Bandit: ExtractorPolicy {
    /// A document's options: per field, the options' labels and feature vectors.
    struct Prepared: Sendable {
        let labels: [[String]]
        let features: [[[Double]]]
    }

    let schema: Schema
    /// Per field, the labels its weights are the logits of (one weight per label).
    let labels: [[String]]
    let weights: [Double]

    /// Fields `a` (4 options), `b` (3 options) in that order, all logits 0 unless given.
    static let schema = try! Schema.parse(
        """
        {"properties": {"a": {"type": "string", "description": "The first choice."},
                        "b": {"type": "string", "description": "The second choice."}}}
        """)
    static let standardLabels = [["a0", "a1", "a2", "a3"], ["b0", "b1", "b2"]]

    init(labels: [[String]] = Bandit.standardLabels, weights: [Double]? = nil) {
        precondition(labels.count == Self.schema.fields.count)
        self.schema = Self.schema
        self.labels = labels
        self.weights = weights ?? [Double](repeating: 0, count: labels.joined().count)
    }

    var version: String { "bandit" }
    var parameterVector: [Double] { weights }
    func with(parameterVector vector: [Double]) -> Bandit { Bandit(labels: labels, weights: vector) }

    var offsets: [Int] { labels.indices.map { f in labels[..<f].reduce(0) { $0 + $1.count } } }

    var parameterBlocks: [ParameterBlock] {
        schema.fields.indices.map { f in ParameterBlock(range: offsets[f]..<offsets[f] + labels[f].count, field: schema.fields[f].name) }
    }

    /// The options of a document: every label of every field, in an order rotated by `rotation`
    /// (so that documents differ in where the options sit, not in what they are), one-hot features.
    func prepared(rotation: Int = 0) -> Prepared {
        var all: [[String]] = [], features: [[[Double]]] = []
        for field in labels {
            let order = field.indices.map { field[($0 + rotation) % field.count] }
            all.append(order)
            features.append(order.map { label in field.map { $0 == label ? 1 : 0 } })
        }
        return Prepared(labels: all, features: features)
    }

    /// The rotation is the number in the document's first line, if any.
    func prepare(_ document: Document) -> Prepared {
        prepared(rotation: Int(document.pages.first?.text.split(separator: "\n").first ?? "") ?? 0)
    }

    func scores(_ prepared: Prepared, _ f: Int) -> [Double] {
        let w = weights[offsets[f]..<offsets[f] + labels[f].count]
        return prepared.features[f].map { x in zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    func logProbabilities(_ prepared: Prepared, _ f: Int) -> [Double] {
        let s = scores(prepared, f)
        let top = s.max()!
        let lse = top + log(s.reduce(0) { $0 + exp($1 - top) })
        return s.map { $0 - lse }
    }

    /// The probability of the option labelled `label` of field `f`.
    func probability(of label: String, field f: Int, in prepared: Prepared) -> Double {
        exp(logProbabilities(prepared, f)[prepared.labels[f].firstIndex(of: label)!])
    }

    func candidate(_ decisions: [[Int]], _ prepared: Prepared) -> Candidate {
        var row: [String: Value] = [:]
        for (f, field) in schema.fields.enumerated() { row[field.name] = .string(prepared.labels[f][decisions[f][0]]) }
        var c = Candidate(row: row, evidence: [], logProbability: 0, decisions: decisions)
        c.logProbability = logProbability(of: c, in: prepared)
        return c
    }

    func decode(_ prepared: Prepared) -> Candidate {
        candidate(
            schema.fields.indices.map { f in
                let s = scores(prepared, f)
                return [s.indices.max { s[$0] < s[$1] || (s[$0] == s[$1] && $0 > $1) }!]
            }, prepared)
    }

    func sample(_ prepared: Prepared, count: Int, temperature: Double, using generator: inout SeededGenerator) -> [Candidate] {
        (0..<count).map { _ in
            candidate(
                schema.fields.indices.map { f in
                    let p = logProbabilities(prepared, f).map { exp($0 / temperature) }
                    var u = generator.unit() * p.reduce(0, +)
                    for (i, pi) in p.enumerated() { u -= pi; if u < 0 { return [i] } }
                    return [p.count - 1]
                }, prepared)
        }
    }

    func blockLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        schema.fields.indices.map { logProbabilities(prepared, $0)[candidate.decisions[$0][0]] }
    }

    func logProbability(of candidate: Candidate, in prepared: Prepared) -> Double {
        blockLogProbabilities(of: candidate, in: prepared).reduce(0, +)
    }

    /// d log p(chosen) / d w_f = x_chosen − Σ p_i x_i.
    func gradient(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        var g = [Double](repeating: 0, count: weights.count)
        for f in schema.fields.indices {
            let p = logProbabilities(prepared, f).map(exp)
            let chosen = candidate.decisions[f][0]
            for (i, x) in prepared.features[f].enumerated() {
                for k in x.indices { g[offsets[f] + k] += ((i == chosen ? 1 : 0) - p[i]) * x[k] }
            }
        }
        return g
    }
}

/// A judge that prefers one label per field: 1 for the preferred label, 0 for any other; fields it
/// has no preference for score `constant` whatever was chosen. It can note the documents it saw.
struct PreferenceReward: Reward {
    let name = "preference"
    let preferred: [String: String]
    var constant = 0.5
    var notebook: Notebook? = nil

    init(preferred: [String: String], constant: Double = 0.5, noting notebook: Notebook? = nil) {
        self.preferred = preferred; self.constant = constant; self.notebook = notebook
    }

    func score(_ context: RewardContext) -> RewardScore {
        notebook?.note(context.document)
        var fields: [String: Double] = [:]
        for field in context.schema.fields {
            if let label = preferred[field.name] {
                fields[field.name] = context.candidate.row[field.name] == .string(label) ? 1 : 0
            } else {
                fields[field.name] = constant
            }
        }
        return RewardScore(value: fields.values.reduce(0, +) / Double(fields.count), fields: fields, explanation: "preference")
    }
}

/// The documents a judge has seen, by their text.
final class Notebook: Sendable {
    private let texts = Mutex(Set<String>())
    func note(_ document: Document) { _ = texts.withLock { $0.insert(document.pages.first?.text ?? "") } }
    var seen: Set<String> { texts.withLock { $0 } }
}

/// Documents for the bandit: document `d`'s first line is its rotation and the second names it.
enum BanditDocuments {
    static func make(_ count: Int) -> [Document] {
        (0..<count).map { d in Document(kind: .text, pages: [Page(number: 1, text: "\(d % 4)\ndocument \(d)")]) }
    }
}

/// A value closures of a run can share.
final class Locked<T: Sendable>: Sendable {
    private let mutex: Mutex<T>
    init(_ value: T) { mutex = Mutex(value) }
    func update<R: Sendable>(_ body: (inout T) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: T { mutex.withLock { $0 } }
}
