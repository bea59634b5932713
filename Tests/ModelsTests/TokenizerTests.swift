import Foundation
import QuarryTestSupport
import Testing

@testable import Models

@Suite struct TokenizerTests {
    /// A small vocabulary for rules that do not need the real one.
    func tiny() throws -> WordPieceTokenizer {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "cafe", ",", "!", "a", "##b"]
        return try WordPieceTokenizer(vocabulary: Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, Int32($0)) }))
    }

    @Test func wordPieceTakesTheLongestPiecesFromTheLeft() throws {
        let t = try tiny()
        #expect(t.tokenize("unaffable") == [5, 6, 7])
        #expect(t.tokenize("UNAFFABLE, Café!") == [5, 6, 7, 9, 8, 10])
        #expect(t.tokenize("unx") == [1])  // an unmatched rest makes the word unknown
        #expect(t.tokenize(String(repeating: "a", count: 101)) == [1])
        #expect(t.tokenize("[CLS] a[SEP]") == [2, 11, 3])  // special tokens are matched verbatim
        #expect(t.tokenize(" \t\n\u{200B}") == [])
        #expect(t.encode("ab ab ab", maxLength: 4) == [2, 11, 12, 3])
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func idsMatchTheReferenceTokenizer() throws {
        let encoder = try #require(TestModels.encoder)
        let cases = try Golden.load("tokenizer", as: [Golden.TokenizerCase].self)
        #expect(cases.count >= 50)
        for c in cases {
            #expect(encoder.tokenizer.encode(c.text, maxLength: encoder.maxTokens) == c.ids, "\(c.text.debugDescription)")
        }
    }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing)) func vocabularyFileAndTokenizerJSONAgree() throws {
        let encoder = try #require(TestModels.encoder)
        let fromText = try WordPieceTokenizer(vocabularyFile: ModelCache.file("vocab.txt", of: SentenceEncoder.defaultModel))
        let sample = "Governing law: the State of Delaware. Total due $1,234.56 — naïve Ångström 東京"
        #expect(fromText.encode(sample) == encoder.tokenizer.encode(sample))
    }
}
