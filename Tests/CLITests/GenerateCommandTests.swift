import Foundation
import QuarryTestSupport
import Testing

/// `quarry generate` and `quarry tokenize` on the committed tiny GGUF model (any llama-family
/// file given with --model), and their usage errors.
@Suite struct GenerateCommandTests {
    static let tiny = Paths.tinyModel

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func generatesWithAnyGGUFModelAndReportsSpeeds() throws {
        let run = try CLI.run(["generate", "--model", Self.tiny, "--prompt", "The capital of France is", "--max-tokens", "8", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try json(run.stdout)
        for key in ["text", "tokens", "prompt_tokens", "prefill_tokens_per_second", "decode_tokens_per_second"] {
            #expect(report[key] != nil, "\(key)")
        }
        #expect(report["tokens"] as? Int == 8 && (report["ids"] as? [Int])?.count == 8)
        // Greedy is deterministic; the same seed repeats a sampled run.
        let again = try json(
            try CLI.run(["generate", "--model", Self.tiny, "--prompt", "The capital of France is", "--max-tokens", "8", "--json"]).stdout)
        #expect(again["ids"] as? [Int] == report["ids"] as? [Int])
        let sampled = ["generate", "--model", Self.tiny, "--prompt", "Hi", "--max-tokens", "8", "--temperature", "1", "--seed", "5", "--json"]
        #expect(try json(try CLI.run(sampled).stdout)["ids"] as? [Int] == json(try CLI.run(sampled).stdout)["ids"] as? [Int])
    }

    @Test func aSchemaConstrainsTheOutputToAValidRow() throws {
        let directory = try Paths.scratch("quarry-generate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = directory.appendingPathComponent("s.json").path
        try #"{"properties": {"name": {"type": "string"}, "n": {"type": "integer"}}, "required": ["name", "n"]}"#.write(
            toFile: schema, atomically: true, encoding: .utf8)
        let source = directory.appendingPathComponent("doc.txt").path
        try "Invoice from Acme Corp, 3 items.".write(toFile: source, atomically: true, encoding: .utf8)
        let run = try CLI.run([
            "generate", "--model", Self.tiny, "--chat", "--prompt", "Who?", "--schema", schema, "--ground", source,
            "--max-tokens", "200", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try json(run.stdout)
        #expect(report["stop_reason"] as? String == "complete")
        let row = try json(try #require(report["text"] as? String))
        let name = try #require(row["name"] as? String)
        #expect("Invoice from Acme Corp, 3 items.".contains(name))
        #expect(row["n"] is Int)
    }

    @Test func tokenizeAndUsageErrors() throws {
        let run = try CLI.run(["tokenize", "Hello world", "--model", Self.tiny, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let ids = try #require(try json(run.stdout)["ids"] as? [Int])
        #expect(!ids.isEmpty && ids.first != 1, "no BOS: \(ids)")
        #expect(try CLI.run(["generate", "--prompt", "x", "--model", "/nonexistent.gguf"]).status == 2)
        #expect(try CLI.run(["generate", "--prompt", "x", "--ground", "a.txt"]).status == 2)
        #expect(try CLI.run(["generate", "--prompt", "x", "--top-p", "0"]).status == 2)
        let notGGUF = try CLI.run(["generate", "--prompt", "x", "--model", Paths.repository.appendingPathComponent("README.md").path])
        #expect(notGGUF.status == 1 && notGGUF.stderr.contains("README.md"), "\(notGGUF.stderr)")
    }
}
