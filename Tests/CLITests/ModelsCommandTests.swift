import Extraction
import Foundation
import QuarryTestSupport
import Schema
import Store
import Testing

/// `quarry models` over a database holding a few versions, as a tuning run would store them.
@Suite struct ModelsCommandTests {
    static let invoiceSchema = Paths.fixture("schemas/invoice.json")

    /// A database with invoices-v1 (from the prior), invoices-v2 (from v1, with before/after
    /// metrics) and receipts-v1.
    func database() throws -> (dir: URL, db: String) {
        let dir = try Paths.scratch("cli")
        let db = dir.appendingPathComponent("q.db").path
        let store = try Store(path: db)
        var parameters = SpanParameters.zeroShot(for: try Schema.load(Self.invoiceSchema))
        parameters.fields["total"]?.nullScore = 1e6  // never answers total, so its rows differ from the prior's
        let json = String(decoding: try parameters.encoded(), as: UTF8.self)
        func add(_ id: String, _ table: String, base: String?, metrics: String?, at time: String) throws {
            try store.addModelVersion(
                ModelVersion(
                    id: id, table: table, method: "tao", base: base, schemaSHA256: "ab12",
                    parameters: json, inputs: ["/docs/a.pdf", "/docs/b.txt"],
                    rewardConfig: #"{"validity": 1, "grounding": 0.5}"#, metrics: metrics,
                    createdAt: "2024-05-0\(time)T10:00:00Z"))
        }
        try add("invoices-v1", "invoices", base: nil, metrics: #"{"reward": 0.42, "tuned": true, "steps": 1}"#, at: "1")
        try add(
            "invoices-v2", "invoices", base: "invoices-v1",
            metrics: #"{"before": {"reward": 0.42, "f1": 0.5}, "after": {"reward": 0.61, "f1": 0.625}}"#, at: "2")
        try add("receipts-v1", "receipts", base: nil, metrics: nil, at: "3")
        return (dir, db)
    }

    @Test func helpTeachesWithExamples() throws {
        let help = try CLI.run(["models", "--help"])
        #expect(help.status == 0 && help.stdout.contains("Examples:"), "\(help.stderr)")
        for word in ["list", "show", "promote", "rollback", "zero-shot", "--model"] { #expect(help.stdout.contains(word), "\(word)") }
        let promote = try CLI.run(["models", "promote", "--help"])
        #expect(promote.status == 0 && promote.stdout.contains("--reason") && promote.stdout.contains("--db"))
        #expect(try CLI.run(["--help"]).stdout.contains("models"))
        #expect(try CLI.run(["models", "rollback"]).status == 2)  // no --table
    }

    @Test func listsShowsPromotesAndRollsBack() throws {
        let (_, db) = try database()
        let list = try CLI.run(["models", "list", "--db", db])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.firstIndex { $0.hasPrefix("receipts-v1") } ?? 9 < lines.firstIndex { $0.hasPrefix("invoices-v1") } ?? 0,
            "newest first:\n\(list.stdout)")
        #expect(list.stdout.contains("f1 0.5→0.625, reward 0.42→0.61") && lines.contains { $0.hasSuffix("  reward 0.42, steps 1") }, "\(list.stdout)")
        #expect(list.stdout.contains("In force: invoices: zero-shot, receipts: zero-shot."), "\(list.stdout)")
        #expect(try CLI.run(["models", "--db", db]).stdout == list.stdout, "list is the default")

        let promote = try CLI.run(["models", "promote", "invoices-v2", "--reason", "better reward", "--db", db])
        #expect(
            promote.status == 0 && promote.stdout.contains("invoices now extracts with invoices-v2 (was zero-shot)"),
            "\(promote.stdout)\(promote.stderr)")
        #expect(try CLI.run(["models", "promote", "invoices-v2", "--db", db]).stdout.contains("already extracts with invoices-v2"))

        let json = try #require(try CLI.run(["models", "list", "--table", "invoices", "--json", "--db", db]).json as? [[String: Any]])
        #expect(json.compactMap { $0["id"] as? String } == ["invoices-v2", "invoices-v1"])
        #expect(json.compactMap { $0["promoted"] as? Bool } == [true, false])
        #expect(json.first?["base"] as? String == "invoices-v1" && json.last?["base"] is NSNull)
        #expect((json.first?["metrics"] as? [String: Any])?["after"] != nil)
        let table = try CLI.run(["models", "list", "--table", "invoices", "--db", db]).stdout
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("invoices-v2") && $0.contains(" * ") }, "\(table)")
        #expect(!table.contains("receipts") && table.contains("In force: invoices: invoices-v2."), "\(table)")

