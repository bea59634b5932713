import Documents
import Models
import Schema

/// One answer of an extractor for one document: the row, the evidence of every non-null value,
/// its log-probability under the extractor's parameters, and the decisions that produced it.
public struct Candidate: Sendable {
    public var row: [String: Value]
    public var evidence: [Evidence]
    /// Log-probability of `decisions` under the policy at temperature 1.
    public var logProbability: Double
    /// Per schema field, the options the policy chose (empty: null). Their meaning is the
    /// extractor's; they let it recompute the probability and its gradient later.
    public var decisions: [[Int]]
    /// Per schema field, for each of its decisions in order, the index of the item of the field's
    /// list value that the chosen option became (equal values merge, so several options can give
    /// one item). Empty when the extractor does not say; tuning then credits the list as a whole.
    public var decisionItems: [[Int]]

    public init(row: [String: Value], evidence: [Evidence], logProbability: Double, decisions: [[Int]], decisionItems: [[Int]] = []) {
        self.row = row; self.evidence = evidence; self.logProbability = logProbability; self.decisions = decisions
        self.decisionItems = decisionItems
    }
}

/// An extractor as a stochastic policy (ARCHITECTURE.md, "The extractor as a policy"): it prepares
/// a document once, then decodes deterministically or samples candidates with log-probabilities,
/// and gives the gradient of a candidate's log-probability with respect to its parameters, which
/// tuning uses for policy-gradient updates.
public protocol ExtractorPolicy: Sendable {
    /// What the extractor computes once per document (features, candidate spans).
    associatedtype Prepared: Sendable

    var schema: Schema { get }
    /// Identifies the parameters, so that stored rows say which model made them.
    var version: String { get }
    /// The parameters as one vector, in the order `gradient` uses.
    var parameterVector: [Double] { get }
    /// The same extractor with other parameters.
    func with(parameterVector: [Double]) -> Self

    func prepare(_ document: Document) -> Prepared
    /// The most probable answer.
    func decode(_ prepared: Prepared) -> Candidate
    /// `count` answers drawn from the policy sharpened or flattened by `temperature`.
    func sample(_ prepared: Prepared, count: Int, temperature: Double, using generator: inout SeededGenerator) -> [Candidate]
    /// The log-probability of a candidate's decisions under the current parameters.
    func logProbability(of candidate: Candidate, in prepared: Prepared) -> Double
    /// d logProbability / d parameterVector.
    func gradient(of candidate: Candidate, in prepared: Prepared) -> [Double]

    /// How the parameters split into blocks that depend on separate parts of the answer, so that
    /// tuning can credit each field's reward to that field's parameters alone. The default is one
    /// block of everything, judged by the whole candidate (a language model's shared adapters).
    var parameterBlocks: [ParameterBlock] { get }
    /// The log-probability of the decisions each block governs (they sum to `logProbability`).
    func blockLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [Double]

    /// For each block that decides its options one by one (a list: include this option or not,
    /// independently of the others), the log-probability of the candidate's decision on each of
    /// the field's options, indexed like the options in `Candidate.decisions`; they sum to the
    /// block's log-probability. Empty for a block that makes one joint choice. This lets tuning
    /// credit each list item's verdicts to its own decision. The default: every block is joint.
    func optionLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [[Double]]
    /// The gradient of `Σ_b Σ_i weights[b][i] · optionLogProbabilities[b][i]` with respect to
    /// `parameterVector` (`weights` shaped like `optionLogProbabilities`).
    func optionGradient(of candidate: Candidate, in prepared: Prepared, weights: [[Double]]) -> [Double]
}

/// A range of a policy's parameters and the schema field whose decisions it alone governs (nil:
/// the whole answer).
public struct ParameterBlock: Sendable, Equatable {
    public let range: Range<Int>
    public let field: String?

    public init(range: Range<Int>, field: String?) { self.range = range; self.field = field }
}

extension ExtractorPolicy {
    public var parameterBlocks: [ParameterBlock] { [ParameterBlock(range: 0..<parameterVector.count, field: nil)] }

    public func blockLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        [logProbability(of: candidate, in: prepared)]
    }

    public func optionLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [[Double]] {
        parameterBlocks.map { _ in [] }
    }

    public func optionGradient(of candidate: Candidate, in prepared: Prepared, weights: [[Double]]) -> [Double] {
        [Double](repeating: 0, count: parameterVector.count)
    }

    /// Prepares and decodes in one step.
    public func decode(_ document: Document) -> Candidate { decode(prepare(document)) }
}
