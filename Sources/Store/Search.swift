import Documents
internal import GRDB

/// A chunk that matches a lexical search, with where it sits in its document.
public struct SearchHit: Sendable, Codable, Equatable {
    public let chunkID: Int64
    public let documentID: Int64
    public let path: String
    public let location: Location
    /// A short excerpt with the matched terms between the highlight markers.
    public let snippet: String
    /// BM25 relevance; higher is better.
    public let score: Double

    public init(chunkID: Int64, documentID: Int64, path: String, location: Location, snippet: String, score: Double) {
        self.chunkID = chunkID; self.documentID = documentID; self.path = path; self.location = location
        self.snippet = snippet; self.score = score
    }

    enum CodingKeys: String, CodingKey { case chunkID, documentID, path, snippet, score }

    /// Its JSON spells the location flat: `page`, `start`, `end` beside the other keys.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            chunkID: try c.decode(Int64.self, forKey: .chunkID), documentID: try c.decode(Int64.self, forKey: .documentID),
            path: try c.decode(String.self, forKey: .path), location: try Location(from: decoder),
            snippet: try c.decode(String.self, forKey: .snippet), score: try c.decode(Double.self, forKey: .score))
    }

    public func encode(to encoder: any Encoder) throws {
        try location.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chunkID, forKey: .chunkID); try c.encode(documentID, forKey: .documentID); try c.encode(path, forKey: .path)
        try c.encode(snippet, forKey: .snippet); try c.encode(score, forKey: .score)
    }
}

/// Turns what a user types into a safe FTS5 query: every word and every "quoted phrase" becomes a
/// quoted FTS5 string, so operators and punctuation in the input are searched, never parsed.
/// A possessive `'s` is dropped ("Nike's" finds "Nike"). When any word may match (the default),
/// function words such as "the", "which" and "who" are left out unless nothing else is left:
/// they match nearly every chunk and would fill the ranking with chunks that share only them.
public enum FTSQuery {
    /// nil when the input has nothing searchable. `matchAll` joins terms with AND instead of OR.
    public static func make(_ input: String, matchAll: Bool = false) -> String? {
        var terms: [(text: String, isStopword: Bool)] = []
        for (i, part) in input.split(separator: "\"", omittingEmptySubsequences: false).enumerated() {
            if i % 2 == 1 {
                if part.contains(where: { $0.isLetter || $0.isNumber }) { terms.append((String(part), false)) }
                continue
            }
            for piece in part.split(whereSeparator: \.isWhitespace) {
                let word = withoutPossessive(String(piece))
                guard word.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                let bare = word.lowercased().filter { $0.isLetter }
                terms.append((word, stopwords.contains(bare)))
            }
        }
        if !matchAll, terms.contains(where: { !$0.isStopword }) { terms.removeAll { $0.isStopword } }
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"" + $0.text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            .joined(separator: matchAll ? " AND " : " OR ")
    }

    private static func withoutPossessive(_ word: String) -> String {
        for suffix in ["'s", "’s", "'S", "’S"] where word.count > suffix.count && word.hasSuffix(suffix) {
            return String(word.dropLast(suffix.count))
        }
        return word
    }

    /// English function words (a short, conventional list; no month names or modal verbs like "may").
    public static let stopwords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from",
        "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me",
        "my", "of", "on", "or", "our", "she", "so", "that", "the", "their", "them", "then", "there", "these",
        "they", "this", "those", "to", "was", "we", "were", "what", "when", "where", "which", "while", "who",
        "whom", "whose", "why", "with", "would", "you", "your",
    ]
}

extension SearchHit {
    /// The same hit with another score and, when given, another excerpt.
    public func with(score: Double, snippet: String? = nil) -> SearchHit {
        SearchHit(
            chunkID: chunkID, documentID: documentID, path: path, location: location,
            snippet: snippet ?? self.snippet, score: score)
    }
}

/// Which chunks a search may return: those of some documents, of a range of pages, or both
/// (nil: no restriction).
public struct ChunkScope: Sendable, Equatable, Hashable {
    public var documents: [Int64]?
    public var pages: ClosedRange<Int>?

    public init(documents: [Int64]? = nil, pages: ClosedRange<Int>? = nil) {
        self.documents = documents; self.pages = pages
    }

    /// Every chunk.
    public static let all = ChunkScope()

    /// The SQL condition on the chunks table aliased `c` (`1` when nothing is restricted).
    /// Ids and page numbers are integers, so they are written into the statement directly.
    var condition: String {
        var parts: [String] = []
        if let documents { parts.append("c.document_id IN (\(documents.map(String.init).joined(separator: ",")))") }
        if let pages { parts.append("c.page_number BETWEEN \(pages.lowerBound) AND \(pages.upperBound)") }
        return parts.isEmpty ? "1" : parts.joined(separator: " AND ")
    }
}

