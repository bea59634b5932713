import Foundation

/// How the next token is chosen: greedy at temperature 0, otherwise drawn from the softmax at
/// `temperature`, cut to the `topK` most likely tokens (0: no cut) and to the smallest set whose
/// probability reaches `topP` (1: no cut). Seeded, so a run can be repeated exactly.
public struct SamplingOptions: Sendable, Equatable {
    public var temperature: Double
    public var topK: Int
    public var topP: Double
    public var seed: UInt64

    public init(temperature: Double = 0, topK: Int = 40, topP: Double = 0.95, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    /// Always the most likely token.
    public static let greedy = SamplingOptions()
}

/// Draws tokens from logits under `SamplingOptions`, among the tokens a constraint allows.
public struct Sampler {
    public let options: SamplingOptions
    private var generator: SeededGenerator

    public init(_ options: SamplingOptions) {
        self.options = options
        generator = SeededGenerator(seed: options.seed)
    }

    /// The chosen token and its log-probability under the model at temperature 1, renormalised
    /// over the allowed tokens (what a policy-gradient update needs). Nil when nothing is allowed.
    public mutating func next(_ logits: [Float], allowed: [Bool]? = nil) -> (token: Int, logProbability: Double)? {
        let candidates = Self.candidates(logits, allowed: allowed)
        guard !candidates.isEmpty else { return nil }
        var best = candidates[0]
        for i in candidates where logits[i] > logits[best] { best = i }
        let token = options.temperature <= 0 ? best : draw(logits, candidates)
        return (token, Double(logits[token]) - Self.logNormaliser(logits, candidates, top: logits[best]))
    }

    /// The log-probability of `token` at temperature 1 over the allowed tokens; nil when it is not allowed.
    public func logProbability(of token: Int, in logits: [Float], allowed: [Bool]? = nil) -> Double? {
        guard logits.indices.contains(token), allowed?[token] ?? true, logits[token].isFinite else { return nil }
        let candidates = Self.candidates(logits, allowed: allowed)
        let top = candidates.reduce(-Float.infinity) { max($0, logits[$1]) }
        return Double(logits[token]) - Self.logNormaliser(logits, candidates, top: top)
    }

    static func candidates(_ logits: [Float], allowed: [Bool]?) -> [Int] {
        guard let allowed else { return logits.indices.filter { logits[$0].isFinite } }
        var candidates: [Int] = []
        candidates.reserveCapacity(64)
        for i in 0..<logits.count where allowed[i] && logits[i].isFinite { candidates.append(i) }
        return candidates
    }

    /// log Σ exp(logit) over the candidates, computed from their maximum `top`.
    static func logNormaliser(_ logits: [Float], _ candidates: [Int], top: Float) -> Double {
        var total = 0.0
        for i in candidates { total += Foundation.exp(Double(logits[i] - top)) }
        return Double(top) + Foundation.log(total)
    }

    private mutating func draw(_ logits: [Float], _ candidates: [Int]) -> Int {
        var order =
            options.topK > 0
            ? Self.largest(options.topK, of: candidates, by: logits)
            : candidates.sorted { logits[$0] > logits[$1] }
        let top = Double(logits[order[0]])
        var weights = order.map { Foundation.exp((Double(logits[$0]) - top) / options.temperature) }
        let total = weights.reduce(0, +)
        if options.topP < 1 {
            var kept = 0, mass = 0.0
            while kept < weights.count {
                mass += weights[kept] / total
                kept += 1
                if mass >= options.topP { break }
            }
            order.removeLast(order.count - kept)
            weights.removeLast(weights.count - kept)
        }
        var threshold = generator.unit() * weights.reduce(0, +)
        for (k, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return order[k] }
        }
        return order[order.count - 1]
    }

    /// The `k` candidates with the largest logits, best first, in one pass (no full sort).
    static func largest(_ k: Int, of candidates: [Int], by logits: [Float]) -> [Int] {
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for i in candidates {
            if best.count == k, logits[i] <= logits[best[k - 1]] { continue }
            var at = best.count
            while at > 0, logits[best[at - 1]] < logits[i] { at -= 1 }
            best.insert(i, at: at)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
