import Documents
import Store

/// Checks citations against the stored pages: a citation stands only if its quote is exactly the
/// page text between its offsets (code points). A verified citation gets the box of its words on
/// the page when the page has a layout. Pages are read once per verifier.
public struct CitationVerifier: Sendable {
    public let store: Store
    private var pages: [PageKey: (scalars: [Unicode.Scalar], page: Page)?] = [:]

    private struct PageKey: Hashable { let document: Int64, page: Int }

    public init(store: Store) { self.store = store }

    /// The citation with its box when its quote is verbatim at its place; nil when it is not (or
    /// the page does not exist).
    public mutating func verify(_ citation: Citation) throws(StoreError) -> Citation? {
        let key = PageKey(document: citation.documentID, page: citation.location.page)
        if pages[key] == nil {
            let page = try store.page(documentID: citation.documentID, number: citation.location.page)
            pages[key] = .some(page.map { (Array($0.text.unicodeScalars), $0) })
        }
        guard let entry = pages[key] ?? nil, citation.location.start >= 0, citation.location.start < citation.location.end,
            citation.location.end <= entry.scalars.count
        else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: entry.scalars[citation.location.start..<citation.location.end])
        guard String(view) == citation.quote else { return nil }
        return citation.with(box: entry.page.box(covering: citation.location.start..<citation.location.end))
    }
}
