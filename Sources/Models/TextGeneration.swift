import Foundation

/// What one generation produced, with its timing.
public struct Generation: Sendable {
    /// Why generation stopped.
    public enum StopReason: String, Sendable, Codable {
        /// The model produced an end-of-sequence or end-of-turn token.
        case endOfSequence = "end_of_sequence"
        /// The constraint's language is complete (for example the JSON object is closed).
        case complete
        /// `maxTokens` were produced.
        case maxTokens = "max_tokens"
        /// The context is full.
        case contextFull = "context_full"
        /// The constraint allowed no token (it cannot continue).
        case noAllowedToken = "no_allowed_token"
    }

    /// The generated tokens (without the stop token).
    public var tokens: [Int]
    public var text: String
    /// Sum of the chosen tokens' log-probabilities at temperature 1 under the constraint.
    public var logProbability: Double
    public var promptTokens: Int
    /// Prompt tokens actually evaluated (fewer than `promptTokens` when the cache already held a prefix).
    public var prefillTokens: Int
    public var prefillSeconds: Double
    public var decodeSeconds: Double
    /// Time spent computing constraint masks, part of `decodeSeconds`.
    public var constraintSeconds: Double
    public var stopReason: StopReason

    public var prefillTokensPerSecond: Double { prefillSeconds > 0 ? Double(prefillTokens) / prefillSeconds : 0 }
    public var decodeTokensPerSecond: Double { decodeSeconds > 0 ? Double(tokens.count) / decodeSeconds : 0 }
}

extension LanguageModel {
    /// Generates after `prompt` in `session`, reusing whatever prefix of the prompt the session
    /// already holds. `constraint` (if any) decides which tokens may come next; `onText` receives
    /// text as it is produced (whole UTF-8 characters only).
    public func generate(
        prompt: [Int], in session: LlamaSession, maxTokens: Int, sampling: SamplingOptions = .greedy,
        constraint: (any DecodingConstraint)? = nil,
        onText: ((String) -> Void)? = nil
    ) throws(ModelError) -> Generation {
        guard !prompt.isEmpty else { throw .invalidInput("the prompt has no tokens") }
        var shared = 0
        while shared < min(session.count, prompt.count - 1), session.tokens[shared] == prompt[shared] { shared += 1 }
        session.truncate(to: shared)

        let clock = ContinuousClock()
        let prefillStart = clock.now
        var logits = try session.evaluate(Array(prompt[shared...]))
        let prefillSeconds = (clock.now - prefillStart).seconds

        var constraint = constraint
        var sampler = Sampler(sampling)
        var allowed = [Bool](repeating: true, count: logits.count)
        var result = Generation(
            tokens: [], text: "", logProbability: 0, promptTokens: prompt.count,
            prefillTokens: prompt.count - shared, prefillSeconds: prefillSeconds,
            decodeSeconds: 0, constraintSeconds: 0, stopReason: .maxTokens)
        var bytes: [UInt8] = []
        var emitted = 0
        let decodeStart = clock.now
        while result.tokens.count < maxTokens {
            if constraint?.isComplete == true { result.stopReason = .complete; break }
            var mask: [Bool]? = nil
            if constraint != nil {
                let maskStart = clock.now
                for i in allowed.indices { allowed[i] = true }
                constraint!.restrict(&allowed)
                result.constraintSeconds += (clock.now - maskStart).seconds
                mask = allowed
            }
            guard let (token, logProbability) = sampler.next(logits, allowed: mask) else {
                result.stopReason = .noAllowedToken
                break
            }
            if stopTokens.contains(token) { result.stopReason = .endOfSequence; break }
            constraint?.accept(token)
            result.tokens.append(token)
            result.logProbability += logProbability
            bytes += tokenizer.bytes(of: token)
            if let onText, let valid = Self.validPrefix(bytes, from: emitted) {
                onText(String(decoding: bytes[emitted..<valid], as: UTF8.self))
                emitted = valid
            }
            if result.tokens.count == maxTokens || constraint?.isComplete == true { break }
            guard session.count < session.capacity else { result.stopReason = .contextFull; break }
            logits = try session.evaluate([token])
        }
        if constraint?.isComplete == true { result.stopReason = .complete }
        result.decodeSeconds = (clock.now - decodeStart).seconds
        result.text = String(decoding: bytes, as: UTF8.self)
        if let onText, emitted < bytes.count { onText(String(decoding: bytes[emitted...], as: UTF8.self)) }
        return result
    }

    /// The log-probability at temperature 1 of `continuation` after `prompt`, renormalised at each
    /// step over the tokens `constraint` allows: the quantity `generate` sums, computed the same
    /// way (token by token after one prompt evaluation), so it reproduces a generation's figure.
    /// Minus infinity when the constraint forbids a token of the continuation.
    public func logProbability(
        of continuation: [Int], after prompt: [Int], in session: LlamaSession,
        constraint: (any DecodingConstraint)? = nil
    ) throws(ModelError) -> Double {
        guard !continuation.isEmpty else { return 0 }
        session.truncate(to: 0)
        var logits = try session.evaluate(prompt)
        var constraint = constraint
        var allowed = [Bool](repeating: true, count: logits.count)
        let sampler = Sampler(.greedy)
        var total = 0.0
        for (i, token) in continuation.enumerated() {
            if constraint != nil {
                for j in allowed.indices { allowed[j] = true }
                constraint!.restrict(&allowed)
                guard allowed[token] else { return -.infinity }
                constraint!.accept(token)
            }
            guard let logProbability = sampler.logProbability(of: token, in: logits, allowed: constraint == nil ? nil : allowed) else {
                return -.infinity
            }
            total += logProbability
            if i + 1 < continuation.count { logits = try session.evaluate([token]) }
        }
        return total
    }

    /// The end of the longest run of whole UTF-8 characters in `bytes` after `start`, if it grew.
    static func validPrefix(_ bytes: [UInt8], from start: Int) -> Int? {
        var end = bytes.count
        // Step back over an incomplete trailing character (at most 3 bytes).
        var back = 0
        while back < 3, end - back - 1 >= start {
            let byte = bytes[end - back - 1]
            if byte & 0xC0 == 0x80 { back += 1; continue }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if length > back + 1 { end -= back + 1 }
            break
        }
        return end > start ? end : nil
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
