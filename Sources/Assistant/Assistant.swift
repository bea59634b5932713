import Documents
import Foundation
import Models
import Store

/// Answers questions over the ingested documents with citations to the page and quote.
///
/// A question about an extracted table ("how many invoices from Acme are over 1,000?") is
/// answered from the table by read-only SQL (`TableAnswerer`), citing the rows' evidence. Any
/// other question goes through these steps:
///
/// 1. **Scope**: the filter's documents and pages, less what the collection's guidance leaves
///    out (`Guidance`: "ignore the drafts", "only use the signed contracts").
/// 2. **Rarity**: how many chunks of the scope hold each word of the question. A number or a
///    name of the question that no chunk mentions means the documents cannot answer it (the
///    assistant refuses, naming the word).
/// 3. **Retrieval**: the `topK` best chunks by the searcher (hybrid: lexical and vector rankings
///    fused by reciprocal rank).
/// 4. **Re-scoring**: every sentence and table line of those chunks scored by the
///    `PassageScorer` (sentence-vector cosine blended with rarity-weighted word coverage), plus
///    or minus the guidance's preference for the passage's document.
/// 5. **Answer**: the best passages that hold the kind of thing the question asks for (a
///    quantity for "how many", a time for "when", a name for "who": `AnswerType`), when the best
///    reaches `threshold`; else a refusal. Extractive: the best passages are the quotes.
///    Generative: the language model writes from the best passages as numbered sources, citing
///    them by constrained decoding, and claims their sources do not support are dropped.
/// 6. **Verification**: every citation's quote is checked against its page at its offsets; a
///    citation that fails is dropped, and an answer left without one is a refusal.
public struct Assistant: Sendable {
    /// How a question is answered.
    public struct Options: Sendable, Equatable {
        public var mode: AnswerMode = .extractive
        public var retrieval: Searcher.Mode = .hybrid
        /// How many chunks are retrieved and re-scored.
        public var topK = 8
        public var filter = RetrievalFilter()
        /// The least score of the best passage for an answer; below it the assistant refuses.
        public var threshold = 0.3
        /// At most this many quotes make an extractive answer.
        public var maxQuotes = 2
        /// A further quote must score at least this share of the best one.
        public var quoteShare = 0.9
        /// Apply the collection's guidance (`quarry guide add`).
        public var useGuidance = true
        /// Answer questions about extracted tables from the tables (`TableAnswerer`).
        public var useTables = true

        public init() {}
    }

    public let store: Store
    public let encoder: SentenceEncoder?
    /// Writes generative answers with the embedded language model, when one was given.
    public let writer: GenerativeAnswerer?
    public var scorer = PassageScorer()
    public var splitter = SentenceSplitter()

    /// Without an encoder only lexical retrieval works and passages are scored by coverage alone.
    public init(store: Store, encoder: SentenceEncoder?, languageModel: LanguageModel? = nil) {
        self.store = store
        self.encoder = encoder
        writer = languageModel.map(GenerativeAnswerer.init)
    }

