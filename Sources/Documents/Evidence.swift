/// Where a value was found in a document: the page, the code-point range of the page text, the
/// exact text there, and its box on the page when the source is a PDF. Extractors produce it for
/// every value, the store keeps it beside every cell, and it is how a value is checked.
public struct Evidence: Sendable, Equatable, Codable {
    /// The field path: `total`, `party`, or `line_items[2].amount` for a cell of a child table.
    public let field: String
    /// Which value of a multi-valued field this span supports, 0-based.
    public let valueIndex: Int
    public let pageNumber: Int
    /// Code points into the page text, 0-based, end exclusive.
    public let start: Int
    public let end: Int
    public let quote: String
    /// Where the quote is drawn on the page; nil for text documents.
    public let box: Box?

    public init(field: String, valueIndex: Int = 0, pageNumber: Int, start: Int, end: Int, quote: String, box: Box? = nil) {
        self.field = field; self.valueIndex = valueIndex; self.pageNumber = pageNumber
        self.start = start; self.end = end; self.quote = quote; self.box = box
    }

    /// The top-level field the path belongs to: `line_items` for `line_items[2].amount`.
    public var topField: String {
        String(field.prefix { $0 != "[" && $0 != "." })
    }
}
