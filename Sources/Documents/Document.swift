import Foundation

/// The kinds of file Quarry reads.
public enum DocumentKind: String, Sendable, Codable, CaseIterable {
    case pdf, text, markdown
}

/// A rectangle on a page, in PDF points with the origin at the top-left corner of the page
/// as it is displayed (rotation applied), y growing downwards.
public struct Box: Sendable, Equatable, Codable {
    public var x0: Float, y0: Float, x1: Float, y1: Float

    public init(x0: Float, y0: Float, x1: Float, y1: Float) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    /// The smallest box containing both.
    public func union(_ other: Box) -> Box {
        Box(x0: min(x0, other.x0), y0: min(y0, other.y0), x1: max(x1, other.x1), y1: max(y1, other.y1))
    }
}

/// A word of a page's text (a run without whitespace) and where it is drawn.
/// `start`/`end` are offsets into the page text in Unicode code points, end exclusive.
public struct WordBox: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var box: Box

    public init(start: Int, end: Int, box: Box) {
        self.start = start; self.end = end; self.box = box
    }
}

/// One page of a document. `number` starts at 1. Text documents have no size and no boxes.
public struct Page: Sendable, Equatable {
    public let number: Int
    public let text: String
    public let width: Double?
    public let height: Double?
    /// Word boxes in reading order; empty when the source has no layout.
    public let words: [WordBox]

    public init(number: Int, text: String, width: Double? = nil, height: Double? = nil, words: [WordBox] = []) {
        self.number = number; self.text = text; self.width = width; self.height = height; self.words = words
    }

    /// Whether the page carries any text at all (a scanned page without a text layer does not).
    public var hasText: Bool { text.unicodeScalars.contains { !$0.isSpace } }

    /// The box around the words that overlap a code-point range of the page text, if known.
    public func box(covering range: Range<Int>) -> Box? {
        words.lazy.filter { $0.start < range.upperBound && $0.end > range.lowerBound }
            .map(\.box).reduce(nil) { $0?.union($1) ?? $1 }
    }
}

/// Descriptive metadata of a document, as far as the format records it.
public struct DocumentMetadata: Sendable, Codable, Equatable {
    public var title: String?
    public var author: String?
    public var subject: String?
    public var keywords: String?
    public var creator: String?
    public var producer: String?
    public var createdAt: Date?
    public var modifiedAt: Date?
    public var formatVersion: String?

    public init(
        title: String? = nil, author: String? = nil, subject: String? = nil, keywords: String? = nil,
        creator: String? = nil, producer: String? = nil, createdAt: Date? = nil,
        modifiedAt: Date? = nil, formatVersion: String? = nil
    ) {
        self.title = title; self.author = author; self.subject = subject; self.keywords = keywords
        self.creator = creator; self.producer = producer; self.createdAt = createdAt
        self.modifiedAt = modifiedAt; self.formatVersion = formatVersion
    }
}

/// A parsed document: its pages in order and its metadata.
public struct Document: Sendable, Equatable {
    public let kind: DocumentKind
    public let pages: [Page]
    public let metadata: DocumentMetadata

    public init(kind: DocumentKind, pages: [Page], metadata: DocumentMetadata = DocumentMetadata()) {
        self.kind = kind; self.pages = pages; self.metadata = metadata
    }

    /// Numbers of the pages that have no text layer.
    public var pagesWithoutText: [Int] { pages.filter { !$0.hasText }.map(\.number) }

    /// A warning for users when some pages have no text layer, nil when all have one.
    public var missingTextWarning: String? {
        let blank = pagesWithoutText
        guard !blank.isEmpty else { return nil }
        let shown = blank.prefix(10).map(String.init).joined(separator: ", ") + (blank.count > 10 ? ", …" : "")
        return "\(blank.count) of \(pages.count) pages have no text layer (pages \(shown)); "
            + "they look scanned, and OCR is not supported"
    }
}
