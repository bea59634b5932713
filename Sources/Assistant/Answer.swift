import Documents

/// A quote that supports an answer: where it is (document, page, code-point offsets into the
/// page text, and its box on the page for PDFs) and its exact text there. `source` is its
/// number among the sources the answer was written from (1-based).
public struct Citation: Sendable, Equatable, Codable {
    public let source: Int
    public let document: String
    public let documentID: Int64
    public let location: Location
    public let quote: String
    public let box: Box?
    /// For an answer from an extracted table: the table and the row whose cell the quote is
    /// evidence of.
    public let table: String?
    public let row: Int64?

    public init(
        source: Int, document: String, documentID: Int64, location: Location, quote: String, box: Box? = nil,
        table: String? = nil, row: Int64? = nil
    ) {
        self.source = source; self.document = document; self.documentID = documentID; self.location = location
        self.quote = quote; self.box = box; self.table = table; self.row = row
    }

    init(source: Int, _ passage: Passage) {
        self.init(source: source, document: passage.path, documentID: passage.documentID, location: passage.location, quote: passage.text)
    }

    enum CodingKeys: String, CodingKey { case source, document, documentID, quote, box, table, row }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            source: try c.decode(Int.self, forKey: .source), document: try c.decode(String.self, forKey: .document),
            documentID: try c.decode(Int64.self, forKey: .documentID), location: try Location(from: decoder),
            quote: try c.decode(String.self, forKey: .quote), box: try c.decodeIfPresent(Box.self, forKey: .box),
            table: try c.decodeIfPresent(String.self, forKey: .table), row: try c.decodeIfPresent(Int64.self, forKey: .row))
    }

    /// Every key is written, `box` as null for text documents, so scripts see one shape.
    public func encode(to encoder: any Encoder) throws {
        try location.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source); try c.encode(document, forKey: .document)
        try c.encode(documentID, forKey: .documentID)
        try c.encode(quote, forKey: .quote); try c.encode(box, forKey: .box)
        try c.encode(table, forKey: .table); try c.encode(row, forKey: .row)
    }

    func with(box: Box?) -> Citation {
        Citation(
            source: source, document: document, documentID: documentID, location: location, quote: quote, box: box,
            table: table, row: row)
    }
}

/// How an answer is written: quotes selected from the documents, or a short text written by the
/// embedded language model from numbered sources (`GenerativeAnswerer`).
public enum AnswerMode: String, Sendable, Codable, CaseIterable {
    case extractive, generative
}

/// The assistant's reply: the answer, the verified citations behind it, and a confidence in
/// [0, 1]. A refusal has no citations and says why (`reason`); it is what the assistant says
/// when nothing in the documents supports an answer.
public struct Answer: Sendable, Equatable, Codable {
    public let question: String
    public let answer: String
    public let citations: [Citation]
    public let confidence: Double
    public let refused: Bool
    /// Why the assistant refused, or what it dropped (claims whose citation failed verification).
    public let reason: String?
    public let mode: AnswerMode
    /// The read-only SQL an answer from an extracted table ran.
    public let sql: String?

    public init(
        question: String, answer: String, citations: [Citation], confidence: Double, refused: Bool,
        reason: String? = nil, mode: AnswerMode, sql: String? = nil
    ) {
        self.question = question; self.answer = answer; self.citations = citations; self.confidence = confidence
        self.refused = refused; self.reason = reason; self.mode = mode; self.sql = sql
    }

    /// Every key is written, `reason` as null when there is none, so scripts see one shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(question, forKey: .question); try c.encode(answer, forKey: .answer)
        try c.encode(citations, forKey: .citations); try c.encode(confidence, forKey: .confidence)
        try c.encode(refused, forKey: .refused); try c.encode(reason, forKey: .reason)
        try c.encode(mode, forKey: .mode); try c.encode(sql, forKey: .sql)
    }

    /// The words of a refusal.
    public static let refusalText = "I cannot find this in the documents."

    static func refusal(_ question: String, reason: String, mode: AnswerMode, confidence: Double = 0) -> Answer {
        Answer(question: question, answer: refusalText, citations: [], confidence: confidence, refused: true, reason: reason, mode: mode)
    }
}