    /// The answer to `question`, or a refusal that says why there is none.
    public func ask(_ question: String, options: Options = Options()) throws(AssistantError) -> Answer {
        let mode = options.mode
        let scope = try options.filter.scope(in: store)
        if options.useTables, let answer = try TableAnswerer(store: store).answer(question, scope: scope, mode: mode) {
            return answer
        }
        let ranked = try rankedPassages(question, options: options, scope: scope)
        let retrieved: [ScoredPassage]
        switch ranked {
        case .refusal(let reason): return .refusal(question, reason: reason, mode: mode)
        case .passages(let passages): retrieved = passages
        }
        let type = AnswerType(question: question)
        let asked = Set(question.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        let passages = retrieved.filter { type.isPresent(in: $0.passage.text, besides: asked) }
        if passages.isEmpty, let first = retrieved.first {
            return .refusal(
                question, reason: "no retrieved passage gives a \(type.rawValue) the question asks for", mode: mode,
                confidence: first.score)
        }
        guard let best = passages.first, best.score >= options.threshold else {
            let score = passages.first?.score ?? 0
            return .refusal(
                question,
                reason: String(format: "no passage supports an answer: the closest scores %.2f, below the %.2f needed", score, options.threshold),
                mode: mode, confidence: score)
        }
        if mode == .generative {
            return try generative(question, passages: passages.filter { $0.score >= options.threshold }, confidence: best.score)
        }
        var chosen: [ScoredPassage] = []
        for candidate in passages where chosen.count < options.maxQuotes && candidate.score >= options.quoteShare * best.score {
            guard
                !chosen.contains(where: {
                    $0.passage.documentID == candidate.passage.documentID && $0.passage.location.page == candidate.passage.location.page
                        && $0.passage.location.start < candidate.passage.location.end && candidate.passage.location.start < $0.passage.location.end
                })
            else { continue }
            chosen.append(candidate)
        }
        // Quotes in reading order when they come from one page.
        chosen.sort {
            ($0.passage.documentID, $0.passage.location.page, $0.passage.location.start) < (
                $1.passage.documentID, $1.passage.location.page, $1.passage.location.start
            )
        }
        var verifier = CitationVerifier(store: store)
        var citations: [Citation] = []
        var dropped = 0
        for item in chosen {
            let citation = Citation(source: citations.count + 1, item.passage)
            do {
                if let verified = try verifier.verify(citation) { citations.append(verified) } else { dropped += 1 }
            } catch { throw .store(error) }
        }
        guard !citations.isEmpty else {
            return .refusal(question, reason: "no quote could be verified at its page", mode: mode)
        }
        return Answer(
            question: question, answer: citations.map(\.quote).joined(separator: " "), citations: citations,
            confidence: best.score, refused: false,
            reason: dropped > 0 ? "\(dropped) quote(s) dropped: not found verbatim at their page" : nil, mode: mode)
    }

    /// The model's answer from the best passages, with only the claims their cited sources
    /// support, each source cited by its verified quote.
    private func generative(_ question: String, passages: [ScoredPassage], confidence: Double) throws(AssistantError) -> Answer {
        guard let writer else {
            throw .model(.invalidInput("generative answers need the language model (SmolLM2-135M-Instruct), which is not installed"))
        }
        let given = Array(passages.prefix(writer.sources))
        // Guidance that compiles to no rule is still advice for the writer.
        let advice: [String]
        do { advice = Guidance.compile(try store.guidance()).unrecognised.map(\.text) } catch { throw .store(error) }
        let (kept, dropped) = try writer.claims(for: question, from: given.map(\.passage), guidance: advice)
        guard !kept.isEmpty else {
            return .refusal(
                question,
                reason: "no claim of the generated answer was supported by its cited source"
                    + (dropped.isEmpty ? "" : " (\(dropped.count) dropped)"), mode: .generative, confidence: confidence)
        }
        var verifier = CitationVerifier(store: store)
        var citations: [Citation] = []
        for n in Set(kept.flatMap(\.sources)).sorted() {
            do {
                if let verified = try verifier.verify(Citation(source: n, given[n - 1].passage)) { citations.append(verified) }
            } catch { throw .store(error) }
        }
        let verified = Set(citations.map(\.source))
        let claims = kept.filter { $0.sources.allSatisfy(verified.contains) }
        guard !claims.isEmpty else { return .refusal(question, reason: "no cited quote could be verified at its page", mode: .generative) }
        let text = claims.map { c in c.text + " " + c.sources.map { "[\($0)]" }.joined() }.joined(separator: " ")
        let lost = dropped.count + kept.count - claims.count
        return Answer(
            question: question, answer: text, citations: citations, confidence: confidence, refused: false,
            reason: lost > 0 ? "\(lost) claim(s) dropped: not supported by their cited source" : nil, mode: .generative)
    }

    /// A passage and its score as an answer.
    public struct ScoredPassage: Sendable, Equatable {
        public let passage: Passage
        public let score: Double
        public let similarity: Double?
        public let coverage: Double
    }

    /// Retrieved passages best first, or why there are none worth reading.
    public enum Ranking: Sendable, Equatable {
        case passages([ScoredPassage])
        case refusal(String)
    }

    /// Steps 2–4: the passages of the retrieved chunks, re-scored, best first.
    public func rankedPassages(_ question: String, options: Options, scope: ChunkScope) throws(AssistantError) -> Ranking {
        var scope = scope
        var guidance = Guidance(rules: [])
        var documents: [Int64: DocumentRecord] = [:]
        if options.useGuidance {
            do {
                guidance = Guidance.compile(try store.guidance()).guidance
                if !guidance.isEmpty { documents = Dictionary(try store.documents().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
            } catch { throw .store(error) }
        }
        if guidance.restrictsScope {
            let inScope = documents.values.filter { scope.documents?.contains($0.id) ?? true }
            let allowed = guidance.allowed(Array(inScope)).map(\.id).sorted()
            guard !allowed.isEmpty else { return .refusal("the collection's guidance leaves no document to search") }
            scope.documents = allowed
        }
        let terms = QuestionTerms(question)
        let rarity: TermRarity
        do {
            rarity = TermRarity(try store.termCounts(terms.content, scope: scope))
        } catch { throw .store(error) }
        guard rarity.chunks > 0 else {
            return .refusal(options.filter.isEmpty ? "the database holds no text" : "the filtered documents hold no text")
        }
        if let reason = terms.unanswerable(given: rarity) { return .refusal(reason) }
        let searcher = Searcher(store: store, encoder: encoder)
        let hits = try searcher.search(
            question, mode: encoder == nil ? .lexical : options.retrieval, limit: options.topK,
            scope: scope, highlight: ("", ""))
        guard !hits.isEmpty else { return .refusal("no passage of the documents matches the question") }
        let texts: [Int64: String]
        do { texts = try store.chunkTexts(hits.map(\.chunkID)) } catch { throw .store(error) }
        let passages = hits.flatMap { hit in
            texts[hit.chunkID].map {
                splitter.passages(
                    of: $0, chunkID: hit.chunkID, documentID: hit.documentID, path: hit.path, page: hit.location.page, start: hit.location.start)
            } ?? []
        }.filter { scorer.addsInformation($0.text, to: terms) }
        guard !passages.isEmpty else { return .refusal("the retrieved chunks hold no sentence") }
        var similarities: [Double?] = passages.map { _ in nil }
        if let encoder {
            let vectors = encoder.encode([question] + passages.map(\.text))
            let q = vectors.row(0)
            for i in passages.indices {
                let v = vectors.row(i + 1)
                similarities[i] = Double(zip(q, v).reduce(Float(0)) { $0 + $1.0 * $1.1 })
            }
        }
        // The question's words each retrieved document mentions anywhere.
        var documentWords: [Int64: Set<String>] = [:]
        let selective = terms.content.filter(rarity.selectsDocuments)
        for id in Set(hits.map(\.documentID)) where !selective.isEmpty {
            do {
                let counts = try store.termCounts(selective, scope: ChunkScope(documents: [id], pages: scope.pages)).terms
                documentWords[id] = Set(counts.filter { $0.value.chunks > 0 }.map(\.key))
            } catch { throw .store(error) }
        }
        let scored = passages.indices.map { i in
            let coverage = scorer.coverage(
                of: terms, in: passages[i].text, rarity: rarity,
                documentWords: documentWords[passages[i].documentID] ?? [])
            let document = documents[passages[i].documentID]
            let preference = document.map { guidance.adjustment(path: $0.path, title: $0.title) } ?? 0
            let score = min(1, max(0, scorer.score(similarity: similarities[i], coverage: coverage) + preference))
            return ScoredPassage(passage: passages[i], score: score, similarity: similarities[i], coverage: coverage)
        }
        // Best first; ties keep retrieval order (stable sort).
        return .passages(
            scored.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }.map(
                \.element))
    }
}
