import Foundation

/// A question with what a right reply looks like, one line of a `quarry eval-qa --gold` file:
///
///     {"id": "q1", "question": "Who won?", "answers": ["Denver Broncos"],
///      "evidence": [{"document": "superbowl.txt", "page": 1, "quote": "The Denver Broncos won …"}],
///      "document": "superbowl.txt", "type": "span"}
///
/// With `"all_required": true` the answer must contain every gold answer, not just one.
/// An empty `answers` list means the documents do not answer it: the right reply is a refusal.
/// Evidence gives a place by `start`/`end` (code points into the page text) or by a `quote` found
/// in the page text. `document` (or `documents`) restricts retrieval, as `--document` does.
public struct GoldQuestion: Sendable, Equatable, Codable {
    public let id: String
    public let question: String
    public let answers: [String]
    public let evidence: [GoldEvidence]
    public let documents: [String]
    public let type: String?
    /// Every gold answer must be in the answer (a question with several answers, such as a list
    /// of three items), not just one of them.
    public let allRequired: Bool

    public var isAnswerable: Bool { !answers.isEmpty }

    public init(
        id: String, question: String, answers: [String], evidence: [GoldEvidence] = [], documents: [String] = [], type: String? = nil,
        allRequired: Bool = false
    ) {
        self.id = id; self.question = question; self.answers = answers; self.evidence = evidence
        self.documents = documents; self.type = type; self.allRequired = allRequired
    }
}

/// Where the gold answer is written.
public struct GoldEvidence: Sendable, Equatable, Codable {
    public let document: String
    public let page: Int
    public let start: Int?
    public let end: Int?
    public let quote: String?

    public init(document: String, page: Int, start: Int? = nil, end: Int? = nil, quote: String? = nil) {
        self.document = document; self.page = page; self.start = start; self.end = end; self.quote = quote
    }
}

/// Reads question files (JSON Lines; blank lines skipped).
public enum QuestionSet {
    public static func load(_ path: String) throws(AssistantError) -> [GoldQuestion] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidQuestions(file: path, line: nil, message: "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws(AssistantError) -> [GoldQuestion] {
        var questions: [GoldQuestion] = []
        var ids = Set<String>()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let question = try parseLine(trimmed, file: file, line: i + 1, index: questions.count)
            guard ids.insert(question.id).inserted else {
                throw .invalidQuestions(file: file, line: i + 1, message: "id \(question.id) is used twice")
            }
            questions.append(question)
        }
        guard !questions.isEmpty else { throw .invalidQuestions(file: file, line: nil, message: "no questions") }
        return questions
    }

    private static func parseLine(_ line: String, file: String, line number: Int, index: Int) throws(AssistantError) -> GoldQuestion {
        func fail(_ message: String) -> AssistantError { .invalidQuestions(file: file, line: number, message: message) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        guard let question = object["question"] as? String, !question.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail("\"question\" must be a non-empty string")
        }
        let answers: [String]
        switch object["answers"] ?? object["answer"] {
        case nil, is NSNull: answers = []
        case let list as [Any]: answers = list.map(text)
        case let one?: answers = [text(one)]
        }
        var evidence: [GoldEvidence] = []
        for (k, item) in ((object["evidence"] as? [Any]) ?? []).enumerated() {
            guard let e = item as? [String: Any], let document = e["document"] as? String else {
                throw fail("evidence \(k + 1) needs a \"document\"")
            }
            guard let page = e["page"] as? Int, page >= 1 else { throw fail("evidence \(k + 1) needs a \"page\" (1 or more)") }
            let start = e["start"] as? Int, end = e["end"] as? Int, quote = e["quote"] as? String
            if (start == nil) != (end == nil) || (start.map { s in end.map { s < 0 || $0 <= s } ?? true } ?? false) {
                throw fail("evidence \(k + 1): give both \"start\" and \"end\" (0 ≤ start < end) or neither")
            }
            guard start != nil || !(quote ?? "").isEmpty else { throw fail("evidence \(k + 1) needs \"start\"/\"end\" or a \"quote\"") }
            evidence.append(GoldEvidence(document: document, page: page, start: start, end: end, quote: quote))
        }
        var documents = (object["documents"] as? [String]) ?? []
        if let one = object["document"] as? String { documents.append(one) }
        let id = (object["id"] as? String) ?? (object["id"] as? Int).map(String.init) ?? "\(index + 1)"
        return GoldQuestion(
            id: id, question: question, answers: answers, evidence: evidence, documents: documents,
            type: object["type"] as? String, allRequired: (object["all_required"] as? Bool) ?? false)
    }

    /// A gold answer as text: strings as they are, numbers without a needless ".0".
    private static func text(_ value: Any) -> String {
        switch value {
        case let s as String: s
        case let n as NSNumber:
            n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 1e15
                ? String(Int64(n.doubleValue)) : "\(n.doubleValue)"
        default: "\(value)"
        }
    }
}
