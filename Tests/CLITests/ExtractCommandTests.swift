import Foundation
import QuarryTestSupport
import Testing

/// `quarry extract`, `quarry eval` and the `extract` pipeline stage through the command line.
@Suite struct ExtractCommandTests {
    static let fixtures = Paths.fixtures
    static let sample = ["invoice-kestrel-maschinenbau-2024-0815.pdf", "receipt-weber-baustoffe-1.txt", "invoice-nightjar-studio-nj-2024-007.md"]
    static let invoiceSchema = fixtures.appendingPathComponent("schemas/invoice.json").path

    /// A scratch folder with a copy of the sample documents in `docs/`.
    func workspace() throws -> (dir: URL, docs: String, db: String) { try CLI.workspace(copying: Self.sample) }

    @Test func helpExplainsExtractAndEval() throws {
        let extract = try CLI.run(["extract", "--help"])
        #expect(
            extract.status == 0 && extract.stdout.contains("Examples:") && extract.stdout.contains("--schema") && extract.stdout.contains("--replace")
        )
        let eval = try CLI.run(["eval", "--help"])
        #expect(eval.status == 0 && eval.stdout.contains("--gold"))
        let run = try CLI.run(["run", "--help"])
        #expect(run.status == 0 && run.stdout.contains("extract:") && run.stdout.contains("Pipelines/invoices.yaml"))
        #expect(try CLI.run(["extract", "--table", "t", "x"]).status == 2)  // no --schema
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func aBadSchemaNamesTheFileAndThePointer() throws {
        let ws = try workspace()
        let schema = ws.dir.appendingPathComponent("broken.json")
        try #"{"type": "object", "properties": {"vendor": {"type": "string"}, "total": {"type": "nummber"}}}"#
            .write(to: schema, atomically: true, encoding: .utf8)
        let run = try CLI.run(["extract", "--schema", schema.path, "--table", "invoices", ws.docs, "--db", ws.db])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains(schema.path) && run.stderr.contains("/properties/total"), "\(run.stderr)")
        let missing = try CLI.run(["extract", "--schema", ws.dir.appendingPathComponent("absent.json").path, "--table", "t", ws.docs, "--db", ws.db])
        #expect(missing.status == 2 && missing.stderr.contains("absent.json"), "\(missing.stderr)")
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func extractThenEvalStoresARun() throws {
        let ws = try workspace()
        let run = try CLI.run(["extract", "--schema", Self.invoiceSchema, "--table", "invoices", ws.docs, "--db", ws.db, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(run.json as? [String: Any], "\(run.stdout)")
        #expect(report["table"] as? String == "invoices" && report["extracted"] as? Int == 3 && report["rows"] as? Int == 3)
        let filled = try #require(report["filled"] as? [[String: Any]])
        #expect(filled.compactMap { $0["field"] as? String }.contains("total"))
        #expect(filled.allSatisfy { ($0["filled"] as? Int).map { (0...3).contains($0) } == true })

        let text = try CLI.run(["extract", "--schema", Self.invoiceSchema, "--table", "invoices", ws.docs, "--db", ws.db])
        #expect(
            text.status == 0 && text.stdout.contains("Extracted 0 of 3 documents") && text.stdout.contains("3 already up to date"), "\(text.stdout)")

        // A small gold file from the fixtures' gold rows: vendor, date and total of each sample document.
        var lines: [String] = []
        for name in Self.sample {
            let url = Self.fixtures.appendingPathComponent("gold/" + (name as NSString).deletingPathExtension + ".json")
            let gold = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            let fields = ["vendor", "invoice_date", "total"].reduce(into: [String: Any]()) { $0[$1] = gold[$1] }
            lines.append(
                String(
                    decoding: try JSONSerialization.data(withJSONObject: ["document": name, "fields": fields], options: .sortedKeys), as: UTF8.self))
        }
        let goldFile = ws.dir.appendingPathComponent("gold.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: goldFile, atomically: true, encoding: .utf8)

        let eval = try CLI.run(["eval", "--table", "invoices", "--gold", goldFile.path, "--db", ws.db])
        #expect(eval.status == 0, "\(eval.stderr)")
        let rows = eval.stdout.split(separator: "\n").map(String.init)
        for field in ["vendor", "invoice_date", "total", "macro"] {
            #expect(rows.contains { $0.hasPrefix(field + " ") }, "no line for \(field) in\n\(eval.stdout)")
        }
        #expect(eval.stdout.contains("3 gold documents; 0 without a row in invoices. Stored as run 1."), "\(eval.stdout)")
        let runs = try #require(
            try CLI.run(["query", "SELECT count(*) AS n, min(kind) AS kind FROM runs", "--db", ws.db, "--format", "json"]).json as? [[String: Any]])
        #expect(runs.first?["n"] as? Int == 1 && runs.first?["kind"] as? String == "eval")
        let metrics = try #require(
            try CLI.run([
                "query", "SELECT count(*) AS n FROM metrics WHERE run_id = 1 AND field = 'total'",
                "--db", ws.db, "--format", "json",
            ]).json as? [[String: Any]])
        #expect(metrics.first?["n"] as? Int == 4)  // precision, recall, F1, exact
        // Every value carries its confidence: the report gives the calibration, --cells every value.
        #expect(eval.stdout.contains("Confidence: ") && eval.stdout.contains("expected calibration error"), "\(eval.stdout)")
        let cells = try #require(
            try CLI.run(["eval", "--table", "invoices", "--gold", goldFile.path, "--db", ws.db, "--cells", "--json"]).json as? [String: Any])
        let calibration = try #require(cells["calibration"] as? [String: Any])
        let values = try #require(calibration["values"] as? [[String: Any]], "\(calibration)")
        #expect(
            values.count == calibration["cells"] as? Int && values.allSatisfy { ($0["confidence"] as? Double).map { (0...1).contains($0) } ?? false })
        // The candidates hold at least every value the extractor found; the report names each field.
        let ceiling = try #require(
            try CLI.run(["eval", "--table", "invoices", "--gold", goldFile.path, "--db", ws.db, "--candidates", "--json"]).json as? [String: Any])
        let recall = try #require(ceiling["candidates"] as? [[String: Any]], "\(ceiling)")
        let f1 = Dictionary(
            uniqueKeysWithValues: ((ceiling["report"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []).map {
                ($0["field"] as? String ?? "", $0["recall"] as? Double ?? 0)
            })
        #expect(Set(recall.compactMap { $0["field"] as? String }).isSuperset(of: ["vendor", "invoice_date", "total"]), "\(recall)")
        for r in recall {
            let field = r["field"] as? String ?? ""
            #expect((r["recall"] as? Double ?? 0) >= (f1[field] ?? 0) - 1e-9, "\(field): candidates below what was extracted")
        }
    }

    @Test func evalOnAMissingTableSaysSo() throws {
        let ws = try workspace()
        let ingest = try CLI.run(["ingest", ws.docs + "/receipt-weber-baustoffe-1.txt", "--db", ws.db, "--no-embed"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let gold = ws.dir.appendingPathComponent("gold.jsonl")
        try "{\"document\": \"receipt-weber-baustoffe-1.txt\", \"fields\": {\"total\": 1}}\n".write(to: gold, atomically: true, encoding: .utf8)
        let eval = try CLI.run(["eval", "--table", "nosuch", "--gold", gold.path, "--db", ws.db])
        #expect(eval.status == 2, "\(eval.stderr)")
        #expect(eval.stderr.contains("no table nosuch") && eval.stderr.contains("quarry extract"), "\(eval.stderr)")
    }

    /// The bundled Pipelines/invoices.yaml, copied unchanged into a scratch tree shaped like the
    /// repository (Pipelines/, Fixtures/schemas/, Fixtures/documents/ with the sample), so its
    /// relative paths resolve there and the run takes seconds rather than all the fixtures.
    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func runsTheInvoicesPipeline() throws {
        let ws = try workspace()
        let root = ws.dir.appendingPathComponent("repo")
        let fm = FileManager.default
        for folder in ["Pipelines", "Fixtures/schemas"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try fm.copyItem(
            at: Paths.repository.appendingPathComponent("Pipelines/invoices.yaml"), to: root.appendingPathComponent("Pipelines/invoices.yaml"))
        try fm.copyItem(atPath: Self.invoiceSchema, toPath: root.appendingPathComponent("Fixtures/schemas/invoice.json").path)
        try fm.moveItem(atPath: ws.docs, toPath: root.appendingPathComponent("Fixtures/documents").path)
        let pipeline = root.appendingPathComponent("Pipelines/invoices.yaml").path
        let n = Self.sample.count

        let run = try CLI.run(["run", pipeline, "--db", ws.db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ingest: Ingested \(n) documents"), "\(run.stdout)")
        #expect(run.stdout.contains("extract: Extracted \(n) of \(n) documents into invoices (table created"), "\(run.stdout)")
        #expect(run.stdout.contains("Fields filled (of \(n)): vendor "), "\(run.stdout)")

        // The run ends with a query over the table's first columns, and that query works.
        let last = try #require(run.stdout.split(separator: "\n").last.map(String.init))
        let sql = "SELECT document_path, vendor, vendor_address, customer FROM invoices LIMIT 5"
        #expect(last.trimmingCharacters(in: .whitespaces) == "quarry query \"\(sql)\" --db \(ws.db)", "\(run.stdout)")
        let query = try CLI.run(["query", sql, "--db", ws.db, "--format", "json"])
        let rows = try #require(query.json as? [[String: Any]], "\(query.stderr)")
        #expect(rows.count == n && rows.allSatisfy { ($0["document_path"] as? String)?.hasPrefix(root.path) == true })

        // Again, as JSON: one object per stage, nothing left to do.
        let again = try CLI.run(["run", pipeline, "--db", ws.db, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let stages = try #require(again.json as? [[String: [String: Any]]], "\(again.stdout)")
        #expect(stages.count == 2 && stages[0]["ingest"]?["unchanged"] as? Int == n)
        let extract = try #require(stages[1]["extract"])
        #expect(extract["table"] as? String == "invoices" && extract["extracted"] as? Int == 0 && extract["up_to_date"] as? Int == n)
        #expect(extract["table_change"] as? String == "unchanged" && extract["rows"] as? Int == n)

        // An unreadable file: the others go through both stages, and the run exits with 3.
        try Data("%PDF-1.7 not really".utf8).write(to: root.appendingPathComponent("Fixtures/documents/broken.pdf"))
        let partial = try CLI.run(["run", pipeline, "--db", ws.db])
        #expect(partial.status == 3, "\(partial.stderr)")
        #expect(partial.stdout.contains("failed: ") && partial.stdout.contains("broken.pdf"), "\(partial.stdout)")
        #expect(partial.stdout.contains("Extracted 0 of \(n) documents"), "\(partial.stdout)")
    }
}
