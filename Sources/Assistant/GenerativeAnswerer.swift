import ConstrainedDecoding
import Documents
import Foundation
import Models

/// Writes a short answer from numbered sources with the embedded language model. Decoding is
/// constrained (`CitationConstraint`) so every claim ends with markers naming given sources; each
/// claim is then kept only when its cited sources support it: every number of the claim appears
/// in them, and they hold at least `support` of its content words. Claims that fail are dropped.
public struct GenerativeAnswerer: Sendable {
    public let model: LanguageModel
    /// How many of the best passages are given as sources.
    public var sources = 4
    public var maxTokens = 160
    /// The least share of a claim's content words its cited sources must hold.
    public var support = 0.5

    public init(model: LanguageModel) {
        self.model = model
    }

    /// A sentence of the answer and the sources it cites.
    public struct Claim: Sendable, Equatable {
        public let text: String
        public let sources: [Int]
    }

    /// The claims the model wrote about `question` from `passages` (the best first), each
    /// checked against its sources, and the claims dropped.
    public func claims(for question: String, from passages: [Passage], guidance: [String] = []) throws(AssistantError) -> (
        kept: [Claim], dropped: [Claim]
    ) {
        let given = Array(passages.prefix(sources))
        guard !given.isEmpty else { return ([], []) }
        var user = "Sources:\n"
        for (i, p) in given.enumerated() { user += "[\(i + 1)] " + p.text.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n" }
        if !guidance.isEmpty { user += "\nGuidance: " + guidance.joined(separator: " ") + "\n" }
        user += "\nQuestion: \(question)"
        let messages = [
            ChatMessage(
                role: "system",
                content:
                    "Answer the question in one short sentence using only the numbered sources. End the sentence with the number of the source it comes from, like [1]."
            ),
            ChatMessage(role: "user", content: user),
        ]
        let generation: Generation
        do {
            let prompt = try model.chatTokens(messages)
            let session = model.session(capacity: prompt.count + maxTokens + 8)
            generation = try model.generate(
                prompt: prompt, in: session, maxTokens: maxTokens,
                constraint: CitationConstraint(
                    sources: given.count, tokenBytes: model.tokenizer.tokenBytes,
                    stopTokens: model.stopTokens, claimLength: 200))
        } catch { throw .model(error) }
        var kept: [Claim] = [], dropped: [Claim] = []
        for claim in Self.claims(in: generation.text) {
            let cited = claim.sources.filter { (1...given.count).contains($0) }.map { given[$0 - 1].text }.joined(separator: " ")
            if Self.supports(cited, claim.text, share: support) { kept.append(claim) } else { dropped.append(claim) }
        }
        return (kept, dropped)
    }

    /// The cited claims of a generated text: text up to one or more `[n]` markers; text after the
    /// last marker (cut off by the token limit) is no claim.
    public static func claims(in text: String) -> [Claim] {
        var claims: [Claim] = []
        var current = "", numbers: [Int] = []
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "[", let close = text[i...].firstIndex(of: "]"), let n = Int(text[text.index(after: i)..<close]) {
                numbers.append(n)
                i = text.index(after: close)
                // More markers may follow; a claim ends at the first text after its markers.
                let rest = text[i...].drop { $0 == " " }
                if !rest.hasPrefix("[") {
                    var tail = i
                    while tail < text.endIndex, ".!?;,".contains(text[tail]) { tail = text.index(after: tail) }
                    let sentence = (current.trimmingCharacters(in: .whitespaces) + String(text[i..<tail])).trimmingCharacters(in: .whitespaces)
                    if !sentence.isEmpty { claims.append(Claim(text: sentence, sources: numbers)) }
                    current = ""; numbers = []; i = tail
                }
                continue
            }
            current.append(text[i])
            i = text.index(after: i)
        }
        return claims
    }

    /// Whether `source` supports `claim`: it holds every number of the claim and at least `share`
    /// of its content words (a claim with no content words is not supported).
    public static func supports(_ source: String, _ claim: String, share: Double) -> Bool {
        let have = Set(Words.stems(source))
        let numbers = Words.split(claim).filter { $0.contains(where: \.isNumber) }
        guard numbers.allSatisfy({ have.contains($0) }) else { return false }
        let words = Words.content(claim)
        guard !words.isEmpty else { return false }
        let found = words.filter { w in have.contains(w) || have.contains { Words.agree($0, w) } }.count
        return Double(found) >= share * Double(words.count)
    }
}
