import Documents
import Foundation
internal import GRDB

/// A file as seen on disk: where it is, its content hash, and the quick-check stamp.
public struct FileStamp: Sendable, Equatable {
    public let path: String
    public let sha256: String
    public let size: Int
    public let mtime: Double

    public init(path: String, sha256: String, size: Int, mtime: Double) {
        self.path = path; self.sha256 = sha256; self.size = size; self.mtime = mtime
    }
}

/// What the store already holds for a path.
public struct KnownFile: Sendable, Equatable {
    public let sha256: String
    public let size: Int
    public let mtime: Double
    public let status: DocumentStatus
    /// Why it failed, for failed files.
    public let error: String?
}

/// The outcome of ingesting one document, as stored in `documents.status`.
public enum DocumentStatus: String, Sendable, Codable {
    /// Every page has text.
    case ok
    /// Some pages have no text layer (scans); their text is empty.
    case partial
    /// The file could not be read; `documents.error` says why.
    case failed
}

/// A row of `documents`, for listings.
public struct DocumentRecord: Sendable, Codable, Equatable {
    public let id: Int64
    public let path: String
    public let sha256: String
    public let kind: String?
    public let pageCount: Int
    public let status: DocumentStatus
    public let error: String?
    public let ingestedAt: String
    public let pagesWithoutText: Int
    public let title: String?
    public let author: String?
    public let chunkCount: Int
}

extension Store {
    /// Every path the store knows, with its stamp, for change detection.
    public func knownFiles() throws(StoreError) -> [String: KnownFile] {
        try guarded {
            try pool.read { db in
                var known: [String: KnownFile] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT path, sha256, file_size, file_mtime, status, error FROM documents") {
                    known[row["path"]] = KnownFile(
                        sha256: row["sha256"], size: row["file_size"], mtime: row["file_mtime"],
                        status: DocumentStatus(rawValue: row["status"]) ?? .failed, error: row["error"])
                }
                return known
            }
        }
    }

    /// Stores a parsed document with its chunks and their vectors (if any), replacing any earlier
    /// version at the same path and everything derived from it, in one transaction. Returns the
    /// new document id.
    @discardableResult
    public func replaceDocument(
        _ file: FileStamp, document: Document, chunks: [Chunk], vectors: ChunkVectors? = nil,
        ingestedAt: Date = Date()
    ) throws(StoreError) -> Int64 {
        let blank = document.pagesWithoutText
        let status: DocumentStatus = blank.isEmpty ? .ok : .partial
        let warning = document.missingTextWarning
        let meta = document.metadata
        let extra = try? JSONEncoder().encode(
            ExtraMetadata(
                subject: meta.subject, keywords: meta.keywords,
                creator: meta.creator, producer: meta.producer,
                version: meta.formatVersion))
        return try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM documents WHERE path = ?", arguments: [file.path])
                try db.execute(
                    sql: """
                        INSERT INTO documents (path, sha256, kind, page_count, status, error, ingested_at,
                            pages_without_text, title, author, created_at, modified_at, metadata, file_size, file_mtime)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        file.path, file.sha256, document.kind.rawValue, document.pages.count,
                        status.rawValue, warning, Self.iso(ingestedAt), blank.count, meta.title,
                        meta.author, Self.iso(meta.createdAt), Self.iso(meta.modifiedAt),
                        extra.map { String(decoding: $0, as: UTF8.self) }, file.size, file.mtime,
                    ])
                let id = db.lastInsertedRowID
                let page = try db.makeStatement(
                    sql: """
                        INSERT INTO pages (document_id, page_number, text, width, height, has_text, word_boxes)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                for p in document.pages {
                    try page.execute(arguments: [
                        id, p.number, p.text, p.width, p.height, p.hasText,
                        p.words.isEmpty ? nil : WordBoxCoding.encode(p.words),
                    ])
                }
                let chunkIDs = try insertChunks(chunks, documentID: id, db)
                if let vectors { try insertVectors(vectors, chunkIDs: chunkIDs, db) }
                return id
            }
        }
    }

    /// Records a file that could not be read, replacing any earlier version at the same path.
    public func recordFailure(
        _ file: FileStamp, kind: DocumentKind?, reason: String,
        at date: Date = Date()
    ) throws(StoreError) {
        try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM documents WHERE path = ?", arguments: [file.path])
                try db.execute(
                    sql: """
                        INSERT INTO documents (path, sha256, kind, status, error, ingested_at, file_size, file_mtime)
                        VALUES (?, ?, ?, 'failed', ?, ?, ?, ?)
                        """, arguments: [file.path, file.sha256, kind?.rawValue, reason, Self.iso(date), file.size, file.mtime])
            }
        }
    }

    /// Updates the quick-check stamp of a file whose content did not change (e.g. it was touched).
    public func updateStamp(_ file: FileStamp) throws(StoreError) {
        try guarded {
            try pool.write { db in
                try db.execute(
                    sql: "UPDATE documents SET file_size = ?, file_mtime = ? WHERE path = ?",
                    arguments: [file.size, file.mtime, file.path])
            }
        }
    }

    /// All documents, by path.
    public func documents() throws(StoreError) -> [DocumentRecord] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT d.*, (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count
                        FROM documents d ORDER BY d.path
                        """
                ).map { row in
                    DocumentRecord(
                        id: row["id"], path: row["path"], sha256: row["sha256"], kind: row["kind"],
                        pageCount: row["page_count"],
                        status: DocumentStatus(rawValue: row["status"]) ?? .failed,
                        error: row["error"], ingestedAt: row["ingested_at"],
                        pagesWithoutText: row["pages_without_text"], title: row["title"],
                        author: row["author"], chunkCount: row["chunk_count"])
                }
            }
        }
    }

    /// One stored page with its word boxes, or nil if there is no such page.
    public func page(documentID: Int64, number: Int) throws(StoreError) -> Page? {
        try guarded {
            try pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT page_number, text, width, height, word_boxes FROM pages
                        WHERE document_id = ? AND page_number = ?
                        """, arguments: [documentID, number]
                ).map { row in
                    let boxes: Data? = row["word_boxes"]
                    return Page(
                        number: row["page_number"], text: row["text"], width: row["width"],
                        height: row["height"], words: boxes.map(WordBoxCoding.decode) ?? [])
                }
            }
        }
    }
}

/// The part of a document's metadata kept as JSON in `documents.metadata`.
struct ExtraMetadata: Codable {
    var subject: String?, keywords: String?, creator: String?, producer: String?, version: String?
}
