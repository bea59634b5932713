import Documents
import Foundation
import Progress
import Store

/// Scores the assistant on a question file (`quarry eval-qa`) and records the run:
/// - **answer match**: of the answerable questions, the share whose answer contains a gold answer
///   (both lower-cased, punctuation and the articles a/an/the removed, spaces collapsed);
/// - **evidence cited**: of the answerable questions with gold evidence, the share with a citation
///   on a gold evidence page whose offsets overlap the gold evidence;
/// - **refusal accuracy**: the share of all questions where the assistant refused exactly when
///   the question is unanswerable; with the refusal rates of both kinds of question;
/// - **quotes verified**: the share of returned citations whose quote is, checked again here,
///   the page text at their offsets;
/// - latency per question.
public struct QuestionEvaluation: Sendable {
    public let assistant: Assistant

    public init(assistant: Assistant) { self.assistant = assistant }

    /// The outcome of one question.
    public struct Outcome: Sendable, Codable, Equatable {
        public let id: String
        public let type: String
        public let answerable: Bool
        public let refused: Bool
        /// nil for unanswerable questions.
        public let answerMatched: Bool?
        /// nil when the question has no gold evidence that could be located.
        public let evidenceCited: Bool?
        public let citations: Int
        public let verifiedCitations: Int
        public let latencyMS: Double
        public let confidence: Double
        public let answer: String
        public let reason: String?
    }

    /// Scores of a set of outcomes.
    public struct Scores: Sendable, Codable, Equatable {
        public let questions: Int
        public let answerable: Int
        /// Shares are nil when no question counts toward them (e.g. no unanswerable question).
        public let answerMatch: Double?
        public let evidenceCited: Double?
        public let refusalAccuracy: Double?
        /// The share of unanswerable questions refused.
        public let refusedUnanswerable: Double?
        /// The share of answerable questions refused.
        public let refusedAnswerable: Double?
        public let quotesVerified: Double
        public let meanLatencyMS: Double
        public let p95LatencyMS: Double