extension Store {
    /// BM25 search over chunks (of `scope`), best first.
    public func search(
        _ input: String, limit: Int = 10, matchAll: Bool = false, scope: ChunkScope = .all,
        highlight: (String, String) = ("[", "]")
    ) throws(StoreError) -> [SearchHit] {
        guard let match = FTSQuery.make(input, matchAll: matchAll) else { return [] }
        return try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.id, c.document_id, d.path, c.page_number, c.start, c."end",
                               snippet(chunks_fts, 0, ?, ?, '…', 24) AS snippet, bm25(chunks_fts) AS rank
                        FROM chunks_fts
                        JOIN chunks c ON c.id = chunks_fts.rowid
                        JOIN documents d ON d.id = c.document_id
                        WHERE chunks_fts MATCH ? AND \(scope.condition)
                        ORDER BY rank LIMIT ?
                        """, arguments: [highlight.0, highlight.1, match, limit]
                ).map { row in
                    SearchHit(
                        chunkID: row["id"], documentID: row["document_id"], path: row["path"],
                        location: Location(page: row["page_number"], start: row["start"], end: row["end"]),
                        snippet: (row["snippet"] as String).replacingOccurrences(of: "\n", with: " "),
                        score: -(row["rank"] as Double))
                }
            }
        }
    }
}

extension Store {
    /// Hits for chunks found some other way (by vector, by fusion), in the order given, with the
    /// given scores and the start of each chunk's text as the snippet. Unknown ids are skipped.
    public func hits(_ ranked: [(chunkID: Int64, score: Double)], snippetLength: Int = 160) throws(StoreError) -> [SearchHit] {
        guard !ranked.isEmpty else { return [] }
        return try guarded {
            try pool.read { db in
                let placeholders = Array(repeating: "?", count: ranked.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.id, c.document_id, d.path, c.page_number, c.start, c."end", c.text
                        FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN (\(placeholders))
                        """, arguments: StatementArguments(ranked.map(\.chunkID)))
                let byID = Dictionary(rows.map { (($0["id"] as Int64), $0) }, uniquingKeysWith: { a, _ in a })
                return ranked.compactMap { item in
                    guard let row = byID[item.chunkID] else { return nil }
                    let text = (row["text"] as String).replacingOccurrences(of: "\n", with: " ")
                    let snippet = text.count > snippetLength ? String(text.prefix(snippetLength)) + "…" : text
                    return SearchHit(
                        chunkID: item.chunkID, documentID: row["document_id"], path: row["path"],
                        location: Location(page: row["page_number"], start: row["start"], end: row["end"]),
                        snippet: snippet, score: item.score)
                }
            }
        }
    }
}

/// How often words occur in a scope: in how many chunks and in how many documents.
public struct TermCounts: Sendable, Equatable {
    public var chunks = 0
    public var documents = 0
    /// Per term: the chunks and the documents holding it.
    public var terms: [String: (chunks: Int, documents: Int)] = [:]

    public init() {}

    public static func == (a: TermCounts, b: TermCounts) -> Bool {
        a.chunks == b.chunks && a.documents == b.documents
            && a.terms.mapValues { [$0.chunks, $0.documents] } == b.terms.mapValues { [$0.chunks, $0.documents] }
    }
}

extension Store {
    /// How many chunks and documents `scope` has, and how many of them hold each term (a word or
    /// a phrase, matched as `search` matches it: stemmed, case-insensitive): the statistics behind
    /// a term's inverse document frequency. A term with nothing searchable counts 0.
    public func termCounts(_ terms: [String], scope: ChunkScope = .all) throws(StoreError) -> TermCounts {
        try guarded {
            try pool.read { db in
                var counts = TermCounts()
                if let row = try Row.fetchOne(db, sql: "SELECT count(*), count(DISTINCT c.document_id) FROM chunks c WHERE \(scope.condition)") {
                    counts.chunks = row[0]; counts.documents = row[1]
                }
                for term in terms where counts.terms[term] == nil {
                    guard let match = FTSQuery.make("\"" + term.replacingOccurrences(of: "\"", with: " ") + "\"") else {
                        counts.terms[term] = (0, 0); continue
                    }
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT count(*), count(DISTINCT c.document_id) FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
                            WHERE chunks_fts MATCH ? AND \(scope.condition)
                            """, arguments: [match])
                    counts.terms[term] = (row?[0] ?? 0, row?[1] ?? 0)
                }
                return counts
            }
        }
    }
}

extension Store {
    /// The full text of some chunks, by id (unknown ids are left out).
    public func chunkTexts(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try guarded {
            try pool.read { db in
                let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, text FROM chunks WHERE id IN (\(placeholders))",
                    arguments: StatementArguments(ids))
                return Dictionary(rows.map { (($0["id"] as Int64), ($0["text"] as String)) }, uniquingKeysWith: { a, _ in a })
            }
        }
    }
}
