import GRDB

/// The database layout, as a list of migrations applied in order. The tables `documents`, `pages`
/// and `chunks` and their documented columns are a public contract: change them only by adding.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-corpus") { db in
            try db.execute(sql: """
                CREATE TABLE documents (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL UNIQUE,           -- absolute path of the file
                    sha256 TEXT NOT NULL,                -- content identity
                    kind TEXT,                           -- pdf | text | markdown (NULL if unknown)
                    page_count INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
                    error TEXT,                          -- why it failed, or a warning for partial
                    ingested_at TEXT NOT NULL,           -- ISO 8601, UTC
                    pages_without_text INTEGER NOT NULL DEFAULT 0,
                    title TEXT,
                    author TEXT,
                    created_at TEXT,                     -- from the document's own metadata
                    modified_at TEXT,
                    metadata TEXT,                       -- JSON: subject, keywords, creator, producer, version
                    file_size INTEGER NOT NULL,
                    file_mtime REAL NOT NULL             -- seconds since 1970; with file_size, a quick change check
                );
                CREATE TABLE pages (
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    page_number INTEGER NOT NULL CHECK (page_number >= 1),
                    text TEXT NOT NULL,
                    width REAL,                          -- points; NULL for text files
                    height REAL,
                    has_text INTEGER NOT NULL,           -- 0 for a page without a text layer
                    word_boxes BLOB,                     -- see WordBoxCoding
                    PRIMARY KEY (document_id, page_number)
                );
                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY,
                    document_id INTEGER NOT NULL,
                    page_number INTEGER NOT NULL,
                    start INTEGER NOT NULL,              -- code points into pages.text, 0-based
                    "end" INTEGER NOT NULL,              -- exclusive
                    text TEXT NOT NULL,
                    FOREIGN KEY (document_id, page_number)
                        REFERENCES pages(document_id, page_number) ON DELETE CASCADE
                );
                CREATE INDEX chunks_by_page ON chunks(document_id, page_number);
                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    text, content='chunks', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
                END;
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;
                CREATE TRIGGER chunks_fts_update AFTER UPDATE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
                END;
                """)
        }
        migrator.registerMigration("v2-vectors") { db in
            try db.execute(sql: """
                CREATE TABLE chunk_vectors (
                    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,                 -- the encoder that made it, e.g. all-MiniLM-L6-v2
                    vector BLOB NOT NULL                 -- unit length, little-endian float16 (see VectorCoding)
                );
                CREATE INDEX chunk_vectors_by_model ON chunk_vectors(model);
                """)
        }
        return migrator
    }
}
