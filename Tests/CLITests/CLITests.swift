import Foundation
import QuarryTestSupport
import Testing

@Suite struct CLITests {
    let fixtures = Paths.fixture("documents")

    @Test func helpTeachesEveryCommand() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        for command in ["ingest", "documents", "search", "query", "run", "embed", "generate", "tokenize", "doctor"] {
            #expect(help.stdout.contains(command))
        }
        #expect(!help.stdout.contains("parse-worker"))
        let ingest = try CLI.run(["ingest", "--help"])
        #expect(ingest.stdout.contains("Examples:") && ingest.stdout.contains("--password"))
    }

    @Test func badUsageExitsWithTwo() throws {
        #expect(try CLI.run(["ingest"]).status == 2)
        #expect(try CLI.run(["ingest", "--frobnicate", "x"]).status == 2)
        let missing = try CLI.run(["ingest", "/no/such/dir", "--db", Paths.scratch("cli").appendingPathComponent("x.db").path])
        #expect(missing.status == 2 && missing.stderr.contains("/no/such/dir"))
        #expect(try CLI.run(["search", "x", "--limit", "0"]).status == 2)
    }

    @Test func choicesAreListedAndCheckedByTheParser() throws {
        let help = try CLI.run(["extract", "--help"])
        #expect(help.stdout.contains("span") && help.stdout.contains("llm") && help.stdout.contains("day-first"), "\(help.stdout)")
        let bad = try CLI.run(["extract", "--schema", "s.json", "--table", "t", "--extractor", "regex", "x"])
        #expect(bad.status == 2 && bad.stderr.contains("regex"), "\(bad.stderr)")
        let dates = try CLI.run(["tune", "--schema", "s.json", "--table", "t", "--dates", "yesterday", "x"])
        #expect(dates.status == 2 && dates.stderr.contains("yesterday"), "\(dates.stderr)")
    }

    @Test func aMissingModelIsAnErrorThatSaysHowToInstallIt() throws {
        let dir = try Paths.scratch("cli")
        let run = try CLI.run(
            [
                "ingest", Paths.fixture("documents/receipt-weber-baustoffe-1.txt"),
                "--db", dir.appendingPathComponent("x.db").path,
            ], environment: ["QUARRY_MODELS": dir.path])
        #expect(run.status == 1 && run.stderr.contains("not installed") && run.stderr.contains("bash scripts/setup.sh"), "\(run.stderr)")
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func ingestDocumentsSearchAndQueryEndToEnd() throws {
        let dir = try Paths.scratch("cli")
        let db = dir.appendingPathComponent("q.db").path
        let ingest = try CLI.run(["ingest", fixtures, "--db", db, "--json"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let report = try #require(ingest.json as? [String: Any])
        let count = try FileManager.default.contentsOfDirectory(atPath: fixtures).count
        #expect(report["ingested"] as? Int == count && report["failed"] as? Int == 0)

        let again = try #require(try CLI.run(["ingest", fixtures, "--db", db, "--json"]).json as? [String: Any])
        #expect(again["unchanged"] as? Int == count && again["ingested"] as? Int == 0)

        let docs = try #require(try CLI.run(["documents", "--db", db, "--json"]).json as? [[String: Any]])
        #expect(docs.count == count && docs.allSatisfy { $0["status"] as? String == "ok" })
        #expect(try CLI.run(["documents", "--db", db]).stdout.contains("\(count) documents"))

        let hits = try #require(try CLI.run(["search", "invoice total", "--db", db, "--json", "--limit", "3"]).json as? [[String: Any]])
        #expect(hits.count == 3)
        // The hit's offsets select its chunk from the page text.
        let hit = hits[0]
        let sql = """
            SELECT substr(p.text, \(hit["start"]!) + 1, \(hit["end"]!) - \(hit["start"]!)) = c.text AS same
            FROM chunks c JOIN pages p USING (document_id, page_number) WHERE c.id = \(hit["chunk_id"]!)
            """
        let same = try #require(try CLI.run(["query", sql, "--db", db, "--format", "json"]).json as? [[String: Any]])
        #expect(same.first?["same"] as? Int == 1)

        // Every chunk was embedded; semantic and hybrid search answer a question in other words.
        #expect(report["embedded"] as? Int == report["chunks"] as? Int)
        for mode in ["semantic", "hybrid"] {
            let run = try CLI.run(["search", "how many days until payment is due", "--mode", mode, "--db", db, "--json", "--limit", "5"])
            let found = try #require(run.json as? [[String: Any]], "\(run.stderr)")
            #expect(found.count == 5)
            #expect(found.contains { ($0["snippet"] as? String ?? "").localizedCaseInsensitiveContains("terms") }, "\(mode)")
        }
        #expect(try CLI.run(["search", "x", "--mode", "fuzzy", "--db", db]).status == 2)

        let csv = try CLI.run(["query", "SELECT kind, count(*) AS n FROM documents GROUP BY kind ORDER BY kind", "--db", db, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("kind,n\nmarkdown,1\npdf,"))
        let write = try CLI.run(["query", "DELETE FROM documents", "--db", db])
        #expect(write.status == 1 && write.stderr.contains("only reads"))
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func partialFailureExitsWithThreeAndLandsTheRest() throws {
        let dir = try Paths.scratch("cli")
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        let good = ["invoice-pelican-freight-pf-18-1225.pdf", "receipt-kopitiam-sri-melor-1.txt"]
        for name in good {
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: docs.appendingPathComponent(name).path)
        }
        let pdf = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + good[0]))
        try pdf.prefix(700).write(to: docs.appendingPathComponent("truncated.pdf"))
        try Data([0, 159, 146, 150, 0, 1, 2, 3]).write(to: docs.appendingPathComponent("blob.bin"))
        let result = try CLI.run(["ingest", docs.path, "--db", dir.appendingPathComponent("q.db").path, "--json"])
        #expect(result.status == 3)
        let report = try #require(result.json as? [String: Any])
        #expect(report["ingested"] as? Int == 2 && report["failed"] as? Int == 2)
        let failures = try #require(report["failures"] as? [[String: String]])
        #expect(Set(failures.compactMap { $0["path"].map { ($0 as NSString).lastPathComponent } }) == ["truncated.pdf", "blob.bin"])
        #expect(failures.allSatisfy { !($0["reason"] ?? "").isEmpty })
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func runsTheBundledPipeline() throws {
        let dir = try Paths.scratch("cli")
        let db = dir.appendingPathComponent("p.db").path
        let run = try CLI.run(["run", Paths.repository.appendingPathComponent("Pipelines/fixtures.yaml").path, "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ingest: Ingested") && run.stdout.contains("documents,"))

        let bad = dir.appendingPathComponent("bad.yaml")
        try "stages:\n  - ingest:\n      path: x\n".write(to: bad, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["run", bad.path, "--db", db])
        #expect(failed.status == 2 && failed.stderr.contains("bad.yaml:3") && failed.stderr.contains("ingest.path"))
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func embedPrintsUnitVectorsThatMatchTheReference() throws {
        let run = try CLI.run(["embed", "hello world", "Hello, world!", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let items = try #require(run.json as? [[String: Any]])
        let vectors = items.compactMap { $0["vector"] as? [Double] }
        #expect(vectors.count == 2 && vectors.allSatisfy { $0.count == 384 })
        #expect(abs(vectors[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        // sentence-transformers gives all-MiniLM-L6-v2("hello world") = [-0.03448, 0.03102, 0.00673, …].
        #expect(abs(vectors[0][0] + 0.03448) < 1e-4 && abs(vectors[0][1] - 0.03102) < 1e-4)
        #expect(items[0]["tokens"] as? Int == 4)
        #expect(try CLI.run(["embed"]).status == 2)

        let dir = try Paths.scratch("cli")
        let input = dir.appendingPathComponent("texts.jsonl"), output = dir.appendingPathComponent("v.f32")
        try Data("\"first text\"\n\"second\\nline\"\n".utf8).write(to: input)
        let file = try CLI.run(["embed", "--input", input.path, "--output", output.path, "--json"])
        let stats = try #require(file.json as? [String: Any], "\(file.stderr)")
        #expect(stats["texts"] as? Int == 2)
        #expect(try Data(contentsOf: output).count == 2 * 384 * 4)
        try Data("not json\n".utf8).write(to: input)
        let bad = try CLI.run(["embed", "--input", input.path])
        #expect(bad.status == 2 && bad.stderr.contains("texts.jsonl:1"))
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func ingestWithoutEmbeddingThenSemanticSearchExplains() throws {
        let db = try Paths.scratch("cli").appendingPathComponent("q.db").path
        let ingest = try #require(try CLI.run(["ingest", fixtures, "--db", db, "--json", "--no-embed"]).json as? [String: Any])
        #expect(ingest["embedded"] as? Int == 0)
        let search = try CLI.run(["search", "total", "--mode", "semantic", "--db", db])
        #expect(search.status == 1 && search.stderr.contains("no chunk has a vector"))
        #expect(try CLI.run(["search", "total", "--db", db]).status == 0)
    }
}