        init(_ outcomes: [Outcome]) {
            func share(_ flags: [Bool]) -> Double? { flags.isEmpty ? nil : Double(flags.filter { $0 }.count) / Double(flags.count) }
            let answerable = outcomes.filter(\.answerable)
            questions = outcomes.count
            self.answerable = answerable.count
            answerMatch = share(answerable.compactMap(\.answerMatched))
            evidenceCited = share(answerable.compactMap(\.evidenceCited))
            refusalAccuracy = share(outcomes.map { $0.refused != $0.answerable })
            refusedUnanswerable = share(outcomes.filter { !$0.answerable }.map(\.refused))
            refusedAnswerable = share(answerable.map(\.refused))
            let cited = outcomes.reduce(0) { $0 + $1.citations }
            quotesVerified = cited == 0 ? 1 : Double(outcomes.reduce(0) { $0 + $1.verifiedCitations }) / Double(cited)
            let latencies = outcomes.map(\.latencyMS).sorted()
            meanLatencyMS = latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count)
            p95LatencyMS = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((Double(latencies.count) * 0.95).rounded(.up)) - 1)]
        }
    }

    /// A whole evaluation: overall scores, scores by question type, each outcome, the stored run.
    public struct Report: Sendable, Codable, Equatable {
        public let runID: Int64
        public let overall: Scores
        public let byType: [String: Scores]
        public let outcomes: [Outcome]
        /// Gold evidence that names a document or page not in the database, or a quote not on its page.
        public let unlocatedEvidence: Int
    }

    /// Asks every question (restricted to its documents when it names them) and scores the
    /// replies, reporting progress after each question.
    public func run(
        _ questions: [GoldQuestion], options: Assistant.Options, source: String,
        progress: any ProgressReporter = SilentProgress()
    ) throws(AssistantError) -> Report {
        let store = assistant.store
        let records: [DocumentRecord]
        do { records = try store.documents() } catch { throw .store(error) }
        let names = DocumentNameIndex(records.map(\.path))
        let idByPath = Dictionary(records.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
        var locator = EvidenceLocator(store: store)
        var checker = CitationVerifier(store: store)
        let startedAt = Date().formatted(.iso8601)
        var outcomes: [Outcome] = []
        var unlocated = 0
        for (i, q) in questions.enumerated() {
            var o = options
            if !q.documents.isEmpty { o.filter.documents = q.documents }
            let clock = ContinuousClock.now
            let answer = try assistant.ask(q.question, options: o)
            let elapsed = ContinuousClock.now - clock
            var gold: [(document: Int64, page: Int, range: Range<Int>)] = []
            for e in q.evidence {
                guard let path = names.match(e.document), let id = idByPath[path],
                    let range = try locator.range(of: e, documentID: id)
                else { unlocated += 1; continue }
                gold.append((id, e.page, range))
            }
            var verified = 0
            for c in answer.citations {
                do { if try checker.verify(c) != nil { verified += 1 } } catch { throw .store(error) }
            }
            let cited = answer.citations.contains { c in
                gold.contains { $0.document == c.documentID && $0.page == c.location.page && $0.range.overlaps(c.location.start..<c.location.end) }
            }
            let said = Self.normalized(answer.answer)
            let found = q.answers.map { said.contains(Self.normalized($0)) }
            let matched = !answer.refused && (q.allRequired ? !found.contains(false) : found.contains(true))
            outcomes.append(
                Outcome(
                    id: q.id, type: q.type ?? (q.isAnswerable ? "answerable" : "unanswerable"),
                    answerable: q.isAnswerable, refused: answer.refused,
                    answerMatched: q.isAnswerable ? matched : nil,
                    evidenceCited: q.isAnswerable && !gold.isEmpty ? cited : nil,
                    citations: answer.citations.count, verifiedCitations: verified,
                    latencyMS: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000,
                    confidence: answer.confidence, answer: answer.answer, reason: answer.reason))
            progress.report(ProgressEvent(task: "questions", completed: i + 1, total: questions.count, item: q.id))
        }
        let overall = Scores(outcomes)
        let byType = Dictionary(grouping: outcomes, by: \.type).mapValues(Scores.init)
        var metrics: [Metric] = []
        for (group, scores) in [("all", overall)] + byType.sorted(by: { $0.key < $1.key }) {
            metrics += [
                Metric(field: group, name: "answer_match", value: scores.answerMatch ?? .nan),
                Metric(field: group, name: "evidence_cited", value: scores.evidenceCited ?? .nan),
                Metric(field: group, name: "refusal_accuracy", value: scores.refusalAccuracy ?? .nan),
                Metric(field: group, name: "refused_unanswerable", value: scores.refusedUnanswerable ?? .nan),
                Metric(field: group, name: "refused_answerable", value: scores.refusedAnswerable ?? .nan),
                Metric(field: group, name: "quotes_verified", value: scores.quotesVerified),
                Metric(field: group, name: "mean_latency_ms", value: scores.meanLatencyMS),
                Metric(field: group, name: "questions", value: Double(scores.questions)),
            ]
        }
        let details = (try? JSONEncoder().encode(outcomes)).map { String(decoding: $0, as: UTF8.self) }
        let model = "\(options.mode.rawValue), \(options.retrieval.rawValue) retrieval, top-k \(options.topK), threshold \(options.threshold)"
        let run = RunRecord(
            kind: "eval-qa", table: "assistant", model: model,
            source: URL(fileURLWithPath: source).standardizedFileURL.path, startedAt: startedAt, details: details)
        let id: Int64
        do { id = try store.recordRun(run, metrics: metrics) } catch { throw .store(error) }
        return Report(runID: id, overall: overall, byType: byType, outcomes: outcomes, unlocatedEvidence: unlocated)
    }

    /// Text for answer matching: lower case, punctuation dropped, the articles a/an/the removed,
    /// spaces collapsed, dashes and slashes read as spaces (as SQuAD's scorer normalises
    /// answers, except that "2019–2020" keeps its two years apart).
    public static func normalized(_ text: String) -> String {
        let words = text.lowercased().map { c -> Character in
            c.isLetter || c.isNumber || c.isWhitespace ? c : "-‐‑‒–—/".contains(c) ? " " : "\u{0}"
        }
        .filter { $0 != "\u{0}" }
        return String(words).split(whereSeparator: \.isWhitespace).filter { !["a", "an", "the"].contains($0) }.joined(separator: " ")
    }
}

/// Finds gold evidence on its page: its offsets when given, else its quote's first occurrence.
struct EvidenceLocator {
    let store: Store
    private var pages: [String: [Unicode.Scalar]] = [:]

    init(store: Store) { self.store = store }

    mutating func range(of evidence: GoldEvidence, documentID: Int64) throws(AssistantError) -> Range<Int>? {
        if let start = evidence.start, let end = evidence.end { return start..<end }
        guard let quote = evidence.quote else { return nil }
        let key = "\(documentID):\(evidence.page)"
        if pages[key] == nil {
            do { pages[key] = try store.page(documentID: documentID, number: evidence.page).map { Array($0.text.unicodeScalars) } ?? [] } catch {
                throw .store(error)
            }
        }
        let text = pages[key]!, needle = Array(quote.unicodeScalars)
        guard !needle.isEmpty, needle.count <= text.count else { return nil }
        for i in 0...(text.count - needle.count) where text[i] == needle[0] && Array(text[i..<i + needle.count]) == needle {
            return i..<i + needle.count
        }
        return nil
    }
}
