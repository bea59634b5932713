import Documents
import Foundation
import Store

/// Which documents and pages a question is asked of: documents by name (path, or file name with
/// case and extension forgiven), a glob over paths (`contracts/*.pdf`; `*` and `?` match within a
/// folder name; a pattern without `/` is matched against file names), and a range of pages.
public struct RetrievalFilter: Sendable, Equatable {
    public var documents: [String]
    public var pathGlob: String?
    public var pages: ClosedRange<Int>?

    public init(documents: [String] = [], pathGlob: String? = nil, pages: ClosedRange<Int>? = nil) {
        self.documents = documents; self.pathGlob = pathGlob; self.pages = pages
    }

    public var isEmpty: Bool { documents.isEmpty && pathGlob == nil && pages == nil }

    /// `3`, `3-7` or `3-` (to the end) as a page range.
    public static func pages(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count), let first = Int(parts[0]), first >= 1 else { return nil }
        if parts.count == 1 { return first...first }
        if parts[1].isEmpty { return first...Int(Int32.max) }
        guard let last = Int(parts[1]), last >= first else { return nil }
        return first...last
    }

    /// The chunks this filter allows in `store`. A name or glob that matches no document is an
    /// error naming it, not an empty answer.
    public func scope(in store: Store) throws(AssistantError) -> ChunkScope {
        guard !documents.isEmpty || pathGlob != nil else { return ChunkScope(pages: pages) }
        let records: [DocumentRecord]
        do { records = try store.documents() } catch { throw .store(error) }
        var ids = Set(records.map(\.id))
        if !documents.isEmpty {
            let index = DocumentNameIndex(records.map(\.path))
            var named = Set<Int64>()
            for name in documents {
                guard let path = index.match(name) ?? (records.contains { $0.path == name } ? name : nil) else {
                    throw .invalidFilter(name: "document", message: "no document named \(name) in \(store.path)")
                }
                named.formUnion(records.filter { $0.path == path }.map(\.id))
            }
            ids.formIntersection(named)
        }
        if let pathGlob {
            let matching = Set(records.filter { Self.matches(pathGlob, $0.path) }.map(\.id))
            guard !matching.isEmpty else {
                throw .invalidFilter(name: "path", message: "no document path in \(store.path) matches \(pathGlob)")
            }
            ids.formIntersection(matching)
        }
        return ChunkScope(documents: ids.sorted(), pages: pages)
    }

    /// Whether a path matches a glob (fnmatch with `FNM_PATHNAME`; against the file name when
    /// the pattern has no `/`, against the path's tail otherwise).
    static func matches(_ pattern: String, _ path: String) -> Bool {
        guard pattern.contains("/") else {
            return fnmatch(pattern, (path as NSString).lastPathComponent, 0) == 0
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let depth = pattern.split(separator: "/", omittingEmptySubsequences: false).count
        let tail = parts.suffix(depth).joined(separator: "/")
        return fnmatch(pattern, path, FNM_PATHNAME) == 0 || fnmatch(pattern, tail, FNM_PATHNAME) == 0
    }
}
