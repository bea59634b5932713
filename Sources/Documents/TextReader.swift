import Foundation

/// Reads plain text and Markdown. A form feed (`\f`) starts a new page; the form feed itself is
/// not part of any page's text.
public enum TextReader {
    public static func read(_ file: SourceFile, kind: DocumentKind = .text) -> Document {
        let text = TextDecoding.decode(file.bytes)
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).enumerated().map {
            Page(number: $0.offset + 1, text: String($0.element))
        }
        return Document(kind: kind, pages: pages)
    }
}
