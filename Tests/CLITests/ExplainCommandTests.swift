import Foundation
import QuarryTestSupport
import Testing

/// `quarry explain` on a freshly extracted table.
@Suite struct ExplainCommandTests {
    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func explainsEachFieldWithCandidatesThatAreOnThePage() throws {
        let ws = try CLI.workspace(copying: ["invoice-nightjar-studio-nj-2024-007.md", "receipt-weber-baustoffe-1.txt"])
        let extract = try CLI.run(["extract", "--schema", Paths.fixture("schemas/invoice.json"), "--table", "invoices", ws.docs, "--db", ws.db])
        #expect(extract.status == 0, "\(extract.stderr)")

        let run = try CLI.run(["explain", "--table", "invoices", "--document", "nightjar", "--json", "--db", ws.db])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(run.json as? [String: Any], "\(run.stdout)")
        #expect((report["extractor"] as? String)?.hasPrefix("span/zero-shot.prior-") == true)
        let fields = try #require(report["fields"] as? [[String: Any]])
        #expect(fields.count == 12, "every field of the invoice schema")
        let text = try String(contentsOfFile: ws.docs + "/invoice-nightjar-studio-nj-2024-007.md", encoding: .utf8)
        let scalars = Array(text.unicodeScalars)
        for field in fields {
            let e = try #require(field["explanation"] as? [String: Any])
            let answer = try #require(e["answer"] as? String)
            // What the table stores is what the extractor explained gives (the same model made the row).
            #expect(field["stored"] as? String == answer, "\(e["field"] ?? "")")
            for option in e["options"] as? [[String: Any]] ?? [] {
                let location = try #require(option["location"] as? [String: Int])
                guard let start = location["start"], let end = location["end"], let quote = option["quote"] as? String, !quote.isEmpty,
                    end <= scalars.count
                else { continue }
                if e["multiple"] as? Bool == false {
                    #expect(String(String.UnicodeScalarView(scalars[start..<end])) == quote)
                }
            }
        }

        let text1 = try CLI.run(["explain", "--table", "invoices", "--document", "nightjar", "--field", "total", "--db", ws.db])
        #expect(text1.status == 0 && text1.stdout.contains("total:") && text1.stdout.contains("null score"), "\(text1.stdout)")
        #expect(!text1.stdout.contains("vendor:"))

        for (arguments, message) in [
            (["--document", "nightjar", "--field", "colour"], "has no field colour"),
            (["--document", "absent"], "no document named absent"),
            (["--document", "nightjar", "--table", "nosuch"], "no table nosuch"),
        ] {
            var full = ["explain", "--db", ws.db] + arguments
            if !arguments.contains("--table") { full += ["--table", "invoices"] }
            let bad = try CLI.run(full)
            #expect(bad.status == 2 && bad.stderr.contains(message), "\(arguments): \(bad.status) \(bad.stderr)")
        }
    }
}
