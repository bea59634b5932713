import Foundation
import QuarryTestSupport
import Testing

/// `quarry ask` and `quarry eval-qa` through the command line, with the sentence encoder.
@Suite struct AskCommandTests {
    static let sample = ["invoice-kestrel-maschinenbau-2024-0815.pdf", "receipt-weber-baustoffe-1.txt"]

    @Test func helpTeachesAskAndEvalQA() throws {
        let ask = try CLI.run(["ask", "--help"])
        #expect(ask.status == 0 && ask.stdout.contains("Examples:") && ask.stdout.contains("--retrieval") && ask.stdout.contains("--document"))
        let eval = try CLI.run(["eval-qa", "--help"])
        #expect(eval.status == 0 && eval.stdout.contains("--gold") && eval.stdout.contains("\"answers\": []"))
        #expect(try CLI.run(["ask", "x", "--pages", "0"]).status == 2)
        #expect(try CLI.run(["ask", "x", "--top-k", "0"]).status == 2)
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing), .enabled(if: TestModels.smolInstalled, TestModels.smolMissing))
    func generativeAnswersCiteOnlyGivenVerifiedSources() throws {
        let ws = try CLI.workspace(copying: Self.sample)
        #expect(try CLI.run(["ingest", ws.docs, "--db", ws.db]).status == 0)
        let run = try CLI.run([
            "ask", "What is the IBAN for payment?", "--mode", "generative", "--db", ws.db, "--json",
            "--document", "invoice-kestrel-maschinenbau-2024-0815.pdf",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let answer = try #require(run.json as? [String: Any])
        #expect(answer["mode"] as? String == "generative")
        let citations = try #require(answer["citations"] as? [[String: Any]])
        if answer["refused"] as? Bool == true {
            #expect(citations.isEmpty)
        } else {
            // Every marker in the text names a cited source, and every cited source is marked.
            let text = answer["answer"] as? String ?? ""
            let sources = Set(citations.compactMap { $0["source"] as? Int })
            let markers = Set(text.matches(of: /\[(\d+)\]/).compactMap { Int($0.output.1) })
            #expect(!markers.isEmpty && markers == sources, "\(text)")
        }
    }

    @Test func guideAddListRemove() throws {
        let ws = try CLI.workspace(copying: Self.sample)
        #expect(try CLI.run(["ingest", ws.docs, "--db", ws.db, "--no-embed"]).status == 0)
        let add = try CLI.run(["guide", "add", "prefer invoices over receipts", "--db", ws.db])
        #expect(add.status == 0 && add.stdout.contains("prefer documents matching \"invoices\" (1 document now)"), "\(add.stdout)")
        #expect(try CLI.run(["guide", "add", "be nice", "--db", ws.db]).stdout.contains("not a retrieval rule"))
        let listed = try #require(try CLI.run(["guide", "list", "--db", ws.db, "--json"]).json as? [[String: Any]])
        #expect(listed.map { $0["text"] as? String } == ["prefer invoices over receipts", "be nice"])
        #expect(try CLI.run(["guide", "remove", "2", "--db", ws.db]).status == 0)
        #expect(try CLI.run(["guide", "remove", "2", "--db", ws.db]).status == 2)
        #expect(try CLI.run(["guide", "--db", ws.db]).stdout.contains("prefer invoices over receipts"))
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func answersWithVerbatimCitationsRefusesAndEvaluates() throws {
        let ws = try CLI.workspace(copying: Self.sample)
        #expect(try CLI.run(["ingest", ws.docs, "--db", ws.db]).status == 0)

        let run = try CLI.run([
            "ask", "What is the IBAN for payment?", "--db", ws.db, "--json", "--document", "invoice-kestrel-maschinenbau-2024-0815.pdf",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let answer = try #require(run.json as? [String: Any])
        #expect(answer["refused"] as? Bool == false && (answer["confidence"] as? Double ?? 0) > 0)
        let citations = try #require(answer["citations"] as? [[String: Any]])
        #expect(!citations.isEmpty && (answer["answer"] as? String ?? "").contains("IBAN"))
        // Each quote is the page text at its offsets.
        for c in citations {
            #expect((c["document"] as? String ?? "").hasSuffix("invoice-kestrel-maschinenbau-2024-0815.pdf"))
            let sql =
                "SELECT substr(text, \(c["start"]!) + 1, \(c["end"]!) - \(c["start"]!)) AS quote FROM pages WHERE page_number = \(c["page"]!) AND document_id = \(c["document_id"]!)"
            let rows = try #require(try CLI.run(["query", sql, "--db", ws.db, "--format", "json"]).json as? [[String: Any]])
            #expect(rows.first?["quote"] as? String == c["quote"] as? String)
            #expect(c["box"] is [String: Any])  // a PDF page: the quote's box
        }

        let refusal = try #require(try CLI.run(["ask", "What did the company earn in 1987?", "--db", ws.db, "--json"]).json as? [String: Any])
        #expect(refusal["refused"] as? Bool == true && (refusal["citations"] as? [Any])?.isEmpty == true)
        #expect(try CLI.run(["ask", "x", "--db", ws.db, "--document", "absent.pdf"]).status == 2)

        let gold = ws.dir.appendingPathComponent("q.jsonl")
        try """
        {"id": "iban", "question": "What is the IBAN for payment?", "answers": ["IBAN"], "document": "invoice-kestrel-maschinenbau-2024-0815.pdf"}
        {"id": "none", "question": "What did the company earn in 1987?", "answers": []}
        """.write(to: gold, atomically: true, encoding: .utf8)
        let eval = try CLI.run(["eval-qa", "--gold", gold.path, "--db", ws.db, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let report = try #require(eval.json as? [String: Any])
        let overall = try #require(report["overall"] as? [String: Any])
        #expect(overall["questions"] as? Int == 2 && overall["refusal_accuracy"] as? Double == 1 && overall["answer_match"] as? Double == 1)
        #expect(report["run_id"] as? Int == 1)
        let runs = try #require(try CLI.run(["query", "SELECT kind FROM runs", "--db", ws.db, "--format", "json"]).json as? [[String: Any]])
        #expect(runs.first?["kind"] as? String == "eval-qa")

        try "{\"question\": \"ok\"}\n{oops".write(to: gold, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["eval-qa", "--gold", gold.path, "--db", ws.db])
        #expect(bad.status == 2 && bad.stderr.contains("q.jsonl:2"), "\(bad.stderr)")
    }
}
