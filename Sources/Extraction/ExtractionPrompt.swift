import Documents
import Foundation
import Models
import Schema

/// The chat prompt the language-model extractor sends: the schema's fields (names, types,
/// descriptions) and the parts of the document most relevant to them, within a token budget.
///
/// A document that fits the budget is sent whole. A longer one is cut into passages (paragraphs,
/// merged or split to a few hundred characters); passages are ranked per field by how close they
/// come to its name and description (sentence-encoder cosine, when an encoder is given, plus the
/// field's words appearing in them). The first passage is always kept (titles and headers live
/// there); then each field's best passage, each one's second best, and so on, until the budget is
/// spent. The model sees them in document order.
public struct ExtractionPrompt: Sendable {
    /// One piece of a page's text, where it is and what it says.
    public struct Snippet: Sendable, Equatable {
        public let location: Location
        public let text: String
    }

    /// The passages sent, in document order.
    public let passages: [Snippet]
    /// The document text the model sees (the passages joined by blank lines).
    public let excerpt: String
    /// The system and user messages.
    public let messages: [ChatMessage]

    public static let systemMessage = """
        You extract information from documents into JSON. Copy each value exactly as it is written \
        in the document. Use null when the document does not give a value.
        """

    /// Builds the prompt for `fields` of `schema` over `document`, keeping the excerpt within
    /// `budget` tokens of `tokenizer`.
    public init(
        schema: Schema, fields: [Field], document: Document, tokenizer: LanguageTokenizer,
        budget: Int, embedder: (any TextEmbedder)?
    ) {
        let all = Self.passages(document)
        let costs = all.map { tokenizer.encode($0.text, addSpecial: false, parseSpecial: false).count + 2 }
        var chosen = Set<Int>()
        if costs.reduce(0, +) <= budget {
            chosen = Set(all.indices)
        } else if !all.isEmpty {
            // Round robin over the fields: each field's best passage, then each one's second best…
            let scores = Self.relevance(all, fields: fields, embedder: embedder)
            let rankings = scores.map { row in all.indices.sorted { row[$0] > row[$1] } }
            var spent = 0
            func take(_ i: Int) {
                guard !chosen.contains(i), spent + costs[i] <= budget else { return }
                chosen.insert(i)
                spent += costs[i]
            }
            take(0)
            for rank in all.indices {
                for ranking in rankings { take(ranking[rank]) }
                if spent >= budget - 8 { break }
            }
        }
        passages = all.indices.filter(chosen.contains).map { all[$0] }
        excerpt = passages.map(\.text).joined(separator: "\n\n")
        let fieldLines = fields.map { "- " + Self.describe($0) }.joined(separator: "\n")
        let user = """
            Document:
            \"\"\"
            \(excerpt)
            \"\"\"

            Extract these fields from the document:
            \(fieldLines)

            Answer with one JSON object with exactly these keys, in this order.
            """
        messages = [ChatMessage(role: "system", content: Self.systemMessage), ChatMessage(role: "user", content: user)]
    }

    /// `name (type, required): description`, with list and table shapes spelled out.
    static func describe(_ field: Field) -> String {
        var text = field.name + " (" + kindName(field.kind) + (field.required ? ", required" : "") + ")"
        if let description = field.description, !description.isEmpty { text += ": " + description }
        if case .table(let inner) = field.kind {
            text += "\n" + inner.map { "    - " + describe($0) }.joined(separator: "\n")
        }
        return text
    }

    static func kindName(_ kind: Field.Kind) -> String {
        switch kind {
        case .scalar(let type): typeName(type)
        case .list(let type, _, _): "list of \(typeName(type))"
        case .table: "list of rows with the fields below"
        }
    }

    static func typeName(_ type: ScalarType) -> String {
        if let values = type.enumValues { return "one of " + values.joined(separator: ", ") }
        switch (type.base, type.format) {
        case (.string, .date?): return "date"
        case (.string, .dateTime?): return "date and time"
        case (.string, .email?): return "email address"
        case (.string, .uri?): return "URL"
        case (.string, nil): return "text"
        case (.number, _): return "number"
        case (.integer, _): return "whole number"
        case (.boolean, _): return "true or false"
        }
    }

    /// A page's text cut at blank lines into passages of at most ~400 characters (longer
    /// paragraphs are split at line ends, then at spaces); short neighbours are merged.
    static func passages(_ document: Document, limit: Int = 400) -> [Snippet] {
        var result: [Snippet] = []
        for page in document.pages where page.hasText {
            let scalars = Array(page.text.unicodeScalars)
            var start = 0
            func emit(_ end: Int) {
                var s = start, e = end
                while s < e, scalars[s].isSpace { s += 1 }
                while e > s, scalars[e - 1].isSpace { e -= 1 }
                if e > s {
                    var text = String.UnicodeScalarView()
                    text.append(contentsOf: scalars[s..<e])
                    result.append(Snippet(location: Location(page: page.number, start: s, end: e), text: String(text)))
                }
                start = end
            }
            var i = 0
            while i < scalars.count {
                let isBreak = scalars[i] == "\n" && i + 1 < scalars.count && scalars[i + 1] == "\n"
                let length = i - start
                if isBreak && length >= limit / 4 {
                    emit(i)
                } else if length >= limit && scalars[i] == "\n" {
                    emit(i)
                } else if length >= limit * 3 / 2 && scalars[i] == " " {
                    emit(i)
                }
                i += 1
            }
            emit(scalars.count)
        }
        return result
    }

    /// How relevant each passage is to each field: `[field][passage]`.
    static func relevance(_ passages: [Snippet], fields: [Field], embedder: (any TextEmbedder)?) -> [[Double]] {
        let lowered = passages.map { $0.text.lowercased() }
        var scores = fields.map { field -> [Double] in
            let words = Set(field.name.lowercased().split(separator: "_").map(String.init).filter { $0.count > 2 })
            return lowered.map { text in words.isEmpty ? 0 : Double(words.filter { text.contains($0) }.count) / Double(words.count) }
        }
        if let embedder {
            let queries = fields.map { field in
                field.name.replacingOccurrences(of: "_", with: " ") + (field.description.map { ": " + $0 } ?? "")
            }
            let vectors = embedder.embed(queries + passages.map(\.text))
            for f in fields.indices {
                for (i, p) in vectors.dropFirst(queries.count).enumerated() {
                    scores[f][i] += 2 * Double(zip(vectors[f], p).reduce(Float(0)) { $0 + $1.0 * $1.1 })
                }
            }
        }
        return scores
    }
}
