/// A place in a document's text: a page (from 1) and a range of code points of that page's text
/// (0-based, end exclusive), as `substr(pages.text, start + 1, "end" - start)` reads it. Evidence,
/// chunks, search hits, passages and citations all carry one.
public struct Location: Sendable, Hashable, Codable {
    public let page: Int
    public let start: Int
    public let end: Int

    public init(page: Int, start: Int, end: Int) {
        self.page = page; self.start = start; self.end = end
    }
}
