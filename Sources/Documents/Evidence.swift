/// Where a value was found in a document: the page, the code-point range of the page text, the
/// exact text there, and its box on the page when the source is a PDF. Extractors produce it for
/// every value, the store keeps it beside every cell, and it is how a value is checked.
public struct Evidence: Sendable, Equatable, Codable {
    /// The field path: `total`, `party`, or `line_items[2].amount` for a cell of a child table.
    public let field: String
    /// Which value of a multi-valued field this span supports, 0-based.
    public let valueIndex: Int
    /// The page and the code points of its text the quote spans.
    public let location: Location
    public let quote: String
    /// Where the quote is drawn on the page; nil for text documents.
    public let box: Box?
    /// How likely the value is right, in [0, 1], as the extractor that found it estimates; nil
    /// when it does not say.
    public var confidence: Double?

    public init(field: String, valueIndex: Int = 0, location: Location, quote: String, box: Box? = nil, confidence: Double? = nil) {
        self.field = field; self.valueIndex = valueIndex; self.location = location; self.quote = quote; self.box = box
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey { case field, valueIndex, quote, box, confidence }

    /// Its JSON spells the location flat: `page`, `start`, `end` beside the other keys.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            field: try c.decode(String.self, forKey: .field), valueIndex: try c.decode(Int.self, forKey: .valueIndex),
            location: try Location(from: decoder), quote: try c.decode(String.self, forKey: .quote),
            box: try c.decodeIfPresent(Box.self, forKey: .box), confidence: try c.decodeIfPresent(Double.self, forKey: .confidence))
    }

    public func encode(to encoder: any Encoder) throws {
        try location.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(field, forKey: .field); try c.encode(valueIndex, forKey: .valueIndex)
        try c.encode(quote, forKey: .quote); try c.encodeIfPresent(box, forKey: .box)
        try c.encodeIfPresent(confidence, forKey: .confidence)
    }

    /// The top-level field the path belongs to: `line_items` for `line_items[2].amount`.
    public var topField: String {
        String(field.prefix { $0 != "[" && $0 != "." })
    }
}
