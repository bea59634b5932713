import Foundation
import Testing

@testable import Models

/// An opt-in long comparison with llama.cpp: `QUARRY_TOKENIZER_FUZZ` names a file written by
/// `scripts/reference/fuzz_llm_tokenizer.py` (random texts, llama.cpp's ids and decodes).
@Suite struct LanguageTokenizerFuzzTests {
    struct Case: Decodable { let text: String; let parse_special: Bool; let ids: [Int]; let decoded: [UInt8]; let decoded_special: [UInt8] }
    struct File: Decodable { let model: String; let cases: [Case] }

    static let path = ProcessInfo.processInfo.environment["QUARRY_TOKENIZER_FUZZ"]

    @Test(.enabled(if: path != nil, "set QUARRY_TOKENIZER_FUZZ to a file from scripts/reference/fuzz_llm_tokenizer.py"))
    func randomTextsTokenizeAsLlamaCpp() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: try #require(Self.path))))
        let tokenizer = try LanguageTokenizer(gguf: GGUFFile(path: file.model))
        var mismatches = 0
        for c in file.cases {
            let ids = tokenizer.encode(c.text, addSpecial: true, parseSpecial: c.parse_special)
            let ok =
                ids == c.ids && tokenizer.decodeBytes(c.ids) == c.decoded
                && tokenizer.decodeBytes(c.ids, renderSpecial: true) == c.decoded_special
            if !ok {
                mismatches += 1
                if mismatches <= 20 { Issue.record("\(c.text.debugDescription) parse_special \(c.parse_special): \(c.ids) vs \(ids)") }
            }
        }
        print("fuzz: \(file.cases.count - mismatches) of \(file.cases.count) cases match llama.cpp for \(file.model)")
        #expect(mismatches == 0)
    }
}
