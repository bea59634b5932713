internal import GRDB

/// The database layout, as a list of migrations applied in order. The tables `documents`, `pages`
/// and `chunks` and their documented columns are a public contract: change them only by adding.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-corpus") { db in
            try db.execute(
                sql: """
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
            try db.execute(
                sql: """
                    CREATE TABLE chunk_vectors (
                        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                        model TEXT NOT NULL,                 -- the encoder that made it, e.g. all-MiniLM-L6-v2
                        vector BLOB NOT NULL                 -- unit length, little-endian float16 (see VectorCoding)
                    );
                    CREATE INDEX chunk_vectors_by_model ON chunk_vectors(model);
                    """)
        }
        // Each result table `T` made by `prepareResultTable` (see ResultTables.swift) is created
        // outside the migrations, from its layout, with companions sharing the prefix `T__`:
        //   T (id INTEGER PRIMARY KEY,
        //      document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
        //      document_path TEXT NOT NULL, model TEXT NOT NULL,
        //      extracted_at TEXT NOT NULL,          -- ISO 8601, UTC
        //      <user columns>)                      -- INTEGER | REAL | TEXT, all nullable
        //   T__<child> (id INTEGER PRIMARY KEY, row_id INTEGER NOT NULL REFERENCES T(id) ON DELETE CASCADE,
        //      item_index INTEGER NOT NULL,         -- 0-based position in the array
        //      <child columns>)                     -- one per array-of-objects field
        //   T__evidence (row_id → T(id) CASCADE, field TEXT NOT NULL,  -- "total", "line_items[2].amount"
        //      value_index INTEGER NOT NULL, document_id INTEGER NOT NULL, page_number INTEGER NOT NULL,
        //      start INTEGER NOT NULL, "end" INTEGER NOT NULL,    -- code points into pages.text
        //      quote TEXT NOT NULL, x0 REAL, y0 REAL, x1 REAL, y1 REAL,  -- box on the page, NULL for text
        //      confidence REAL)                     -- in [0, 1], NULL when the extractor gives none;
        //                                           -- added to older tables when they are next prepared
        //   T__issues (row_id → T(id) CASCADE, field TEXT, rule TEXT, message TEXT)
        // Result table names never contain "__" nor end with "_", so the prefix identifies the owner.
        migrator.registerMigration("v3-results") { db in
            try db.execute(
                sql: """
                    CREATE TABLE result_tables (
                        name TEXT PRIMARY KEY COLLATE NOCASE, -- SQLite table names ignore case
                        layout TEXT NOT NULL,                -- JSON of ResultTableLayout: columns, types, child tables
                        schema TEXT,                         -- the schema file's text (JSON or YAML) it was extracted with
                        created_at TEXT NOT NULL,            -- ISO 8601, UTC
                        updated_at TEXT NOT NULL             -- last change of the layout
                    );
                    CREATE TABLE result_extractions (
                        table_name TEXT NOT NULL COLLATE NOCASE
                            REFERENCES result_tables(name) ON DELETE CASCADE,
                        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                        model TEXT NOT NULL,                 -- the extractor (and version) that made the row
                        fields TEXT NOT NULL,                -- JSON array of the fields extracted so far
                        document_sha256 TEXT NOT NULL,       -- documents.sha256 at extraction time
                        extracted_at TEXT NOT NULL,          -- ISO 8601, UTC
                        PRIMARY KEY (table_name, document_id)
                    );
                    CREATE INDEX result_extractions_by_document ON result_extractions(document_id);
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,                  -- eval | …
                        table_name TEXT NOT NULL COLLATE NOCASE, -- the result table it concerns
                        model TEXT,
                        source TEXT,                         -- e.g. the gold file of an evaluation
                        started_at TEXT NOT NULL,            -- ISO 8601, UTC
                        details TEXT                         -- JSON, free form
                    );
                    CREATE INDEX runs_by_table ON runs(table_name);
                    CREATE TABLE metrics (
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        field TEXT NOT NULL,                 -- a field name, or micro | macro
                        name TEXT NOT NULL,                  -- precision | recall | f1 | exact | …
                        value REAL,                          -- NULL when undefined (NaN)
                        PRIMARY KEY (run_id, field, name)
                    );
                    """)
        }
        // Tuned extractor parameters, which of them each table uses, and which documents each
        // table's extractions read (the documents a tuning run learns from). See ModelVersions.swift.
        migrator.registerMigration("v4-models") { db in
            try db.execute(
                sql: """
                    CREATE TABLE model_versions (
                        id TEXT PRIMARY KEY,                 -- e.g. receipts-v3
                        table_name TEXT NOT NULL COLLATE NOCASE, -- the result table it was made for
                        extractor TEXT NOT NULL,             -- span
                        method TEXT NOT NULL,                -- tao | supervised | …
                        base TEXT,                           -- the version it was tuned from; NULL = the zero-shot prior
                        schema_sha256 TEXT NOT NULL,         -- SHA-256 of the schema file it was tuned with
                        parameters TEXT NOT NULL,            -- the parameter artefact (JSON)
                        inputs TEXT NOT NULL,                -- JSON array of the document paths it was tuned on
                        reward_config TEXT,                  -- JSON
                        metrics TEXT,                        -- JSON, free form: before and after figures
                        created_at TEXT NOT NULL             -- ISO 8601, UTC
                    );
                    CREATE INDEX model_versions_by_table ON model_versions(table_name);
                    CREATE TABLE model_promotions (
                        id INTEGER PRIMARY KEY,
                        table_name TEXT NOT NULL COLLATE NOCASE,
                        version TEXT REFERENCES model_versions(id), -- NULL = back to the zero-shot prior
                        promoted_at TEXT NOT NULL,           -- ISO 8601, UTC
                        reason TEXT,
                        rollback_of INTEGER REFERENCES model_promotions(id) -- the promotion a rollback undid; NULL for a promotion
                    );
                    CREATE INDEX model_promotions_by_table ON model_promotions(table_name);
                    CREATE TABLE usage_log (
                        id INTEGER PRIMARY KEY,
                        table_name TEXT NOT NULL COLLATE NOCASE,
                        schema_sha256 TEXT NOT NULL,         -- SHA-256 of the schema file extracted with
                        model TEXT NOT NULL,                 -- the extractor version that ran, e.g. span/receipts-v3/all-MiniLM-L6-v2
                        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                        used_at TEXT NOT NULL                -- ISO 8601, UTC
                    );
                    CREATE INDEX usage_log_by_table ON usage_log(table_name, document_id);
                    CREATE INDEX usage_log_by_document ON usage_log(document_id);
                    """)
        }
        migrator.registerMigration("v5-guidance") { db in
            try db.execute(
                sql: """
                    CREATE TABLE guidance (
                        id INTEGER PRIMARY KEY,
                        text TEXT NOT NULL,                  -- an expert's advice for the assistant, as written
                        added_at TEXT NOT NULL               -- ISO 8601, UTC
                    );
                    """)
        }
        return migrator
    }
}
