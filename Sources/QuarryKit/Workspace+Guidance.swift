import Assistant
import Foundation
import Store

/// A note of guidance with what it does to retrieval, in words.
public struct ExplainedGuidance: Sendable, Encodable {
    public let id: Int64
    public let text: String
    public let addedAt: String
    /// The rules it compiles to and how many documents each matches now, or why it is advice only.
    public let meaning: String
    /// True when the note is a retrieval rule; false when it is advice for generative answers.
    public let isRule: Bool
}

extension Workspace {
    /// Stores a note of guidance for the assistant and says what it does.
    public func addGuidance(_ text: String) throws(QuarryError) -> ExplainedGuidance {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidOption(name: "guidance", message: "the guidance is empty") }
        let note = try storing { () throws(StoreError) in try store.addGuidance(trimmed) }
        return explain(note, documents: try documents())
    }

    /// Every note of guidance, oldest first, with what each does.
    public func guidance() throws(QuarryError) -> [ExplainedGuidance] {
        let documents = try documents()
        return try storing { () throws(StoreError) in try store.guidance() }.map { explain($0, documents: documents) }
    }

    /// Removes a note of guidance; false when there is none with that id.
    public func removeGuidance(id: Int64) throws(QuarryError) -> Bool {
        try storing { () throws(StoreError) in try store.removeGuidance(id: id) }
    }

    /// What a note does, in words, and how many documents each of its descriptions matches.
    func explain(_ note: GuidanceNote, documents: [DocumentRecord]) -> ExplainedGuidance {
        guard let rules = Guidance.compile(note.text) else {
            return ExplainedGuidance(
                id: note.id, text: note.text, addedAt: note.addedAt,
                meaning: "not a retrieval rule: given to generative answers as advice", isRule: false)
        }
        let meaning = rules.map { rule in
            let description: String
            switch rule {
            case .prefer(let a), .avoid(let a), .exclude(let a), .only(let a): description = a
            }
            let n = documents.filter { Guidance.matches(description, path: $0.path, title: $0.title) }.count
            return "\(rule) (\(n) document\(n == 1 ? "" : "s") now)"
        }.joined(separator: "; ")
        return ExplainedGuidance(id: note.id, text: note.text, addedAt: note.addedAt, meaning: meaning, isRule: true)
    }
}