        let show = try CLI.run(["models", "show", "invoices-v2", "--db", db])
        #expect(show.status == 0, "\(show.stderr)")
        for text in [
            "invoices-v2  (in force for invoices)", "invoices-v2 <- invoices-v1 <- zero-shot", "2 documents: /docs/a.pdf",
            "promoted    ", "(better reward)", "\"after\" : {", "quarry-span-parameters/1", "strongest weight",
        ] {
            #expect(show.stdout.contains(text), "\(text) not in\n\(show.stdout)")
        }
        #expect(show.stdout.split(separator: "\n").contains { $0.hasPrefix("    total ") && $0.contains("1000000.00") }, "\(show.stdout)")
        let shown = try #require(try CLI.run(["models", "show", "invoices-v2", "--json", "--db", db]).json as? [String: Any])
        #expect(shown["lineage"] as? [String] == ["invoices-v2", "invoices-v1", "zero-shot"])
        #expect(((shown["parameters"] as? [String: Any])?["fields"] as? [String: Any])?["total"] != nil)
        #expect((shown["reward_config"] as? [String: Any])?["grounding"] as? Double == 0.5 && shown["promoted"] as? Bool == true)

        let back = try CLI.run(["models", "rollback", "--table", "invoices", "--db", db])
        #expect(back.status == 0 && back.stdout.contains("invoices rolled back from invoices-v2 to zero-shot"), "\(back.stdout)\(back.stderr)")
        let history = try Store(path: db).promotions(table: "invoices")
        #expect(history.map(\.version) == ["invoices-v2", nil] && history.first?.reason == "better reward")

        // Bad usage exits with 2 and says what is wrong.
        for (arguments, message) in [
            (["models", "rollback", "--table", "invoices"], "nothing to roll back for invoices"),
            (["models", "show", "invoices-v9"], "no model version named invoices-v9"),
            (["models", "promote", "invoices-v9"], "no model version named invoices-v9"),
            (["models", "promote", "receipts-v1", "--table", "invoices"], "made for the table receipts, not invoices"),
            (["models", "promote", "zero-shot"], "--table"),
        ] {
            let run = try CLI.run(arguments + ["--db", db])
            #expect(run.status == 2 && run.stderr.contains(message), "\(arguments): \(run.status) \(run.stderr)")
        }
        #expect(try CLI.run(["models", "list", "--db", db + ".missing"]).status == 1)
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func extractUsesThePromotedVersion() throws {
        let (dir, db) = try database()
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Paths.fixtures.appendingPathComponent("documents/receipt-weber-baustoffe-1.txt"),
            to: docs.appendingPathComponent("receipt.txt"))
        func extract(_ extra: [String] = []) throws -> [String: Any] {
            let run = try CLI.run(["extract", "--schema", Self.invoiceSchema, "--table", "invoices", docs.path, "--db", db, "--json"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(run.json as? [String: Any], "\(run.stdout)")
        }
        #expect((try extract()["model"] as? String)?.hasPrefix("span/zero-shot.prior-") == true)
        #expect(try CLI.run(["models", "promote", "invoices-v1", "--db", db]).status == 0)
        let promoted = try extract()
        #expect((promoted["model"] as? String)?.hasPrefix("span/invoices-v1/") == true && promoted["extracted"] as? Int == 1, "\(promoted)")
        #expect((try extract(["--model", "invoices-v2"])["model"] as? String)?.hasPrefix("span/invoices-v2/") == true)
        // A version of another table serves when its parameters fit the schema.
        #expect((try extract(["--model", "receipts-v1"])["model"] as? String)?.hasPrefix("span/receipts-v1/") == true)
    }
}
